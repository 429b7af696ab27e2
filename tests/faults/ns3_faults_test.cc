// The same fault scenarios as faults_run_test, on the ns-3 backend: the injector sits on each
// PtcpNetDevice's transmit path. Every flow completes, every byte is verified, and the cost of
// the faults (retransmissions, timeouts) is printed.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "experiment/parse.h"
#include "experiment/scale.h"
#include "experiment/workload.h"
#include "fault_net.h"
#include "fault_scenarios.h"
#include "sim/run.h"

namespace ptcp::test {
namespace {

FaultTotals& totals = fault_totals("ns-3");

class Ns3FaultRun : public ::testing::TestWithParam<Scenario> {};

TEST_P(Ns3FaultRun, EveryFlowCompletesAndEveryByteIsVerified) {
  const Scenario& sc = GetParam();
  const exp::Experiment e =
      exp::parse_experiment(scenario_text(sc), "mem/" + sc.name + ".toml", {}, nullptr);
  const exp::Experiment scaled = exp::scaled_for_run(e);
  const std::vector<exp::Flow> flows = exp::generate_flows(e);
  std::uint64_t expected = 0;
  for (const exp::Flow& f : flows) expected += f.size_bytes;
  ns3sim::RunOptions opt;
  opt.stop_when_done = true;
  exp::Results r;
  ns3sim::RunStats st;
  ns3sim::run_on_ns3(scaled, flows, opt, r, &st);

  const std::uint64_t retransmits = r.counters[exp::counter::kRetransmits];
  const std::uint64_t timeouts = r.counters[exp::counter::kTimeouts];
  const std::uint64_t malformed = r.counters[exp::counter::kMalformed];
  const faults::FaultCounters& f = st.faults;
  std::printf("[%s ns-3] %zu/%zu flows, %llu/%llu bytes verified, payload errors %llu | frames judged "
              "%llu: lost %llu (%llu in %llu bursts, %llu link down), reordered %llu, duplicated "
              "%llu, corrupted %llu | retransmits %llu, timeouts %llu, malformed %llu | done at %.3f ms\n",
              sc.name.c_str(), r.fct.size(), flows.size(),
              static_cast<unsigned long long>(st.bytes_delivered),
              static_cast<unsigned long long>(expected),
              static_cast<unsigned long long>(r.counters[exp::counter::kPayloadErrors]),
              static_cast<unsigned long long>(f.frames), static_cast<unsigned long long>(f.lost()),
              static_cast<unsigned long long>(f.lost_burst), static_cast<unsigned long long>(f.bursts),
              static_cast<unsigned long long>(f.lost_down),
              static_cast<unsigned long long>(f.reordered),
              static_cast<unsigned long long>(f.duplicated),
              static_cast<unsigned long long>(f.corrupted),
              static_cast<unsigned long long>(retransmits), static_cast<unsigned long long>(timeouts),
              static_cast<unsigned long long>(malformed), static_cast<double>(st.sim_end_ns) / 1e6);
  print_count_line("ns3", sc.name, f, retransmits, timeouts);
  totals.add(f, retransmits);

  EXPECT_EQ(r.fct.size(), flows.size());
  EXPECT_EQ(st.flows_received.size(), flows.size());
  EXPECT_EQ(st.bytes_delivered, expected);
  EXPECT_EQ(r.counters[exp::counter::kPayloadErrors], 0u);
  EXPECT_EQ(r.counters[ns3sim::kCounterFaultsCorrupted], f.corrupted);
  // The results give host and switch rejections as one `malformed` total.
  check_scenario_counters(sc, f, retransmits, timeouts, malformed, nullptr);
}

INSTANTIATE_TEST_SUITE_P(Faults, Ns3FaultRun, ::testing::ValuesIn(scenarios()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace ptcp::test
