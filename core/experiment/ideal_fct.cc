#include "experiment/ideal_fct.h"

#include <algorithm>

#include "wire/format.h"

namespace ptcp::exp {
namespace {

using Ps = Uint128;  // picoseconds, exact enough for any flow

// Exact time in picoseconds for `bytes` at `rate`, rounded down.
Ps ps_for(std::uint64_t bytes, BitsPerSec rate) {
  return static_cast<Ps>(bytes) * 8u * 1'000'000'000'000u / rate;
}

std::uint64_t wire_of(std::uint64_t payload, bool int_enabled) {
  return wire::wire_bytes(wire::frame_len(int_enabled, payload));
}

}  // namespace

TimeNs ideal_fct_on_path(const Topology& t, const std::vector<std::uint32_t>& path,
                         std::uint64_t size_bytes, const PacketSizes& ps) {
  if (path.empty()) return 0;
  const std::uint64_t mss = ps.payload_bytes;
  const std::uint64_t packets = size_bytes == 0 ? 1 : (size_bytes + mss - 1) / mss;
  const std::uint64_t first = std::min<std::uint64_t>(size_bytes, mss);
  const std::uint64_t last = size_bytes - (packets - 1) * mss;
  const std::uint64_t all_wire =
      (packets - 1) * wire_of(mss, ps.int_enabled) + wire_of(last, ps.int_enabled);
  const std::uint64_t ack_wire = wire_of(0, ps.int_enabled);

  std::size_t slowest = 0;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (t.port(path[i]).link.rate <= t.port(path[slowest]).link.rate) slowest = i;
  }
  Ps total = 0;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const LinkParams& l = t.port(path[i]).link;
    total += static_cast<Ps>(2 * l.delay) * 1000u;
    total += ps_for(ack_wire, l.rate);
    if (i < slowest) total += ps_for(wire_of(first, ps.int_enabled), l.rate);
    if (i == slowest) total += ps_for(all_wire, l.rate);
    if (i > slowest) total += ps_for(wire_of(last, ps.int_enabled), l.rate);
  }
  return static_cast<TimeNs>(total / 1000u);
}

TimeNs ideal_fct(const Experiment& e, std::uint32_t src, std::uint32_t dst, std::uint64_t size_bytes) {
  const PacketSizes ps{e.transport.payload_bytes, e.cc.carries_int()};
  TimeNs best = kNever;
  for (const auto& path : e.routing->paths(src, dst)) {
    best = std::min(best, ideal_fct_on_path(*e.unscaled_topology, path, size_bytes, ps));
  }
  return best;
}

}  // namespace ptcp::exp
