// cc.base_rtt = "measured": the parser accepts it (and writes it back), and the computed probe
// RTT that ns-3 uses in its place is propagation both ways plus a probe's serialization per hop.
#include <gtest/gtest.h>

#include "experiment/derived.h"
#include "experiment/emit.h"
#include "experiment/probe_rtt.h"
#include "experiment/scale.h"
#include "experiment/workload.h"
#include "test_util.h"

namespace ptcp::exp {
namespace {

using test::load_shipped;

TEST(BaseRttMeasured, ParsedKeptAsFallbackAndEmitted) {
  const Experiment e = load_shipped("pair-3node", {"cc.base_rtt=measured"});
  EXPECT_TRUE(e.cc.base_rtt_measured);
  EXPECT_FALSE(e.cc.base_rtt_given.has_value());
  // Until a backend measures, base_rtt is the "auto" value.
  EXPECT_EQ(e.cc.base_rtt, topology_tau(*e.topology, *e.routing, e.transport.payload_bytes));
  EXPECT_NE(emit_toml(e).find("base_rtt = 'measured'"), std::string::npos) << emit_toml(e);
  const Experiment automatic = load_shipped("pair-3node");
  EXPECT_FALSE(automatic.cc.base_rtt_measured);
}

TEST(BaseRttMeasured, OtherWordsAreRefusedNamingTheChoices) {
  try {
    load_shipped("pair-3node", {"cc.base_rtt=measure"});
    FAIL() << "accepted cc.base_rtt=measure";
  } catch (const ExperimentError& err) {
    EXPECT_NE(std::string(err.what()).find("cc.base_rtt"), std::string::npos) << err.what();
  }
}

TEST(ProbeRtt, PairThreeNodeIsPropagationPlusProbeSerialization) {
  const Experiment e = load_shipped("pair-3node");
  const TimeNs ser = serialization_ns(probe_wire_bytes(), 25'000'000'000);
  EXPECT_EQ(probe_wire_bytes(), 102u);  // 78-byte frame + preamble, FCS, gap
  EXPECT_EQ(unloaded_probe_rtt(e, 0, 2), 4 * kNsPerUs + 4 * ser);
  const TimeNs m = computed_measured_base_rtt(e, generate_flows(e));
  EXPECT_EQ(m, 4 * kNsPerUs + 4 * ser);
  EXPECT_LT(m, e.cc.base_rtt);  // below the authors' rule (payload-sized serialization)
  std::printf("pair-3node: computed probe RTT %lld ns, auto tau %lld ns\n",
              static_cast<long long>(m), static_cast<long long>(e.cc.base_rtt));
}

TEST(ProbeRtt, LargestPairOfTheFlowsAndScalesWithTheRun) {
  const Experiment e = load_shipped("incast-10to1");
  const auto flows = generate_flows(e);
  const TimeNs m = computed_measured_base_rtt(e, flows);
  // h12 -> h0 crosses the spine: 2 * (1 + 6 + 6 + 1) us of propagation.
  EXPECT_GT(m, 28 * kNsPerUs);
  EXPECT_LT(m, e.cc.base_rtt);
  EXPECT_EQ(m, unloaded_probe_rtt(e, 12, 0));
  EXPECT_EQ(computed_measured_base_rtt(e, {}), 0);
  const Experiment s = scaled_for_run(load_shipped("incast-10to1", {"testbed.scale=100"}));
  const TimeNs ms = computed_measured_base_rtt(s, scale_flows(flows, 100));
  // Each hop rounds its serialization to whole ns: up to 1 ns per hop unscaled.
  EXPECT_NEAR(static_cast<double>(ms), 100.0 * static_cast<double>(m), 8 * 100.0);
}

}  // namespace
}  // namespace ptcp::exp
