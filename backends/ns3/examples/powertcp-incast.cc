// A plain ns-3 script using powertcp's helper: N senders and one receiver on one switch, all
// running a congestion control from the registry. Prints each flow's completion time and the
// switch queue's peak; optionally writes an Ethernet pcap of the receiver's port.
//
//   powertcp-ns3-incast --senders=8 --algorithm=hpcc --bytes=500000 --pcap=/tmp/rx.pcap
#include <cstdio>
#include <string>
#include <vector>

#include "cc/registry.h"
#include "helper/powertcp-helper.h"
#include "ns3/command-line.h"
#include "ns3/simulator.h"

using ptcp::ns3sim::PowertcpHelper;

int main(int argc, char** argv) {
  std::uint32_t senders = 4;
  std::string algorithm = "powertcp";
  std::uint64_t bytes = 1'000'000;
  std::string pcap;
  ns3::CommandLine cmd(__FILE__);
  cmd.AddValue("senders", "number of senders", senders);
  cmd.AddValue("algorithm", "congestion control (powertcp list shows them)", algorithm);
  cmd.AddValue("bytes", "bytes per flow", bytes);
  cmd.AddValue("pcap", "write the receiver port's frames here", pcap);
  cmd.Parse(argc, argv);

  const ptcp::cc::Algorithm* algo = ptcp::cc::Registry::global().find(algorithm);
  if (algo == nullptr) {
    std::fprintf(stderr, "unknown algorithm '%s'\n", algorithm.c_str());
    return 2;
  }
  const ptcp::BitsPerSec rate = ptcp::gbps(25);
  const ptcp::TimeNs delay = 1000;  // 1 us per link
  ptcp::transport::HostConfig hc;
  hc.algorithm = algo;
  if (auto err = ptcp::cc::resolve_params(*algo, {}, hc.cc_params)) {
    std::fprintf(stderr, "%s\n", err->c_str());
    return 2;
  }
  hc.int_enabled = algo->needs_int;
  hc.base_rtt = 4 * delay + 2 * ptcp::serialization_ns(1100, rate);  // two hops each way
  hc.cnp_interval = algorithm == "dcqcn" ? 50'000 : 0;

  PowertcpHelper h;
  auto sw = ns3::CreateObject<ns3::Node>();
  std::vector<ns3::Ptr<ptcp::ns3sim::PtcpNetDevice>> sw_ports;
  std::vector<std::pair<ptcp::TimeNs, ptcp::TimeNs>> fct(senders + 1);
  for (std::uint32_t i = 0; i <= senders; ++i) {  // host 0 receives
    auto node = ns3::CreateObject<ns3::Node>();
    auto [host_dev, sw_dev] = h.Link(node, sw, rate, delay);
    sw_ports.push_back(sw_dev);
    auto& host = h.InstallHost(host_dev, hc).Host();
    host.on_flow_complete = [&fct](const ptcp::transport::FlowRecord& r) {
      fct[r.flow_id] = {r.start_ns, r.end_ns};
    };
  }
  ptcp::sw::SwitchConfig sc;
  sc.buffer_bytes = 4 << 20;
  auto& swn = h.InstallSwitch(sw_ports, sc);
  h.PopulateRoutes();
  if (!pcap.empty()) h.EnablePcap(pcap, sw_ports[0]);
  for (std::uint32_t i = 1; i <= senders; ++i) {
    h.StartFlow(ns3::MicroSeconds(10), i, {i, 0, bytes});
  }
  std::uint64_t peak = 0;
  std::function<void()> sample = [&] {
    peak = std::max(peak, swn.Switch().queue_bytes(0));
    ns3::Simulator::Schedule(ns3::NanoSeconds(500), sample);
  };
  ns3::Simulator::ScheduleNow(sample);
  ns3::Simulator::Stop(ns3::MilliSeconds(100));
  ns3::Simulator::Run();
  for (std::uint32_t i = 1; i <= senders; ++i) {
    std::printf("flow %u: %llu bytes, fct %.1f us\n", i, static_cast<unsigned long long>(bytes),
                static_cast<double>(fct[i].second - fct[i].first) / 1e3);
  }
  std::printf("%s: peak queue at the receiver's port %llu bytes, %llu bytes delivered, %llu payload errors\n",
              algorithm.c_str(), static_cast<unsigned long long>(peak),
              static_cast<unsigned long long>(h.Host(0).Host().counters().bytes_delivered),
              static_cast<unsigned long long>(h.Host(0).Host().counters().payload_errors));
  ns3::Simulator::Destroy();
  return 0;
}
