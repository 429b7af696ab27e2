// A flow's own lower bound on its path with no other traffic (the fct.csv ideal_fct_ns column):
//   propagation both ways
// + one ACK's serialization at each hop (back along the path)
// + the first data packet's serialization at each hop before the slowest link
// + every byte of the flow on the wire (headers, Ethernet minimum and preamble/IFG included, at
//   the sizes each link really carries) at the slowest link's rate
// + the last data packet's serialization at each hop after the slowest link.
// With equal packets this is the "first packet at each hop except the slowest"; using the
// last (possibly shorter) packet after the bottleneck keeps it a true lower bound, so a slowdown
// below 1 is always a bug. Among equal-cost paths the smallest bound is taken; the slowest link
// is the last of the slowest ones. Everything is computed exactly and rounded down.
#pragma once

#include <cstdint>
#include <vector>

#include "experiment/experiment.h"

namespace ptcp::exp {

struct PacketSizes {
  std::uint32_t payload_bytes = 1000;
  bool int_enabled = false;  // data packets and ACKs carry the INT region
};

// The bound for `size_bytes` over one path (global port ids, src NIC first).
TimeNs ideal_fct_on_path(const Topology& t, const std::vector<std::uint32_t>& path,
                         std::uint64_t size_bytes, const PacketSizes& ps);

// The bound for a flow of the experiment (its unscaled topology and packet sizes).
TimeNs ideal_fct(const Experiment& e, std::uint32_t src, std::uint32_t dst, std::uint64_t size_bytes);

}  // namespace ptcp::exp
