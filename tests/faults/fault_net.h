// Runs an experiment (with its [faults]) on the in-core test network (tests/support): the core
// hosts and switches the backends run, joined by fault-free channels, with a FaultBox spliced
// into every link whose [faults] give either direction something to do. Used by the fault
// tests to check that every flow finishes with every byte verified.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiment/experiment.h"
#include "faults/faults.h"
#include "transport/host.h"

namespace ptcp::test {

struct FaultRunSummary {
  std::size_t flows = 0;
  std::vector<transport::FlowRecord> completed;
  std::uint64_t bytes_expected = 0;   // sum of flow sizes
  std::uint64_t bytes_delivered = 0;  // verified in-order bytes at the receivers
  std::uint64_t payload_errors = 0;
  std::uint64_t retransmits = 0, timeouts = 0;
  std::uint64_t duplicates_received = 0;
  std::uint64_t host_malformed = 0, switch_malformed = 0;
  std::uint64_t bad_checksum = 0;     // host frames rejected by the transport checksum
  std::uint64_t frames_held_at_end = 0;  // frames still inside switches or fault boxes
  faults::FaultCounters faults;       // summed over every injector
  std::size_t injectors = 0;
  TimeNs end = 0;
};

// Starts every flow of generate_flows(e) at its time and runs until all are done (then a
// little longer, so frames in flight land) or until `limit`.
FaultRunSummary run_in_test_network(const exp::Experiment& e, TimeNs limit);

// One line for the test log: what the faults did and what the transport paid for them.
std::string describe(const FaultRunSummary& s);

}  // namespace ptcp::test
