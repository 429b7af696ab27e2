#include "experiment/probe_rtt.h"

#include <algorithm>
#include <set>
#include <utility>

#include "wire/format.h"

namespace ptcp::exp {
namespace {

bool uses_int(const Experiment& e) { return e.sw.int_enabled && e.cc.carries_int(); }

TimeNs one_way(const Experiment& e, std::uint32_t from, std::uint32_t to, std::size_t frame) {
  const std::uint64_t bytes = wire::wire_bytes(frame);
  TimeNs best = kNever;
  for (const auto& path : e.routing->paths(from, to)) {
    TimeNs t = 0;
    for (std::uint32_t gp : path) {
      const LinkParams& l = e.topology->port(gp).link;
      t += l.delay + serialization_ns(bytes, l.rate);
    }
    best = std::min(best, t);
  }
  return best == kNever ? 0 : best;
}

}  // namespace

std::size_t probe_out_frame_len(const Experiment& e) {
  return wire::frame_len(uses_int(e), e.transport.payload_bytes);
}

std::size_t probe_back_frame_len(const Experiment& e) { return wire::frame_len(uses_int(e), 0); }

TimeNs unloaded_probe_rtt(const Experiment& e, std::uint32_t src, std::uint32_t dst) {
  return one_way(e, src, dst, probe_out_frame_len(e)) +
         one_way(e, dst, src, probe_back_frame_len(e));
}

TimeNs computed_measured_base_rtt(const Experiment& e, const std::vector<Flow>& flows) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (const Flow& f : flows) pairs.emplace(f.src, f.dst);
  TimeNs worst = 0;
  for (const auto& [s, d] : pairs) worst = std::max(worst, unloaded_probe_rtt(e, s, d));
  return worst;
}

}  // namespace ptcp::exp
