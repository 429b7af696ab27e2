// Every fault kind on a small dumbbell run through the in-core test network (tests/support with
// FaultBoxes carrying the core injector on every link): every flow completes, every byte is
// verified, and what the faults cost (retransmissions, timeouts) is printed. Each run is
// bounded in simulated time; the ctest timeout bounds the wall time.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "experiment/parse.h"
#include "fault_net.h"
#include "fault_scenarios.h"

namespace ptcp::test {
namespace {

FaultTotals& totals = fault_totals("test network");

class FaultRun : public ::testing::TestWithParam<Scenario> {};

TEST_P(FaultRun, EveryFlowCompletesAndEveryByteIsVerified) {
  const Scenario& sc = GetParam();
  const exp::Experiment e = exp::parse_experiment(scenario_text(sc), "mem/" + sc.name + ".toml", {}, nullptr);
  const FaultRunSummary s = run_in_test_network(e, 2 * kNsPerSec);
  std::printf("[%s] %s\n", sc.name.c_str(), describe(s).c_str());
  print_count_line("test-network", sc.name, s.faults, s.retransmits, s.timeouts);
  totals.add(s.faults, s.retransmits);

  EXPECT_EQ(s.completed.size(), s.flows);
  EXPECT_EQ(s.bytes_delivered, s.bytes_expected);
  EXPECT_EQ(s.payload_errors, 0u);
  EXPECT_EQ(s.frames_held_at_end, 0u);
  const HostDetail detail{s.duplicates_received, s.bad_checksum};
  check_scenario_counters(sc, s.faults, s.retransmits, s.timeouts,
                          s.host_malformed + s.switch_malformed, &detail);
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultRun, ::testing::ValuesIn(scenarios()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace ptcp::test
