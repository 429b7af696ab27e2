// ns-3 backend cost per packet hop (a runner, not a test; see bench/README.md "ns-3 backend").
//
//   ns3_fattree_runner ours  EXP [duration] [--set k=v ...]   our backend on an experiment
//   ns3_fattree_runner plain EXP [duration] [--set k=v ...]   plain ns-3: point-to-point +
//       Internet stack + global routing (ECMP) + UDP, the same topology and the same flows
//       (each data packet a 1000-byte UDP datagram, each ACK a 60-byte one back)
// Prints simulated time, wall time, peak RSS, packet hops (frames put on any link), hops per
// wall second and wall ns per hop. Run each mode in its own process (peak RSS is per process).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "experiment/parse.h"
#include "experiment/workload.h"
// Single headers, not the *-module.h umbrellas: ns-3.37's singleton.h does not compile as C++20.
#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/data-rate.h"
#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-global-routing-helper.h"
#include "ns3/node-container.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/udp-socket-factory.h"
#include "sim/run.h"

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// User + system CPU seconds of this process: on a shared machine wall time mostly measures
// the other processes, CPU time much less so (cache contention still shows).
double cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

std::uint64_t g_hops = 0;
void count_hop(ns3::Ptr<const ns3::Packet>) { ++g_hops; }

// Sends a flow's datagrams back to back at the NIC's pace: the NIC queue holds the rest.
void send_burst(ns3::Ptr<ns3::Socket> s, std::uint32_t n, std::uint32_t bytes) {
  for (std::uint32_t i = 0; i < n; ++i) s->Send(ns3::Create<ns3::Packet>(bytes));
}

std::uint64_t run_plain(const ptcp::exp::Experiment& e, const std::vector<ptcp::exp::Flow>& flows) {
  using namespace ns3;
  Config::SetDefault("ns3::Ipv4GlobalRouting::RandomEcmpRouting", BooleanValue(true));
  const auto& t = *e.topology;
  NodeContainer nodes;
  nodes.Create(static_cast<std::uint32_t>(t.nodes().size()));
  InternetStackHelper stack;
  stack.Install(nodes);
  PointToPointHelper p2p;
  p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("1000000p"));
  Ipv4AddressHelper addr;
  addr.SetBase("10.0.0.0", "255.255.255.252");
  std::vector<Ipv4Address> host_addr(t.host_count());
  for (std::uint32_t gp = 0; gp < t.ports().size(); ++gp) {
    const auto& p = t.port(gp);
    if (p.node > p.peer) continue;
    p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(p.link.rate)));
    p2p.SetChannelAttribute("Delay", TimeValue(NanoSeconds(static_cast<std::uint64_t>(p.link.delay))));
    NetDeviceContainer d = p2p.Install(nodes.Get(p.node), nodes.Get(p.peer));
    Ipv4InterfaceContainer ifs = addr.Assign(d);
    addr.NewNetwork();
    if (p.node < t.host_count()) host_addr[p.node] = ifs.GetAddress(0);
    if (p.peer < t.host_count()) host_addr[p.peer] = ifs.GetAddress(1);
  }
  Ipv4GlobalRoutingHelper::PopulateRoutingTables();
  Config::ConnectWithoutContext("/NodeList/*/DeviceList/*/$ns3::PointToPointNetDevice/PhyTxBegin",
                                MakeCallback(&count_hop));
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    auto sink = Socket::CreateSocket(nodes.Get(h), UdpSocketFactory::GetTypeId());
    sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
  }
  for (const auto& f : flows) {
    const std::uint32_t pkts = static_cast<std::uint32_t>((f.size_bytes + 999) / 1000);
    auto fwd = Socket::CreateSocket(nodes.Get(f.src), UdpSocketFactory::GetTypeId());
    fwd->Connect(InetSocketAddress(host_addr[f.dst], 9));
    auto back = Socket::CreateSocket(nodes.Get(f.dst), UdpSocketFactory::GetTypeId());
    back->Connect(InetSocketAddress(host_addr[f.src], 9));
    Simulator::Schedule(NanoSeconds(static_cast<std::uint64_t>(f.start)), &send_burst, fwd, pkts, 1000u);
    Simulator::Schedule(NanoSeconds(static_cast<std::uint64_t>(f.start)), &send_burst, back, pkts, 60u);
  }
  Simulator::Stop(NanoSeconds(static_cast<std::uint64_t>(e.run.duration)));
  Simulator::Run();
  Simulator::Destroy();
  return g_hops;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ours|plain EXPERIMENT.toml [--set key=value ...]\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1], file = argv[2];
  std::vector<ptcp::exp::Override> ov;
  for (int i = 3; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--set") == 0) ov.push_back(ptcp::exp::parse_override(argv[i + 1]));
  }
  const auto text = read_file(file);
  if (!text) {
    std::fprintf(stderr, "%s: cannot read\n", file.c_str());
    return 2;
  }
  const ptcp::exp::Experiment e = ptcp::exp::parse_experiment(*text, file, ov, read_file);
  const auto flows = ptcp::exp::generate_flows(e);
  const auto w0 = std::chrono::steady_clock::now();
  const double c0 = cpu_s();
  std::uint64_t hops = 0;
  if (mode == "ours") {
    ptcp::exp::Results res;
    ptcp::ns3sim::RunStats st;
    ptcp::ns3sim::run_on_ns3(e, flows, {}, res, &st);
    hops = st.frames_sent;
    std::printf("flows started %zu finished %zu\n", flows.size(), res.fct.size());
  } else {
    hops = run_plain(e, flows);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const double cpu = cpu_s() - c0;
  std::printf("%s %s: hosts %u, simulated %.1f ms, wall %.2f s, peak RSS %.0f MB, packet hops %llu, "
              "%.3g hops/s, %.0f ns/hop; cpu %.2f s, %.0f cpu ns/hop\n",
              mode.c_str(), file.c_str(), e.topology->host_count(),
              static_cast<double>(e.run.duration) / 1e6, wall, peak_rss_mb(),
              static_cast<unsigned long long>(hops), static_cast<double>(hops) / wall,
              wall * 1e9 / static_cast<double>(hops), cpu, cpu * 1e9 / static_cast<double>(hops));
  return 0;
}
