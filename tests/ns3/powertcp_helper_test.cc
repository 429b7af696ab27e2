// The helper and the node glue with the real core: hosts and a switch exchange flows over
// PtcpNetDevices, every byte verified, the switch's queue is where the backlog forms.
#include <gtest/gtest.h>

#include <vector>

#include "cc/registry.h"
#include "helper/powertcp-helper.h"
#include "ns3/simulator.h"

namespace ptcp::ns3sim {
namespace {

transport::HostConfig host_config(const char* algo) {
  transport::HostConfig c;
  c.algorithm = cc::Registry::global().find(algo);
  EXPECT_NE(c.algorithm, nullptr) << algo;
  cc::ParamValues given;
  if (c.algorithm != nullptr) {
    EXPECT_FALSE(cc::resolve_params(*c.algorithm, given, c.cc_params));
  }
  c.int_enabled = c.algorithm != nullptr && c.algorithm->needs_int;
  c.base_rtt = 10'000;
  return c;
}

struct Star {
  PowertcpHelper h;
  std::vector<ns3::Ptr<ns3::Node>> hosts;
  ns3::Ptr<ns3::Node> sw = ns3::CreateObject<ns3::Node>();
  std::vector<ns3::Ptr<PtcpNetDevice>> sw_ports;
  std::vector<transport::FlowRecord> records;

  Star(std::size_t n, const char* algo, BitsPerSec rate = gbps(25), TimeNs delay = 1000) {
    for (std::size_t i = 0; i < n; ++i) {
      hosts.push_back(ns3::CreateObject<ns3::Node>());
      auto [hd, sd] = h.Link(hosts.back(), sw, rate, delay);
      sw_ports.push_back(sd);
      HostNode& hn = h.InstallHost(hd, host_config(algo));
      hn.Host().on_flow_complete = [this](const transport::FlowRecord& r) { records.push_back(r); };
    }
    sw::SwitchConfig sc;
    sc.buffer_bytes = 4 << 20;
    h.InstallSwitch(sw_ports, sc);
    h.PopulateRoutes();
  }
};

TEST(PowertcpHelper, OneFlowCompletesWithEveryByteVerified) {
  Star s(2, "powertcp");
  s.h.StartFlow(ns3::MicroSeconds(5), 0, {1, 1, 1'000'000});
  ns3::Simulator::Stop(ns3::MilliSeconds(20));
  ns3::Simulator::Run();
  ASSERT_EQ(s.records.size(), 1u);
  const auto& r = s.records[0];
  EXPECT_EQ(r.flow_id, 1u);
  EXPECT_EQ(r.size_bytes, 1'000'000u);
  EXPECT_EQ(s.h.Host(1).Host().counters().bytes_delivered, 1'000'000u);
  EXPECT_EQ(s.h.Host(1).Host().counters().payload_errors, 0u);
  EXPECT_EQ(s.h.Host(0).Host().counters().retransmits, 0u);
  // 1 MB at 25G with headers is at least 320 us; a lone flow should not take much longer.
  const double fct_us = static_cast<double>(r.end_ns - r.start_ns) / 1e3;
  std::printf("1 MB over one 25G switch hop: fct %.1f us\n", fct_us);
  EXPECT_GT(fct_us, 320.0);
  EXPECT_LT(fct_us, 400.0);
  ns3::Simulator::Destroy();
}

TEST(PowertcpHelper, TwoToOneQueuesInTheSwitchAndBothComplete) {
  Star s(3, "powertcp");
  s.h.StartFlow(ns3::MicroSeconds(1), 0, {1, 2, 500'000});
  s.h.StartFlow(ns3::MicroSeconds(1), 1, {2, 2, 500'000});
  std::uint64_t peak = 0;
  SwitchNode& swn = s.h.Switch(0);
  std::function<void()> sample = [&] {
    peak = std::max(peak, swn.Switch().queue_bytes(2));
    if (ns3::Simulator::Now() < ns3::MilliSeconds(5)) ns3::Simulator::Schedule(ns3::NanoSeconds(500), sample);
  };
  ns3::Simulator::Schedule(ns3::Seconds(0), sample);
  ns3::Simulator::Stop(ns3::MilliSeconds(20));
  ns3::Simulator::Run();
  EXPECT_EQ(s.records.size(), 2u);
  EXPECT_EQ(s.h.Host(2).Host().counters().bytes_delivered, 1'000'000u);
  EXPECT_EQ(s.h.Host(2).Host().counters().payload_errors, 0u);
  std::printf("2:1 at one switch: peak queue at the receiver's port %llu bytes\n",
              static_cast<unsigned long long>(peak));
  // Both start at line rate (cwnd = BDP each): the excess must queue in the core switch.
  EXPECT_GT(peak, 5'000u);
  EXPECT_EQ(s.h.Switch(0).Pool().InUse(), 0u);  // every buffer came back
  ns3::Simulator::Destroy();
}

TEST(PowertcpHelper, PcapCapturesOurEthernetFrames) {
  Star s(2, "powertcp");
  const std::string path = ::testing::TempDir() + "/ptcp_helper_test.pcap";
  PcapWriter& w = s.h.EnablePcap(path, s.sw_ports[1]);
  s.h.StartFlow(ns3::MicroSeconds(1), 0, {1, 1, 20'000});
  ns3::Simulator::Stop(ns3::MilliSeconds(5));
  ns3::Simulator::Run();
  // 20 data packets out of the switch and 20 ACKs in, then the receiver's one closing ACK: a
  // finished flow lingers one tail interval and is ACKed once more before its state is freed.
  EXPECT_EQ(w.Frames(), 41u);
  ns3::Simulator::Destroy();
}

}  // namespace
}  // namespace ptcp::ns3sim
