// `cc.base_rtt = "measured"`: the unloaded round trip a probe sees between the host pairs the
// flows use. The DPDK backend measures it with probe packets before the flows start; a
// simulator has nothing to measure, so it uses this computation of the same quantity:
// propagation both ways plus one probe frame's serialization at every hop, out and back.
// It is below the authors' rule (topology_tau), which serializes a payload-sized packet.
#pragma once

#include <cstdint>
#include <vector>

#include "experiment/experiment.h"
#include "experiment/workload.h"

namespace ptcp::exp {

// Bytes a probe (and its reply) occupies on a link: the smallest transport frame, no INT.
std::uint64_t probe_wire_bytes();

// The probe RTT from `src` to `dst` and back on `e.topology` (run units when `e` is scaled),
// the fastest of the equal-cost paths each way.
TimeNs unloaded_probe_rtt(const Experiment& e, std::uint32_t src, std::uint32_t dst);

// The largest probe RTT over the (src, dst) pairs of `flows`; 0 when there are none.
TimeNs computed_measured_base_rtt(const Experiment& e, const std::vector<Flow>& flows);

}  // namespace ptcp::exp
