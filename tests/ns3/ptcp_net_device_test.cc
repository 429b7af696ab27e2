// PtcpNetDevice + PtcpChannel: exact bytes, the core's link timing, pull semantics (no queue).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "common/units.h"
#include "faults/faults.h"
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
  void OnFrameReceived(std::uint32_t, FrameRef f) override {
    rx_at.push_back(NowNs());
    frames.emplace_back(f.Data(), f.Data() + f.len);
    f.Free();
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
    void OnFrameReceived(std::uint32_t, FrameRef f) override { f.Free(); }
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
  // Send() copied the Packet into a buffer of a's pool; b handed it up as a Packet and freed it.
  EXPECT_EQ(l.a->Pool().Capacity(), 64u);
  EXPECT_EQ(l.a->Pool().InUse(), 0u);
  ns3::Simulator::Destroy();
}

// Keeps what arrives without freeing it, to look at the buffer itself.
struct Holder : FrameOwner {
  std::vector<FrameRef> frames;
  void OnFrameReceived(std::uint32_t, FrameRef f) override { frames.push_back(f); }
  void OnTxFree(std::uint32_t) override {}
};

// A 25G link whose sender side draws from one pool (the receiver's too, unless told otherwise)
// and whose far end keeps every frame in `held`; faults on a->b when given.
struct PooledLink {
  Link l{gbps(25), 100};
  std::shared_ptr<BufferPool> pool = std::make_shared<BufferPool>(1500);
  Holder held;
  explicit PooledLink(const faults::FaultSpec* spec = nullptr, std::uint64_t seed = 1) {
    l.a->SetPool(pool);
    l.b->SetPool(pool);
    if (spec != nullptr) l.a->SetFaults(*spec, seed);
    l.b->SetOwner(&held, 0);
  }
};

// A 1000-byte frame with an IPv4 EtherType (so the fault injector finds bytes to corrupt).
FrameRef pool_frame(BufferPool& pool, std::uint8_t seed) {
  const FrameRef f{&pool, pool.Alloc(), 1000};
  for (std::uint32_t i = 0; i < f.len; ++i) f.Data()[i] = static_cast<std::uint8_t>(seed + i * 7);
  f.Data()[12] = 0x08;
  f.Data()[13] = 0x00;
  f.Data()[wire::kTransportOffset + 2] = 0;  // no INT flag
  return f;
}

TEST(PtcpNetDevice, AFrameArrivesInTheBufferItWasSentIn) {
  PooledLink pl;
  Link& l = pl.l;
  const std::shared_ptr<BufferPool>& pool = pl.pool;
  Holder& hb = pl.held;
  FrameRef sent;
  std::vector<std::uint8_t> original;
  ns3::Simulator::Schedule(ns3::Seconds(0), [&] {
    sent = pool_frame(*pool, 5);
    original.assign(sent.Data(), sent.Data() + sent.len);
    EXPECT_TRUE(l.a->TransmitFrame(sent));
    // Busy: a refused frame is the device's to free.
    EXPECT_FALSE(l.a->TransmitFrame(pool_frame(*pool, 6)));
    EXPECT_EQ(pool->InUse(), 1u);
  });
  ns3::Simulator::Run();
  ASSERT_EQ(hb.frames.size(), 1u);
  const FrameRef got = hb.frames[0];
  EXPECT_EQ(got.pool, pool.get());
  EXPECT_EQ(got.index, sent.index);  // the handle travelled, not a copy
  EXPECT_EQ(got.len, 1000u);
  EXPECT_EQ(std::vector<std::uint8_t>(got.Data(), got.Data() + got.len), original);
  EXPECT_EQ(pool->Capacity(), 64u);  // one slab: nothing else was allocated on the way
  got.Free();
  EXPECT_EQ(pool->InUse(), 0u);
  ns3::Simulator::Destroy();
}

TEST(PtcpNetDevice, ADuplicateIsTheUnalteredFrameInItsOwnBufferACorruptOneHasOneByteFlipped) {
  faults::FaultSpec spec;
  spec.duplicate = 1.0;
  spec.corrupt = 1.0;
  PooledLink pl(&spec, 42);
  Link& l = pl.l;
  const std::shared_ptr<BufferPool>& pool = pl.pool;
  Holder& hb = pl.held;
  std::vector<std::uint8_t> original;
  ns3::Simulator::Schedule(ns3::Seconds(0), [&] {
    const FrameRef f = pool_frame(*pool, 11);
    original.assign(f.Data(), f.Data() + f.len);
    l.a->TransmitFrame(f);
  });
  ns3::Simulator::Run();
  ASSERT_EQ(hb.frames.size(), 2u);
  EXPECT_NE(hb.frames[0].index, hb.frames[1].index);
  const std::vector<std::uint8_t> first(hb.frames[0].Data(), hb.frames[0].Data() + 1000);
  const std::vector<std::uint8_t> second(hb.frames[1].Data(), hb.frames[1].Data() + 1000);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < original.size(); ++i) differing += first[i] != original[i];
  EXPECT_EQ(differing, 1u);  // the delivered frame: corrupted in place
  EXPECT_EQ(second, original);  // the duplicate: as sent
  ASSERT_NE(l.a->FaultCounters(), nullptr);
  EXPECT_EQ(l.a->FaultCounters()->duplicated, 1u);
  EXPECT_EQ(l.a->FaultCounters()->corrupted, 1u);
  for (const FrameRef& f : hb.frames) f.Free();
  EXPECT_EQ(pool->InUse(), 0u);
  ns3::Simulator::Destroy();
}

TEST(PtcpNetDevice, ALostFrameGoesBackToThePool) {
  faults::FaultSpec spec;
  spec.loss = 1.0;
  PooledLink pl(&spec);
  Link& l = pl.l;
  const std::shared_ptr<BufferPool>& pool = pl.pool;
  Holder& hb = pl.held;
  ns3::Simulator::Schedule(ns3::Seconds(0), [&] { l.a->TransmitFrame(pool_frame(*pool, 1)); });
  ns3::Simulator::Run();
  EXPECT_TRUE(hb.frames.empty());
  EXPECT_EQ(l.a->FaultCounters()->lost_random, 1u);
  EXPECT_EQ(pool->InUse(), 0u);
  ns3::Simulator::Destroy();
}

TEST(PtcpNetDevice, SendRefusesAPacketLargerThanAPoolBuffer) {
  Link l(gbps(25), 100);
  l.a->SetPool(std::make_shared<BufferPool>(1500));
  ns3::Simulator::Schedule(ns3::Seconds(0), [&] {
    EXPECT_FALSE(l.a->Send(ns3::Create<ns3::Packet>(1501), l.b->GetBroadcast(), 0x0800));
  });
  ns3::Simulator::Run();
  EXPECT_EQ(l.a->Counters().oversized, 1u);
  EXPECT_EQ(l.a->Counters().tx_frames, 0u);
  ns3::Simulator::Destroy();
}

}  // namespace
}  // namespace ptcp::ns3sim
