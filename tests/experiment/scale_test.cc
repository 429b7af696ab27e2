// The testbed scale factor: a scaled and an unscaled resolved experiment differ exactly as
// specified (rates / s, times * s, bytes and dimensionless values unchanged, ECN by unscaled rate).
#include <gtest/gtest.h>

#include "experiment/derived.h"
#include "experiment/results.h"
#include "experiment/scale.h"
#include "test_util.h"

namespace ptcp::exp {
namespace {

const char* kExp = R"(
[topology]
kind = "leaf-spine"
tors = 2
spines = 2
servers_per_tor = 4
host_rate = "25Gbps"
host_delay = "1us"
tor_spine_rate = "100Gbps"
tor_spine_delay = "6us"

[transport]
rto = "1ms"
rto_max = "50ms"
cnp_interval = "50us"

[cc]
algorithm = "timely"
[cc.timely]
t_low = "50us"
t_high = "500us"

[[workload]]
kind = "poisson"
cdf = [[0, 0], [10000, 100]]
load = 0.3
start = "100us"
stop = "2ms"

[[workload]]
kind = "long-flows"
flows = [{ src = "h0", dst = "h4", start = "10us", stop = "1ms" }]

[run]
duration = "2ms"
warmup = "100us"
queue_interval = "1us"
flow_interval = "10us"
link_interval = "20us"
drain_limit = "5ms"
)";

TEST(Scale, ScaledDiffersExactlyAsSpecified) {
  const double s = 100;
  const Experiment u = test::parse(kExp, {"testbed.scale=100"});
  const Experiment x = scaled_for_run(u);
  EXPECT_EQ(x.applied_scale, s);
  ASSERT_EQ(u.topology->ports().size(), x.topology->ports().size());
  for (std::size_t p = 0; p < u.topology->ports().size(); ++p) {
    const auto& a = u.topology->port(static_cast<std::uint32_t>(p)).link;
    const auto& b = x.topology->port(static_cast<std::uint32_t>(p)).link;
    EXPECT_EQ(b.rate * 100, a.rate);
    EXPECT_EQ(b.delay, a.delay * 100);
    // ECN thresholds are looked up by the unscaled rate, so bytes stay the same.
    EXPECT_EQ(x.ecn_for_port(static_cast<std::uint32_t>(p)).kmin_bytes,
              u.ecn_for_port(static_cast<std::uint32_t>(p)).kmin_bytes);
  }
  EXPECT_EQ(x.cc.base_rtt, u.cc.base_rtt * 100);
  EXPECT_EQ(x.transport.rto, u.transport.rto * 100);
  EXPECT_EQ(x.transport.rto_max, u.transport.rto_max * 100);
  EXPECT_EQ(x.transport.cnp_interval, u.transport.cnp_interval * 100);
  EXPECT_EQ(x.transport.payload_bytes, u.transport.payload_bytes);
  EXPECT_EQ(x.sw.buffer_bytes, u.sw.buffer_bytes);
  for (const auto& [name, value] : u.cc.params) {
    const cc::ParamSpec* spec = u.cc.algo->param(name);
    const double expect = spec->unit == cc::ParamUnit::kTimeNs    ? value * s
                          : spec->unit == cc::ParamUnit::kRateBps ? value / s
                                                                  : value;
    EXPECT_DOUBLE_EQ(x.cc.params.at(name), expect) << name << " (" << cc::to_string(spec->unit) << ")";
  }
  EXPECT_DOUBLE_EQ(x.cc.params.at("t_low"), 5e6);
  EXPECT_EQ(x.run.duration, u.run.duration * 100);
  EXPECT_EQ(x.run.warmup, u.run.warmup * 100);
  EXPECT_EQ(x.run.queue_interval, u.run.queue_interval * 100);
  EXPECT_EQ(x.run.flow_interval, u.run.flow_interval * 100);
  EXPECT_EQ(x.run.link_interval, u.run.link_interval * 100);
  EXPECT_EQ(x.run.drain_limit, u.run.drain_limit * 100);
  EXPECT_EQ(x.workloads[0].start, u.workloads[0].start * 100);
  EXPECT_EQ(x.workloads[0].stop, u.workloads[0].stop * 100);
  EXPECT_EQ(x.workloads[1].flows[0].stop, u.workloads[1].flows[0].stop * 100);
  // The BDP in bytes (hence in packets) is unchanged.
  EXPECT_EQ(bdp_bytes(x.topology->port(0).link.rate, x.cc.base_rtt),
            bdp_bytes(u.topology->port(0).link.rate, u.cc.base_rtt));

  // Flows: same ids, sizes and endpoints; times * s.
  const auto fu = generate_flows(u);
  const auto fx = scale_flows(fu, s);
  ASSERT_EQ(fu.size(), fx.size());
  ASSERT_GT(fu.size(), 10u);
  for (std::size_t i = 0; i < fu.size(); ++i) {
    EXPECT_EQ(fx[i].size_bytes, fu[i].size_bytes);
    EXPECT_EQ(fx[i].start, fu[i].start * 100);
  }
}

TEST(Scale, ScaleOneIsIdentityAndResultsComeBackUnscaled) {
  const Experiment u = test::parse(kExp);
  const Experiment x = scaled_for_run(u);
  EXPECT_EQ(x.topology->port(3).link, u.topology->port(3).link);
  EXPECT_EQ(x.cc.params, u.cc.params);

  Results r;
  r.fct.push_back({1, 0, 4, 1000, 500, 2500, 0});
  r.flows.push_back({1000, 1, 5000, 2.5e8, 300, 1000});
  r.queue.push_back({700, 0, 42});
  r.end_ns = 10'000;
  const Results back = unscale_results(r, 100);
  EXPECT_EQ(back.fct[0].start_ns, 5);
  EXPECT_EQ(back.fct[0].end_ns, 25);
  EXPECT_EQ(back.flows[0].time_ns, 10);
  EXPECT_EQ(back.flows[0].rtt_ns, 3);
  EXPECT_DOUBLE_EQ(back.flows[0].rate_bps, 2.5e10);
  EXPECT_DOUBLE_EQ(back.flows[0].cwnd_bytes, 5000);
  EXPECT_EQ(back.queue[0].qlen_bytes, 42u);
  EXPECT_EQ(back.end_ns, 100);
}

}  // namespace
}  // namespace ptcp::exp
