// Derived values: the paper's fat-tree tau and BDP, routing, oversubscription, offered load.
#include <gtest/gtest.h>

#include "experiment/derived.h"
#include "test_util.h"

namespace ptcp::exp {
namespace {

const char* kPaperFatTree = R"(
[topology]
kind = "fat-tree"
pods = 4
tors_per_pod = 2
aggs_per_pod = 2
cores = 4
servers_per_tor = 32
host_rate = "25Gbps"
host_delay = "1us"
tor_agg_rate = "100Gbps"
tor_agg_delay = "1us"
agg_core_rate = "100Gbps"
agg_core_delay = "5us"

[transport]
payload = 1000

[[workload]]
kind = "poisson"
cdf = [[0, 0], [10000, 50], [20000, 100]]
load = 0.6
)";

TEST(Derived, PaperFatTreeTauAndBdp) {
  const Experiment e = test::parse(kPaperFatTree);
  const Derived d = derive(e);
  std::cout << "  paper fat-tree: tau " << d.topology_tau << " ns, max BDP " << d.max_bdp_bytes
            << " bytes, intra-rack " << d.min_rtt << " ns\n";
  EXPECT_EQ(d.topology_tau, 28'960);
  EXPECT_EQ(d.base_rtt, 28'960);
  EXPECT_EQ(d.max_bdp_bytes, 90'500u);
  EXPECT_EQ(d.min_rtt, 4'640);  // "intra-rack RTT is about 4.6 us"
  EXPECT_EQ(d.hosts, 256u);
  EXPECT_EQ(d.switches, 20u);
  ASSERT_EQ(d.longest_path.size(), 7u);  // h tor agg core agg tor h
  EXPECT_EQ(d.longest_path[3].substr(0, 4), "core");
}

TEST(Derived, OversubscriptionAndLoadPerTier) {
  const Derived d = derive(test::parse(kPaperFatTree));
  double tor = 0, agg = 0;
  for (const auto& o : d.oversubscription) (o.tier == "tor" ? tor : agg) = o.ratio;
  EXPECT_DOUBLE_EQ(tor, 4.0);
  EXPECT_DOUBLE_EQ(agg, 1.0);
  for (const TierLoad& t : d.tiers) {
    // 60% on ToR uplinks is 15% of each host link at 4:1; traffic to other pods is 6/7 of it.
    if (t.tier == "tor->agg") {
      EXPECT_NEAR(t.max_utilization, 0.60, 1e-9);
    }
    if (t.tier == "h->tor") {
      EXPECT_NEAR(t.mean_utilization, 0.15, 1e-9);
    }
    if (t.tier == "agg->core") {
      EXPECT_NEAR(t.max_utilization, 0.60 * 192.0 / 224.0, 1e-9);
    }
  }
}

TEST(Routing, EcmpKeepsEveryEqualCostNextHop) {
  const Experiment e = test::parse(kPaperFatTree);
  const Topology& t = *e.topology;
  const Routing& r = *e.routing;
  const std::uint32_t tor0 = *t.find_node("tor0"), agg0 = *t.find_node("agg0");
  // A ToR reaches another pod through both its aggregation switches, an agg through its 2 cores.
  EXPECT_EQ(r.next_ports(tor0, 255).size(), 2u);
  EXPECT_EQ(r.next_ports(agg0, 255).size(), 2u);
  EXPECT_EQ(r.next_ports(tor0, 5).size(), 1u);
  EXPECT_EQ(t.port(r.next_ports(tor0, 5)[0]).name, "tor0->h5");
  EXPECT_EQ(r.paths(0, 255).size(), 4u);
  EXPECT_EQ(r.paths(0, 40).size(), 2u);  // same pod, other ToR
  EXPECT_EQ(r.paths(0, 1).size(), 1u);
  EXPECT_EQ(r.hops(0, 255), 6u);
  EXPECT_EQ(r.local_ports(tor0, 5), (std::vector<std::uint16_t>{5}));
}

TEST(Topology, KAryFatTreeAndNaming) {
  const Experiment e = test::parse(R"(
[topology]
kind = "fat-tree"
k = 4
[[workload]]
kind = "flows"
flows = [{ src = "h0", dst = "h15", size = 1 }]
)");
  const Topology& t = *e.topology;
  EXPECT_EQ(t.host_count(), 16u);
  EXPECT_EQ(t.switch_count(), 8u + 8u + 4u);
  EXPECT_EQ(t.node(16).name, "tor0");
  EXPECT_EQ(t.node(24).name, "agg0");
  EXPECT_EQ(t.node(32).name, "core0");
  EXPECT_TRUE(t.find_port("tor0->h1").has_value());
  EXPECT_TRUE(t.find_port("agg0->core1").has_value());
  EXPECT_FALSE(t.find_port("agg0->core2").has_value());  // the k-ary wiring
  EXPECT_EQ(e.routing->paths(0, 15).size(), 4u);
}

TEST(Topology, ExplicitDumbbellAndStar) {
  const Experiment x = test::parse(R"(
[topology]
kind = "explicit"
hosts = 2
switches = ["sw0", "sw1"]
[[topology.links]]
a = "h0"
b = "sw0"
rate = "10Gbps"
delay = "2us"
[[topology.links]]
a = "sw0"
b = "sw1"
rate = "10Gbps"
delay = "3us"
[[topology.links]]
a = "sw1"
b = "h1"
rate = "10Gbps"
delay = "2us"
[[workload]]
kind = "flows"
flows = [{ src = "h0", dst = "h1", size = 1 }]
)");
  // 2*(2+3+2) us + 3 * 800 ns
  EXPECT_EQ(derive(x).topology_tau, 14'000 + 2'400);
  const Experiment d = test::parse(R"(
[topology]
kind = "dumbbell"
hosts_left = 3
hosts_right = 2
bottleneck_rate = "10Gbps"
[[workload]]
kind = "flows"
flows = [{ src = "h0", dst = "h4", size = 1 }]
)");
  EXPECT_EQ(d.topology->host_switch(2), *d.topology->find_node("sw0"));
  EXPECT_EQ(d.topology->host_switch(3), *d.topology->find_node("sw1"));
  EXPECT_EQ(d.topology->port(*d.topology->find_port("sw0->sw1")).link.rate, gbps(10));
}

}  // namespace
}  // namespace ptcp::exp
