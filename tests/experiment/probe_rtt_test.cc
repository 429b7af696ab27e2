// cc.base_rtt = "measured": the parser accepts it (and writes it back), and the computed RTT
// that ns-3 uses in its place is propagation both ways plus, per hop, a full-size data frame's
// serialization out and its ACK's back (what a lone flow's window must cover).
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

TEST(ProbeRtt, PairThreeNodeIsPropagationPlusDataOutAndAckBack) {
  const Experiment e = load_shipped("pair-3node");
  // PowerTCP with INT: 1000-byte payload + 162 bytes of headers and INT out, a 162-byte ACK back.
  EXPECT_EQ(probe_out_frame_len(e), 1162u);
  EXPECT_EQ(probe_back_frame_len(e), 162u);
  const TimeNs out = serialization_ns(1162 + 24, 25'000'000'000);  // + preamble, FCS, gap
  const TimeNs back = serialization_ns(162 + 24, 25'000'000'000);
  EXPECT_EQ(out, 380);
  EXPECT_EQ(back, 60);
  EXPECT_EQ(unloaded_probe_rtt(e, 0, 2), 4 * kNsPerUs + 2 * out + 2 * back);
  const TimeNs m = computed_measured_base_rtt(e, generate_flows(e));
  EXPECT_EQ(m, 4 * kNsPerUs + 2 * out + 2 * back);
  // Above the authors' rule, which serializes only the payload once per hop.
  EXPECT_GT(m, e.cc.base_rtt);
  std::printf("pair-3node: computed unloaded RTT %lld ns, auto tau %lld ns\n",
              static_cast<long long>(m), static_cast<long long>(e.cc.base_rtt));
}

TEST(ProbeRtt, WithoutIntTheFramesHaveNoIntRegion) {
  const Experiment e = load_shipped("pair-3node", {"cc.algorithm=dctcp"});
  EXPECT_EQ(probe_out_frame_len(e), 1078u);
  EXPECT_EQ(probe_back_frame_len(e), 78u);
}

TEST(ProbeRtt, DumbbellCoversTheWireRttTheAuthorsRuleMisses) {
  // The lone-flow cap of issue 5: the rule gives 6.96 us, the data+ACK round trip 7.32 us.
  const Experiment e = load_shipped("fairness", {"cc.base_rtt=auto"});
  EXPECT_EQ(e.cc.base_rtt, 6960);
  const TimeNs m = computed_measured_base_rtt(e, generate_flows(e));
  EXPECT_EQ(m, 6 * kNsPerUs + 3 * 380 + 3 * 60);
  std::printf("fairness dumbbell: computed unloaded RTT %lld ns, auto tau %lld ns\n",
              static_cast<long long>(m), static_cast<long long>(e.cc.base_rtt));
}

TEST(ProbeRtt, LargestPairOfTheFlowsAndScalesWithTheRun) {
  const Experiment e = load_shipped("incast-10to1");
  const auto flows = generate_flows(e);
  const TimeNs m = computed_measured_base_rtt(e, flows);
  // h12 -> h0 crosses the spine: 2 * (1 + 6 + 6 + 1) us of propagation.
  EXPECT_GT(m, 28 * kNsPerUs);
  // The rule takes the longest path of the whole topology (also h12 -> h0 here).
  EXPECT_GT(m, e.cc.base_rtt);
  EXPECT_EQ(m, unloaded_probe_rtt(e, 12, 0));
  EXPECT_EQ(computed_measured_base_rtt(e, {}), 0);
  const Experiment s = scaled_for_run(load_shipped("incast-10to1", {"testbed.scale=100"}));
  const TimeNs ms = computed_measured_base_rtt(s, scale_flows(flows, 100));
  // Each hop rounds its serialization to whole ns: up to 1 ns per hop unscaled.
  EXPECT_NEAR(static_cast<double>(ms), 100.0 * static_cast<double>(m), 8 * 100.0);
}

}  // namespace
}  // namespace ptcp::exp
