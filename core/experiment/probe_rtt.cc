#include "experiment/probe_rtt.h"

#include <algorithm>
#include <set>
#include <utility>

#include "wire/format.h"

namespace ptcp::exp {
namespace {

TimeNs one_way(const Experiment& e, std::uint32_t from, std::uint32_t to) {
  TimeNs best = kNever;
  for (const auto& path : e.routing->paths(from, to)) {
    TimeNs t = 0;
    for (std::uint32_t gp : path) {
      const LinkParams& l = e.topology->port(gp).link;
      t += l.delay + serialization_ns(probe_wire_bytes(), l.rate);
    }
    best = std::min(best, t);
  }
  return best == kNever ? 0 : best;
}

}  // namespace

std::uint64_t probe_wire_bytes() { return wire::wire_bytes(wire::frame_len(false, 0)); }

TimeNs unloaded_probe_rtt(const Experiment& e, std::uint32_t src, std::uint32_t dst) {
  return one_way(e, src, dst) + one_way(e, dst, src);
}

TimeNs computed_measured_base_rtt(const Experiment& e, const std::vector<Flow>& flows) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (const Flow& f : flows) pairs.emplace(f.src, f.dst);
  TimeNs worst = 0;
  for (const auto& [s, d] : pairs) worst = std::max(worst, unloaded_probe_rtt(e, s, d));
  return worst;
}

}  // namespace ptcp::exp
