// The helper and the node glue with the real core: hosts and a switch exchange flows over
// PtcpNetDevices, every byte verified, the switch's queue is where the backlog forms.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "cc/registry.h"
#include "faults/faults.h"
#include "helper/powertcp-helper.h"
#include "ns3/simulator.h"
#include "wire/format.h"

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

TEST(PowertcpHelper, HostsSwitchesAndDevicesShareOneFramePool) {
  Star s(2, "powertcp");
  const BufferPool* pool = &s.h.FramePool();
  EXPECT_EQ(&s.h.Switch(0).Pool(), pool);
  EXPECT_EQ(&s.h.Host(0).Device()->Pool(), pool);
  EXPECT_EQ(&s.sw_ports[1]->Pool(), pool);
  // Sized by the installed nodes: the host's largest frame and the switch's MTU frame fit.
  EXPECT_GE(pool->BufferBytes(), s.h.Host(0).Host().max_frame_len());
  EXPECT_GE(pool->BufferBytes(), 1500u + wire::kEthLen);
  s.h.StartFlow(ns3::MicroSeconds(1), 0, {1, 1, 200'000});
  ns3::Simulator::Stop(ns3::MilliSeconds(5));
  ns3::Simulator::Run();
  // 200 packets went through, but only about the frames in flight ever existed at once.
  EXPECT_EQ(s.h.Host(1).Host().counters().bytes_delivered, 200'000u);
  EXPECT_LE(pool->Capacity(), 256u);
  std::printf("one 200 KB flow through a switch: %zu pool buffers of %zu bytes\n",
              pool->Capacity(), pool->BufferBytes());
  ns3::Simulator::Destroy();
}

// h0 - s0 - s1 - h1, a pcap on each host's device.
struct Line {
  PowertcpHelper h;
  std::array<ns3::Ptr<ns3::Node>, 4> n{ns3::CreateObject<ns3::Node>(), ns3::CreateObject<ns3::Node>(),
                                       ns3::CreateObject<ns3::Node>(), ns3::CreateObject<ns3::Node>()};
  std::vector<transport::FlowRecord> records;
  ns3::Ptr<PtcpNetDevice> h0, h1, s0_out;
  Line() {
    auto [a0, b0] = h.Link(n[0], n[1], gbps(25), 1000);
    auto [a1, b1] = h.Link(n[1], n[2], gbps(25), 1000);
    auto [a2, b2] = h.Link(n[2], n[3], gbps(25), 1000);
    h0 = a0;
    h1 = b2;
    s0_out = a1;
    for (auto d : {h0, h1}) {
      h.InstallHost(d, host_config("powertcp")).Host().on_flow_complete =
          [this](const transport::FlowRecord& r) { records.push_back(r); };
    }
    sw::SwitchConfig sc;
    sc.buffer_bytes = 4 << 20;
    h.InstallSwitch({b0, a1}, sc);
    h.InstallSwitch({b1, a2}, sc);
    h.PopulateRoutes();
  }
};

// Frames of a pcap file (the PcapWriter's format: 24-byte header, 16-byte record headers).
std::vector<std::vector<std::uint8_t>> read_pcap(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::vector<std::uint8_t>> frames;
  std::size_t at = 24;
  while (at + 16 <= b.size()) {
    std::uint32_t incl = 0;
    std::memcpy(&incl, &b[at + 8], 4);
    at += 16;
    if (at + incl > b.size()) break;
    frames.emplace_back(b.begin() + static_cast<std::ptrdiff_t>(at),
                        b.begin() + static_cast<std::ptrdiff_t>(at + incl));
    at += incl;
  }
  return frames;
}

TEST(PowertcpHelper, ADataFrameKeepsItsBytesAcrossTwoSwitchesAndGainsTwoIntHops) {
  Line l;
  const std::string dir = ::testing::TempDir();
  PcapWriter& tx = l.h.EnablePcap(dir + "/ptcp_line_h0.pcap", l.h0);
  PcapWriter& rx = l.h.EnablePcap(dir + "/ptcp_line_h1.pcap", l.h1);
  l.h.StartFlow(ns3::MicroSeconds(1), 0, {1, 1, 30'000});
  ns3::Simulator::Stop(ns3::MilliSeconds(5));
  ns3::Simulator::Run();
  ASSERT_EQ(l.records.size(), 1u);
  tx.Flush();
  rx.Flush();
  // Data frames as h0 sent them and as h1 received them, by sequence number.
  std::map<std::uint64_t, std::vector<std::uint8_t>> sent, received;
  for (const auto& [path, into] : {std::pair{&tx, &sent}, std::pair{&rx, &received}}) {
    for (auto& f : read_pcap(path->Path())) {
      wire::ParsedFrame pf;
      if (wire::parse_frame(f, pf) != wire::ParseStatus::kOk) continue;
      if (pf.seg.type != wire::PacketType::kData || pf.dst_ip != wire::node_ip(1)) continue;
      if (pf.seg.int_stack.n_hops == (into == &sent ? 0 : 2)) (*into)[pf.seg.seq] = f;
    }
  }
  ASSERT_EQ(sent.size(), 30u);
  ASSERT_EQ(received.size(), 30u);
  std::size_t compared = 0;
  for (const auto& [seq, out] : sent) {
    const std::vector<std::uint8_t>& in = received.at(seq);
    ASSERT_EQ(in.size(), out.size());
    wire::ParsedFrame pf;
    ASSERT_EQ(wire::parse_frame(in, pf), wire::ParseStatus::kOk);
    // Ethernet + IPv4 addresses and the payload are byte for byte what h0 wrote; the switches
    // changed only the INT region (and an ECN mark would touch the IPv4 header).
    EXPECT_TRUE(std::equal(in.begin(), in.begin() + 14, out.begin())) << seq;
    EXPECT_TRUE(std::equal(in.begin() + static_cast<std::ptrdiff_t>(pf.payload_offset), in.end(),
                           out.begin() + static_cast<std::ptrdiff_t>(pf.payload_offset)))
        << seq;
    ++compared;
  }
  std::printf("h0 -> s0 -> s1 -> h1: %zu data frames, payload and Ethernet header unchanged\n",
              compared);
  EXPECT_EQ(l.h.FramePool().InUse(), 0u);
  ns3::Simulator::Destroy();
}

TEST(PowertcpHelper, WithLossDuplicatesAndCorruptionFlowsCompleteAndEveryBufferComesBack) {
  Line l;
  faults::FaultSpec spec;
  spec.loss = 0.01;
  spec.duplicate = 0.05;
  spec.corrupt = 0.05;
  l.s0_out->SetFaults(spec, 7);  // the s0 -> s1 link, data direction
  l.h.StartFlow(ns3::MicroSeconds(1), 0, {1, 1, 400'000});
  l.h.StartFlow(ns3::MicroSeconds(1), 1, {2, 0, 100'000});  // ACKs cross the faulty link's peer
  ns3::Simulator::Stop(ns3::MilliSeconds(40));
  ns3::Simulator::Run();
  const faults::FaultCounters& c = *l.s0_out->FaultCounters();
  std::printf("faulty s0->s1: %llu frames, %llu lost, %llu duplicated, %llu corrupted; pool %zu "
              "buffers, %zu in use\n",
              static_cast<unsigned long long>(c.frames), static_cast<unsigned long long>(c.lost()),
              static_cast<unsigned long long>(c.duplicated),
              static_cast<unsigned long long>(c.corrupted), l.h.FramePool().Capacity(),
              l.h.FramePool().InUse());
  EXPECT_GT(c.duplicated, 5u);
  EXPECT_GT(c.corrupted, 5u);
  ASSERT_EQ(l.records.size(), 2u);
  EXPECT_EQ(l.h.Host(1).Host().counters().bytes_delivered, 400'000u);
  EXPECT_EQ(l.h.Host(0).Host().counters().bytes_delivered, 100'000u);
  // Corrupted frames are caught by the checksums (switch or host), never delivered as data.
  EXPECT_EQ(l.h.Host(1).Host().counters().payload_errors, 0u);
  EXPECT_EQ(l.h.FramePool().InUse(), 0u);  // lost, duplicated and dropped frames all freed
  ns3::Simulator::Destroy();
}

}  // namespace
}  // namespace ptcp::ns3sim
