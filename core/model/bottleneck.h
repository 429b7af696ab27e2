// Reducing an experiment to the fluid model's single bottleneck: one egress port every flow
// crosses (on every equal-cost path), and no other port that could ever queue. A port other
// than the bottleneck is harmless when its flows' NICs together cannot exceed its rate, or when
// it lies after the bottleneck on all their paths and is at least as fast.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/units.h"
#include "experiment/experiment.h"
#include "experiment/workload.h"

namespace ptcp::model {

struct Bottleneck {
  std::uint32_t port = 0;           // global port id of the bottleneck egress
  std::uint32_t node = 0;           // the switch (or host) that owns it
  std::vector<TimeNs> flow_rtt;     // per flow: unloaded RTT of its path (propagation both ways
                                    // + one data packet out and one ACK back per hop)
  std::vector<std::vector<std::uint32_t>> flow_ports;  // per flow: every port it may cross
};

// Fills `out` and returns "" when the flows of `e` share one bottleneck; otherwise says why not
// (naming the port that could also queue, or the flow that avoids the shared ports).
std::string reduce_to_bottleneck(const exp::Experiment& e, const std::vector<exp::Flow>& flows,
                                 Bottleneck& out);

// Wire bytes of a full data packet and of an ACK for this experiment (INT region when the
// algorithm uses it).
std::uint64_t data_wire_bytes(const exp::Experiment& e);
std::uint64_t ack_wire_bytes(const exp::Experiment& e);

}  // namespace ptcp::model
