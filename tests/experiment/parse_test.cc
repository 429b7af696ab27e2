// The experiment parser: every documented key, the defaults, and each class of error with its
// message and location.
#include <gtest/gtest.h>

#include "experiment/derived.h"
#include "experiment/quantity.h"
#include "test_util.h"

namespace ptcp::exp {
namespace {

using test::error_of;
using test::kMinimal;
using test::parse;

const char* kFull = R"(description = "every key"

[topology]
kind = "fat-tree"
pods = 2
tors_per_pod = 2
aggs_per_pod = 2
cores = 2
servers_per_tor = 4
host_rate = "10Gbps"
host_delay = "2us"
tor_agg_rate = "40Gbps"
tor_agg_delay = "3us"
agg_core_rate = "40Gbps"
agg_core_delay = "4us"

[switch]
buffer = "8MiB"
dt_alpha = 0.5
ecn = true
int = true
pfc = true
[[switch.ecn_thresholds]]
rate = "10Gbps"
kmin = "50KB"
kmax = "200KB"
pmax = 0.1
[[switch.ecn_thresholds]]
rate = "40Gbps"
kmin = "160KB"
kmax = "640KB"
pmax = 0.3

[transport]
mtu = 9000
payload = 4000
ack_every = 2
rto = "2ms"
rto_max = "200ms"
dupack_threshold = 5
cnp_interval = "60us"

[cc]
algorithm = "powertcp"
base_rtt = "30us"
[cc.powertcp]
gamma = 0.8
ai_rate = "300Mbps"
[cc.timely]
t_low = "40us"

[[workload]]
kind = "poisson"
cdf = "cdf/a.txt"
load = 0.3
load_on = "host-links"
destinations = "uniform"
start = "1ms"
stop = "4ms"

[[workload]]
kind = "incast"
fan_in = 3
bytes = "100KB"
request_rate = 50
senders_from = "other-rack"
start = "0us"
stop = "3ms"

[[workload]]
kind = "incast"
receiver = "h5"
senders = ["h6", "h7"]
bytes = 5000
start = "2ms"

[[workload]]
kind = "flows"
flows = [{ src = "h0", dst = "h9", size = "1MB", start = "10us" }]

[[workload]]
kind = "long-flows"
flows = [{ src = "h1", dst = "h8", start = "0us", stop = "3ms" },
         { src = "h2", dst = "h8", size = "5MB" }]

[run]
duration = "5ms"
warmup = "1ms"
seed = 42
queue_interval = "2us"
flow_interval = "20us"
link_interval = "50us"
trace_ports = ["tor0->h*", "agg0->core0"]
trace_flows = [0, 3]
drain_limit = "30ms"

[testbed]
scale = 10
eal_args = ["--no-huge"]
[testbed.nodes.h0]
devices = ["net_tap0"]
lcore = 2
)";

const std::map<std::string, std::string> kFiles{{"mem/cdf/a.txt", "# test\n0 0\n1000 50\n3000 100\n"}};

TEST(Parse, EveryDocumentedKey) {
  const Experiment e = parse(kFull, {}, kFiles);
  EXPECT_EQ(e.name, "test");
  EXPECT_EQ(e.description, "every key");
  const TopologySpec& t = e.topology_spec;
  EXPECT_EQ(t.kind, TopologyKind::kFatTree);
  EXPECT_EQ(t.pods, 2u);
  EXPECT_EQ(t.tors_per_pod, 2u);
  EXPECT_EQ(t.aggs_per_pod, 2u);
  EXPECT_EQ(t.cores, 2u);
  EXPECT_EQ(t.servers_per_tor, 4u);
  EXPECT_EQ(t.host_link, (LinkParams{gbps(10), 2000}));
  EXPECT_EQ(t.tor_agg_link, (LinkParams{gbps(40), 3000}));
  EXPECT_EQ(t.agg_core_link, (LinkParams{gbps(40), 4000}));
  EXPECT_EQ(e.topology->host_count(), 16u);
  EXPECT_EQ(e.topology->switch_count(), 4u + 4u + 2u);

  EXPECT_EQ(e.sw.buffer_bytes, 8u * 1024 * 1024);
  EXPECT_DOUBLE_EQ(e.sw.dt_alpha, 0.5);
  EXPECT_TRUE(e.sw.ecn);
  EXPECT_TRUE(e.sw.int_enabled);
  EXPECT_TRUE(e.sw.pfc);
  ASSERT_EQ(e.sw.ecn_table.size(), 2u);
  EXPECT_EQ(e.ecn_for_rate(gbps(10)).kmin_bytes, 50'000u);
  EXPECT_EQ(e.ecn_for_rate(gbps(40)).kmax_bytes, 640'000u);
  EXPECT_DOUBLE_EQ(e.ecn_for_rate(gbps(40)).pmax, 0.3);

  EXPECT_EQ(e.transport.mtu, 9000u);
  EXPECT_EQ(e.transport.payload_bytes, 4000u);
  EXPECT_EQ(e.transport.ack_every, 2u);
  EXPECT_EQ(e.transport.rto, 2 * kNsPerMs);
  EXPECT_EQ(e.transport.rto_max, 200 * kNsPerMs);
  EXPECT_EQ(e.transport.dupack_threshold, 5u);
  EXPECT_EQ(e.transport.cnp_interval, 60 * kNsPerUs);

  EXPECT_EQ(e.cc.algorithm, "powertcp");
  EXPECT_EQ(e.cc.base_rtt, 30 * kNsPerUs);
  EXPECT_DOUBLE_EQ(e.cc.params.at("gamma"), 0.8);
  EXPECT_DOUBLE_EQ(e.cc.params.at("ai_rate"), 300e6);
  EXPECT_DOUBLE_EQ(e.cc.given.at("timely").at("t_low"), 40e3);

  ASSERT_EQ(e.workloads.size(), 5u);
  const Workload& p = e.workloads[0];
  EXPECT_EQ(p.kind, WorkloadKind::kPoisson);
  EXPECT_EQ(p.cdf_source, "cdf/a.txt");
  EXPECT_DOUBLE_EQ(p.cdf.mean(), 0.5 * 500 + 0.5 * 2000);
  EXPECT_DOUBLE_EQ(p.load, 0.3);
  EXPECT_EQ(p.load_on, LoadBase::kHostLinks);
  EXPECT_EQ(p.destinations, Peers::kUniform);
  EXPECT_EQ(p.start, kNsPerMs);
  EXPECT_EQ(p.stop, 4 * kNsPerMs);
  const Workload& ir = e.workloads[1];
  EXPECT_EQ(ir.kind, WorkloadKind::kIncast);
  EXPECT_EQ(ir.fan_in, 3u);
  EXPECT_EQ(ir.bytes, 100'000u);
  EXPECT_DOUBLE_EQ(ir.request_rate, 50);
  EXPECT_EQ(ir.senders_from, Peers::kOtherRack);
  EXPECT_EQ(ir.stop, 3 * kNsPerMs);
  const Workload& ib = e.workloads[2];
  EXPECT_EQ(ib.receiver, 5u);
  EXPECT_EQ(ib.senders, (std::vector<std::uint32_t>{6, 7}));
  EXPECT_EQ(ib.fan_in, 2u);
  EXPECT_EQ(ib.bytes, 5000u);
  EXPECT_EQ(ib.start, 2 * kNsPerMs);
  ASSERT_EQ(e.workloads[3].flows.size(), 1u);
  EXPECT_EQ(e.workloads[3].flows[0].dst, 9u);
  EXPECT_EQ(e.workloads[3].flows[0].size_bytes, 1'000'000u);
  EXPECT_EQ(e.workloads[3].flows[0].start, 10'000);
  const Workload& lf = e.workloads[4];
  EXPECT_EQ(lf.kind, WorkloadKind::kLongFlows);
  EXPECT_EQ(lf.flows[0].stop, 3 * kNsPerMs);
  EXPECT_EQ(lf.flows[0].size_bytes, 0u);
  EXPECT_EQ(lf.flows[1].size_bytes, 5'000'000u);
  EXPECT_EQ(lf.flows[1].stop, kNever);

  EXPECT_EQ(e.run.duration, 5 * kNsPerMs);
  EXPECT_EQ(e.run.warmup, kNsPerMs);
  EXPECT_EQ(e.run.seed, 42u);
  EXPECT_EQ(e.run.queue_interval, 2000);
  EXPECT_EQ(e.run.flow_interval, 20000);
  EXPECT_EQ(e.run.link_interval, 50000);
  EXPECT_EQ(e.run.trace_ports.ids.size(), 4u + 1u);  // tor0->h0..h3, agg0->core0
  EXPECT_EQ(e.topology->port(e.run.trace_ports.ids[0]).name, "tor0->h0");
  EXPECT_EQ(e.run.trace_flows.ids, (std::vector<std::uint32_t>{0, 3}));
  EXPECT_TRUE(e.run.trace_flows.contains(3));
  EXPECT_FALSE(e.run.trace_flows.contains(1));
  EXPECT_EQ(e.run.drain_limit, 30 * kNsPerMs);

  EXPECT_DOUBLE_EQ(e.testbed.scale, 10);
  EXPECT_EQ(e.testbed.eal_args, std::vector<std::string>{"--no-huge"});
  ASSERT_EQ(e.testbed.nodes.size(), 1u);
  EXPECT_EQ(e.testbed.nodes[0].devices, std::vector<std::string>{"net_tap0"});
  EXPECT_EQ(e.testbed.nodes[0].lcore, 2);
}

TEST(Parse, Defaults) {
  const Experiment e = parse(kMinimal);
  EXPECT_EQ(e.topology_spec.host_link, (LinkParams{gbps(25), kNsPerUs}));
  EXPECT_EQ(e.sw.buffer_bytes, 4u * 1024 * 1024);
  EXPECT_DOUBLE_EQ(e.sw.dt_alpha, 1.0);
  EXPECT_TRUE(e.sw.ecn);
  EXPECT_TRUE(e.sw.int_enabled);
  EXPECT_FALSE(e.sw.pfc);
  EXPECT_TRUE(e.sw.ecn_table.empty());
  // The paper's thresholds: 100/400 KB at 25G, 400/1600 KB at 100G, Pmax 0.2.
  EXPECT_EQ(e.ecn_for_rate(gbps(25)).kmin_bytes, 100'000u);
  EXPECT_EQ(e.ecn_for_rate(gbps(25)).kmax_bytes, 400'000u);
  EXPECT_EQ(e.ecn_for_rate(gbps(100)).kmax_bytes, 1'600'000u);
  EXPECT_DOUBLE_EQ(e.ecn_for_rate(gbps(100)).pmax, 0.2);
  EXPECT_EQ(e.transport.mtu, 1500u);
  EXPECT_EQ(e.transport.payload_bytes, 1000u);
  EXPECT_EQ(e.transport.ack_every, 1u);
  EXPECT_EQ(e.transport.rto, kNsPerMs);
  EXPECT_EQ(e.cc.algorithm, "powertcp");
  EXPECT_FALSE(e.cc.base_rtt_given.has_value());
  EXPECT_EQ(e.cc.base_rtt, 4640);  // one switch: 2*(1+1) us + 2 * 320 ns
  EXPECT_DOUBLE_EQ(e.cc.params.at("gamma"), 0.9);
  EXPECT_EQ(e.run.duration, 10 * kNsPerMs);
  EXPECT_EQ(e.run.seed, 1u);
  EXPECT_EQ(e.run.drain_limit, 0);
  EXPECT_TRUE(e.run.trace_ports.ids.empty());
  EXPECT_FALSE(e.run.trace_ports.contains(0));
  TraceSelection every;
  every.all = true;
  EXPECT_TRUE(every.contains(7));  // "all": any id
  EXPECT_DOUBLE_EQ(e.testbed.scale, 1.0);
  // The paper's fat-tree shape is the fat-tree default.
  const Experiment f = parse("[topology]\nkind = \"fat-tree\"\n" + std::string(R"(
[[workload]]
kind = "flows"
flows = [{ src = "h0", dst = "h255", size = 1 }]
)"));
  EXPECT_EQ(f.topology->host_count(), 256u);
  EXPECT_EQ(f.topology->switch_count(), 8u + 8u + 4u);
}

struct ErrorCase {
  const char* name;
  std::string text;
  std::vector<std::string> sets;
  std::string where;    // expected prefix of where()
  std::string key;
  std::string message;  // expected substring
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class ParseErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrors, NameFileLineKeyAndExpectation) {
  const ErrorCase& c = GetParam();
  const ExperimentError e = error_of(c.text, c.sets, kFiles);
  EXPECT_EQ(e.where().substr(0, c.where.size()), c.where) << e.what();
  EXPECT_EQ(e.key(), c.key) << e.what();
  EXPECT_NE(e.message().find(c.message), std::string::npos) << e.what();
  std::cout << "  [" << c.name << "] " << e.what() << "\n";
}

const std::string kWl = "\n[[workload]]\nkind = \"flows\"\nflows = [{ src = \"h0\", dst = \"h1\", size = 10 }]\n";

INSTANTIATE_TEST_SUITE_P(
    Classes, ParseErrors,
    testing::Values(
        ErrorCase{"syntax", "[topology]\nkind = \"star\"\nhosts = = 3\n", {}, "mem/test.toml:3:", "", "TOML syntax"},
        ErrorCase{"unknown key", "[topology]\nkind = \"star\"\nhosts = 3\nhostz = 4\n" + kWl, {},
                  "mem/test.toml:4:", "topology.hostz", "unknown key"},
        ErrorCase{"key of another kind", "[topology]\nkind = \"star\"\nspines = 4\n" + kWl, {},
                  "mem/test.toml:3:", "topology.spines", "for kind = \"star\""},
        ErrorCase{"unknown section", "[topology]\nkind = \"star\"\n[swich]\nbuffer = 1\n" + kWl, {},
                  "mem/test.toml:3:", "swich", "unknown key"},
        ErrorCase{"wrong type", "[topology]\nkind = \"star\"\nhosts = \"three\"\n" + kWl, {},
                  "mem/test.toml:3:", "topology.hosts", "expected an integer, got a string"},
        ErrorCase{"bad unit", "[topology]\nkind = \"star\"\nhost_rate = \"25GB\"\n" + kWl, {},
                  "mem/test.toml:3:", "topology.host_rate", "expected a rate"},
        ErrorCase{"out of range", std::string(kMinimal) + "[switch]\ndt_alpha = 5000\n", {},
                  "mem/test.toml:10:", "switch.dt_alpha", "expected a number in"},
        ErrorCase{"bad choice", "[topology]\nkind = \"ring\"\n" + kWl, {}, "mem/test.toml:2:",
                  "topology.kind", "expected one of \"fat-tree\""},
        ErrorCase{"missing CDF", "[topology]\nkind = \"star\"\n[[workload]]\nkind = \"poisson\"\n"
                                 "cdf = \"cdf/none.txt\"\nload = 0.1\nload_on = \"host-links\"\ndestinations = \"uniform\"\n",
                  {}, "mem/test.toml:5:", "workload.0.cdf", "cannot read CDF file \"cdf/none.txt\" (looked for mem/cdf/none.txt)"},
        ErrorCase{"impossible topology",
                  "[topology]\nkind = \"fat-tree\"\naggs_per_pod = 2\ncores = 3\n" + kWl, {},
                  "mem/test.toml:1:", "topology", "must be a multiple of aggs_per_pod"},
        ErrorCase{"bad explicit link",
                  "[topology]\nkind = \"explicit\"\nhosts = 2\nswitches = [\"sw0\"]\n"
                  "[[topology.links]]\na = \"h0\"\nb = \"sw0\"\n[[topology.links]]\na = \"h1\"\nb = \"sw9\"\n" + kWl,
                  {}, "mem/test.toml:1:", "topology", "'sw9' is not a node"},
        ErrorCase{"disconnected host",
                  "[topology]\nkind = \"explicit\"\nhosts = 3\nswitches = [\"sw0\", \"sw1\"]\n"
                  "[[topology.links]]\na = \"h0\"\nb = \"sw0\"\n[[topology.links]]\na = \"h1\"\nb = \"sw0\"\n"
                  "[[topology.links]]\na = \"h2\"\nb = \"sw1\"\n" + kWl,
                  {}, "mem/test.toml:1:", "topology", "host h2 cannot reach h0"},
        ErrorCase{"unknown algorithm", std::string(kMinimal) + "[cc]\nalgorithm = \"reno\"\n", {},
                  "mem/test.toml:10:", "cc.algorithm", "unknown algorithm \"reno\""},
        ErrorCase{"unknown cc parameter", std::string(kMinimal) + "[cc.powertcp]\ngama = 0.9\n", {},
                  "mem/test.toml:10:", "cc.powertcp.gama", "unknown parameter 'gama'"},
        ErrorCase{"cc parameter out of range", std::string(kMinimal) + "[cc.powertcp]\ngamma = 3.0\n", {},
                  "mem/test.toml:10:", "cc.powertcp.gamma", "outside [0.01, 1]"},
        ErrorCase{"INT needed", std::string(kMinimal) + "[switch]\nint = false\n", {}, "mem/test.toml:10:",
                  "switch.int", "needs INT"},
        ErrorCase{"payload over mtu", std::string(kMinimal) + "[transport]\npayload = 1400\n", {},
                  "mem/test.toml:10:", "transport.payload", "exceeds mtu 1500"},
        ErrorCase{"unknown host", "[topology]\nkind = \"star\"\nhosts = 2\n[[workload]]\nkind = \"flows\"\n"
                                  "flows = [{ src = \"h0\", dst = \"h7\", size = 10 }]\n",
                  {}, "mem/test.toml:6:", "workload.0.flows.0.dst", "expected a host name h0..h1"},
        ErrorCase{"overload names the link",
                  "[topology]\nkind = \"leaf-spine\"\ntors = 2\nspines = 1\nservers_per_tor = 8\n"
                  "[[workload]]\nkind = \"poisson\"\ncdf = \"cdf/a.txt\"\nload = 0.9\nload_on = \"host-links\"\n",
                  {}, "mem/test.toml:9:", "workload.0.load", "of link tor0->core0 (100Gbps)"},
        ErrorCase{"other-rack on one rack", "[topology]\nkind = \"star\"\n[[workload]]\nkind = \"poisson\"\n"
                                            "cdf = \"cdf/a.txt\"\nload = 0.1\nload_on = \"host-links\"\n",
                  {}, "mem/test.toml:3:", "workload.0.destinations", "\"other-rack\" leaves host h0 with 0"},
        ErrorCase{"warmup >= duration", std::string(kMinimal) + "[run]\nduration = \"1ms\"\nwarmup = \"2ms\"\n",
                  {}, "mem/test.toml:11:", "run.warmup", "warmup < duration"},
        ErrorCase{"trace pattern matches nothing", std::string(kMinimal) + "[run]\ntrace_ports = [\"tor9->*\"]\n",
                  {}, "mem/test.toml:10:", "run.trace_ports.0", "no port matches"},
        ErrorCase{"testbed device count", std::string(kMinimal) + "[testbed.nodes.sw0]\ndevices = [\"a\"]\n",
                  {}, "mem/test.toml:10:", "testbed.nodes.sw0.devices", "expected 4 devices"},
        ErrorCase{"--set wrong type", kMinimal, {"topology.hosts=many"}, "--set topology.hosts=many",
                  "topology.hosts", "expected an integer, got a string"},
        ErrorCase{"--set unknown key", kMinimal, {"run.durashun=1ms"}, "--set run.durashun=1ms", "run.durashun",
                  "unknown key"},
        ErrorCase{"--set index out of range", kMinimal, {"workload.3.kind=flows"}, "--set workload.3.kind=flows",
                  "workload.3", "index out of range (the file has 1 entries)"},
        ErrorCase{"--set without =", kMinimal, {"cc.algorithm"}, "--set cc.algorithm", "", "expected key.path=value"}),
    [](const testing::TestParamInfo<ErrorCase>& pinfo) {
      std::string n = pinfo.param.name;
      for (char& ch : n) ch = std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      return n;
    });

TEST(Parse, OverridesApplyBeforeValidation) {
  const Experiment e = parse(kMinimal, {"cc.algorithm=hpcc", "topology.hosts=6", "run.duration=3ms",
                                        "workload.0.flows.0.size=2MB", "testbed.scale=100",
                                        "cc.hpcc.eta=0.9"});
  EXPECT_EQ(e.cc.algorithm, "hpcc");
  EXPECT_DOUBLE_EQ(e.cc.params.at("eta"), 0.9);
  EXPECT_EQ(e.topology->host_count(), 6u);
  EXPECT_EQ(e.run.duration, 3 * kNsPerMs);
  EXPECT_EQ(e.workloads[0].flows[0].size_bytes, 2'000'000u);
  EXPECT_DOUBLE_EQ(e.testbed.scale, 100);
  EXPECT_EQ(e.overrides.size(), 6u);
}

TEST(Parse, EveryShippedExperimentIsValid) {
  for (const char* name : {"incast-10to1", "burst-255to1", "incast-10to1-paper", "fairness",
                           "websearch-fattree", "incast-workload", "websearch-small", "pair-3node",
                           "longflows-bottleneck"}) {
    SCOPED_TRACE(name);
    const Experiment e = test::load_shipped(name);
    EXPECT_EQ(e.name, name);
    EXPECT_FALSE(e.workloads.empty());
  }
}

TEST(Parse, DemoHasTheIssuesShape) {
  const Experiment e = test::load_shipped("incast-10to1");
  const Derived d = derive(e);
  EXPECT_EQ(e.topology_spec.host_link, (LinkParams{gbps(25), kNsPerUs}));
  EXPECT_EQ(e.topology_spec.tor_spine_link, (LinkParams{gbps(100), 6 * kNsPerUs}));
  EXPECT_NEAR(static_cast<double>(d.base_rtt), 29'000, 500);
  EXPECT_EQ(d.min_rtt, 4640);  // intra-rack
  ASSERT_EQ(e.workloads.size(), 2u);
  const Workload& burst = e.workloads[1];
  EXPECT_EQ(burst.fan_in, 10u);
  EXPECT_EQ(burst.bytes, 2'000'000u);
  for (std::uint32_t s : burst.senders) {
    EXPECT_EQ(e.topology->host_switch(s), e.topology->host_switch(*burst.receiver));
  }
  EXPECT_EQ(e.workloads[0].flows[0].dst, *burst.receiver);
}

}  // namespace
}  // namespace ptcp::exp
