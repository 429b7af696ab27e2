// PtcpNetDevice + PtcpChannel: exact bytes, the core's link timing, pull semantics (no queue).
#include <gtest/gtest.h>

#include <vector>

#include "common/units.h"
#include "model/ptcp-channel.h"
#include "model/ptcp-net-device.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "wire/format.h"

namespace ptcp::ns3sim {
namespace {

struct Recorder : FrameOwner {
  std::vector<TimeNs> rx_at, free_at;
  std::vector<std::vector<std::uint8_t>> frames;
  void OnFrameReceived(std::uint32_t, const ns3::Packet& p) override {
    rx_at.push_back(NowNs());
    std::vector<std::uint8_t> b(p.GetSize());
    p.CopyData(b.data(), static_cast<std::uint32_t>(b.size()));
    frames.push_back(std::move(b));
  }
  void OnTxFree(std::uint32_t) override { free_at.push_back(NowNs()); }
};

struct Link {
  ns3::Ptr<PtcpNetDevice> a, b;
  Link(BitsPerSec rate, TimeNs delay) {
    auto na = ns3::CreateObject<ns3::Node>();
    auto nb = ns3::CreateObject<ns3::Node>();
    a = ns3::CreateObject<PtcpNetDevice>();
    b = ns3::CreateObject<PtcpNetDevice>();
    na->AddDevice(a);
    nb->AddDevice(b);
    auto ch = ns3::CreateObject<PtcpChannel>();
    ch->SetDelay(delay);
    a->SetRate(rate);
    b->SetRate(rate);
    EXPECT_TRUE(a->Attach(ch));
    EXPECT_TRUE(b->Attach(ch));
  }
};

ns3::Ptr<ns3::Packet> frame_of(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(seed + i * 7);
  return ns3::Create<ns3::Packet>(b.data(), static_cast<std::uint32_t>(n));
}

TEST(PtcpNetDevice, DeliversExactBytesAfterSerializationPlusPropagation) {
  Link l(gbps(25), 1000);
  Recorder ra, rb;
  l.a->SetOwner(&ra, 0);
  l.b->SetOwner(&rb, 3);
  const std::size_t n = 1134;  // a full data packet with INT
  ns3::Simulator::Schedule(ns3::NanoSeconds(500), [&] { EXPECT_TRUE(l.a->TransmitFrame(frame_of(n, 9))); });
  ns3::Simulator::Run();
  const TimeNs ser = serialization_ns(wire::wire_bytes(n), gbps(25));
  ASSERT_EQ(rb.rx_at.size(), 1u);
  EXPECT_EQ(rb.rx_at[0], 500 + ser + 1000);
  ASSERT_EQ(ra.free_at.size(), 1u);
  EXPECT_EQ(ra.free_at[0], 500 + ser);
  ASSERT_EQ(rb.frames[0].size(), n);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(rb.frames[0][i], static_cast<std::uint8_t>(9 + i * 7));
  EXPECT_EQ(l.a->Counters().tx_wire_bytes, n + wire::kWireOverhead);
  std::printf("1134-byte frame at 25G: serialization %lld ns, arrival %lld ns\n",
              static_cast<long long>(ser), static_cast<long long>(rb.rx_at[0]));
  ns3::Simulator::Destroy();
}

TEST(PtcpNetDevice, ShortFramesCostTheEthernetMinimum) {
  Link l(gbps(100), 0);
  Recorder rb;
  l.b->SetOwner(&rb, 0);
  ns3::Simulator::Schedule(ns3::Seconds(0), [&] { l.a->TransmitFrame(frame_of(60, 1)); });
  ns3::Simulator::Run();
  ASSERT_EQ(rb.rx_at.size(), 1u);
  EXPECT_EQ(rb.rx_at[0], serialization_ns(84, gbps(100)));  // 60 + 24 bytes = 6.72 ns -> 7
  ns3::Simulator::Destroy();
}

TEST(PtcpNetDevice, RefusesWhileBusyAndPullsBackToBack) {
  Link l(gbps(10), 2000);
  Recorder rb;
  int sent = 0;
  struct Puller : FrameOwner {
    PtcpNetDevice* dev = nullptr;
    int* sent = nullptr;
    void OnFrameReceived(std::uint32_t, const ns3::Packet&) override {}
    void OnTxFree(std::uint32_t) override {
      if (*sent < 3) {
        dev->TransmitFrame(frame_of(1000, static_cast<std::uint8_t>(*sent)));
        ++*sent;
      }
    }
  } puller;
  puller.dev = ns3::PeekPointer(l.a);
  puller.sent = &sent;
  l.a->SetOwner(&puller, 0);
  l.b->SetOwner(&rb, 0);
  ns3::Simulator::Schedule(ns3::Seconds(0), [&] {
    EXPECT_TRUE(l.a->TransmitFrame(frame_of(1000, 100)));
    EXPECT_TRUE(l.a->IsBusy());
    EXPECT_FALSE(l.a->TransmitFrame(frame_of(1000, 101)));  // no hidden queue
  });
  ns3::Simulator::Run();
  EXPECT_EQ(l.a->Counters().refused, 1u);
  ASSERT_EQ(rb.rx_at.size(), 4u);
  const TimeNs ser = serialization_ns(1024, gbps(10));
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(rb.rx_at[i], static_cast<TimeNs>(i + 1) * ser + 2000) << i;
  }
  EXPECT_EQ(rb.frames[0][0], 100);
  EXPECT_EQ(rb.frames[1][0], 0);
  ns3::Simulator::Destroy();
}

TEST(PtcpNetDevice, PlainNs3ReceiveCallbackGetsTheEtherType) {
  Link l(gbps(25), 10);
  std::uint16_t proto = 0;
  std::uint32_t size = 0;
  // ns3::Callback takes plain functions: record into statics.
  static std::uint16_t s_proto;
  static std::uint32_t s_size;
  l.b->SetReceiveCallback(ns3::MakeCallback(
      +[](ns3::Ptr<ns3::NetDevice>, ns3::Ptr<const ns3::Packet> p, std::uint16_t pr,
          const ns3::Address&) {
        s_proto = pr;
        s_size = p->GetSize();
        return true;
      }));
  std::vector<std::uint8_t> f(64, 0);
  f[12] = 0x08;
  f[13] = 0x00;
  ns3::Simulator::Schedule(ns3::Seconds(0), [&] {
    EXPECT_TRUE(l.a->Send(ns3::Create<ns3::Packet>(f.data(), 64), l.b->GetBroadcast(), 0x0800));
  });
  ns3::Simulator::Run();
  proto = s_proto;
  size = s_size;
  EXPECT_EQ(proto, 0x0800);
  EXPECT_EQ(size, 64u);
  ns3::Simulator::Destroy();
}

}  // namespace
}  // namespace ptcp::ns3sim
