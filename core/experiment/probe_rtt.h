// `cc.base_rtt = "measured"`: the unloaded round trip of a full-size data frame out and its ACK
// back between the host pairs the flows use: what a window-based CC needs as tau, because a
// lone flow whose window is capped at HostBw*tau fills the link only if tau covers this RTT.
// The DPDK backend measures it with probe packets padded to those two sizes before the flows
// start; a simulator has nothing to measure, so it uses this computation of the same quantity:
// propagation both ways plus, at every hop, the data frame's serialization out and the ACK
// frame's serialization back. It is above the authors' rule (topology_tau, twice propagation
// plus one payload's serialization per hop) by the headers' serialization, e.g. 7.32 us
// against 6.96 us on the 25G dumbbell with INT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "experiment/experiment.h"
#include "experiment/workload.h"

namespace ptcp::exp {

// Frame lengths (headers + payload, no preamble/FCS/gap) of what the probe stands for: the
// experiment's full-size data frame (with the INT region when the CC uses INT) and its ACK
// (which echoes the INT region then). The DPDK probes are padded to these.
std::size_t probe_out_frame_len(const Experiment& e);
std::size_t probe_back_frame_len(const Experiment& e);

// The unloaded RTT from `src` to `dst` and back on `e.topology` (run units when `e` is
// scaled), the fastest of the equal-cost paths each way.
TimeNs unloaded_probe_rtt(const Experiment& e, std::uint32_t src, std::uint32_t dst);

// The largest unloaded RTT over the (src, dst) pairs of `flows`; 0 when there are none.
TimeNs computed_measured_base_rtt(const Experiment& e, const std::vector<Flow>& flows);

}  // namespace ptcp::exp
