#include "backends/dpdk/egress.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "backends/dpdk/delay_line.h"
#include "backends/dpdk/held_frames.h"
#include "backends/dpdk/mempool.h"
#include "backends/dpdk/port.h"
#include "backends/dpdk/ring_link.h"
#include "backends/dpdk/tsc_clock.h"
#include "dpdk/eal_environment.h"
#include "faults/faults.h"
#include "wire/format.h"

namespace ptcp::dpdk {
namespace {

class EgressTest : public ::testing::Test {
 protected:
  EgressTest() : pool_("eg_pool", 2047, data_room_for_mtu(1500)), link_("e0", 1024) {
    setup_port(link_.port_a(), pool_.get(), {});
    setup_port(link_.port_b(), pool_.get(), {});
  }
  rte_mbuf* frame(std::uint16_t len) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool_.get());
    m->data_len = len;
    m->pkt_len = len;
    return m;
  }
  unsigned receive() {
    std::array<rte_mbuf*, 64> in{};
    const unsigned n = rte_eth_rx_burst(link_.port_b(), 0, in.data(), 64);
    rte_pktmbuf_free_bulk(in.data(), n);
    return n;
  }
  MbufPool pool_;
  RingLink link_;
};

TEST_F(EgressTest, PacesAtLinkRateAndHoldsForPropagation) {
  const BitsPerSec rate = gbps(1);
  const TimeNs delay = 10 * kNsPerUs;
  Egress eg(link_.port_a(), rate, delay, 0);
  const TimeNs ser = serialization_ns(wire::wire_bytes(1000), rate);  // 1024 B: 8192 ns
  EXPECT_EQ(ser, 8192);
  TimeNs done[5];
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(eg.free(i == 0 ? 0 : done[i - 1]));
    EXPECT_FALSE(i > 0 && eg.free(done[i - 1] - 1));
    done[i] = eg.serialize(i == 0 ? 0 : done[i - 1], 1000);
    EXPECT_EQ(done[i], (i + 1) * ser);  // back to back at exactly the rate
    ASSERT_TRUE(eg.send(done[i], frame(1000)));
  }
  eg.flush(delay + ser - 1);  // first frame's last bit has not reached the far end
  EXPECT_EQ(receive(), 0u);
  eg.flush(delay + ser);
  EXPECT_EQ(receive(), 1u);
  eg.flush(delay + 3 * ser);
  EXPECT_EQ(receive(), 2u);
  EXPECT_EQ(eg.next_release(), delay + 4 * ser);
  eg.flush(delay + 100 * ser);
  EXPECT_EQ(receive(), 2u);
  EXPECT_EQ(eg.counters().frames, 5u);
  EXPECT_EQ(eg.counters().bytes, 5000u);
}

TEST_F(EgressTest, CatchesUpAfterAHiccupButNotAfterIdle) {
  const BitsPerSec rate = gbps(10);
  const TimeNs ser = serialization_ns(wire::wire_bytes(1500), rate);
  Egress eg(link_.port_a(), rate, 0, 5 * ser);
  TimeNs done = eg.serialize(0, 1500);
  EXPECT_EQ(done, ser);
  // The loop came back 2 frame times late: the next frame still starts where the last ended.
  done = eg.serialize(3 * ser, 1500);
  EXPECT_EQ(done, 2 * ser);
  // Idle much longer than the catch-up window: start now, no burst to "make up" for it.
  done = eg.serialize(100 * ser, 1500);
  EXPECT_EQ(done, 101 * ser);
}

TEST_F(EgressTest, NotBeforeKeepsAReplyAfterItsTriggerButAllowsCatchUpFromThere) {
  const BitsPerSec rate = gbps(10);
  const TimeNs ser = serialization_ns(wire::wire_bytes(1500), rate);
  Egress eg(link_.port_a(), rate, 0, 5 * ser);
  EXPECT_EQ(eg.serialize(0, 1500), ser);
  // A probe read at 3 ser (within the catch-up window): its reply starts then, not at 1 ser.
  eg.not_before(3 * ser);
  EXPECT_EQ(eg.serialize(4 * ser, 1500), 4 * ser);
  // An earlier bound than the link's own free time changes nothing.
  eg.not_before(2 * ser);
  EXPECT_EQ(eg.serialize(4 * ser, 1500), 5 * ser);
}

TEST_F(EgressTest, DeviceRefusalKeepsOrderAndRetries) {
  RingLink small("e1", 16);  // 15 usable slots
  setup_port(small.port_a(), pool_.get(), {});
  setup_port(small.port_b(), pool_.get(), {});
  Egress eg(small.port_a(), gbps(100), 0, 0);
  std::array<rte_mbuf*, 20> sent{};
  for (int i = 0; i < 20; ++i) {
    sent[static_cast<std::size_t>(i)] = frame(100);
    ASSERT_TRUE(eg.send(eg.serialize(0, 100), sent[static_cast<std::size_t>(i)]));
  }
  eg.flush(kNsPerSec);
  EXPECT_EQ(eg.counters().frames, 15u);
  EXPECT_EQ(eg.in_flight(), 5u);
  EXPECT_GE(eg.counters().device_busy, 1u);
  std::array<rte_mbuf*, 32> in{};
  ASSERT_EQ(rte_eth_rx_burst(small.port_b(), 0, in.data(), 32), 15);
  for (int i = 0; i < 15; ++i) EXPECT_EQ(in[static_cast<std::size_t>(i)], sent[static_cast<std::size_t>(i)]);
  rte_pktmbuf_free_bulk(in.data(), 15);
  eg.flush(kNsPerSec);
  ASSERT_EQ(rte_eth_rx_burst(small.port_b(), 0, in.data(), 32), 5);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(in[static_cast<std::size_t>(i)], sent[static_cast<std::size_t>(15 + i)]);
  rte_pktmbuf_free_bulk(in.data(), 5);
}

TEST_F(EgressTest, FullDeviceIsRetriedAfterABackoffNotEveryIteration) {
  RingLink small("e2", 16);  // 15 usable slots
  setup_port(small.port_a(), pool_.get(), {});
  setup_port(small.port_b(), pool_.get(), {});
  Egress eg(small.port_a(), gbps(100), 0, 0);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(eg.send(eg.serialize(0, 100), frame(100)));
  eg.flush(kNsPerSec);  // 15 taken, the rest refused: partly taken, so no backoff yet
  EXPECT_EQ(eg.counters().frames, 15u);
  eg.flush(kNsPerSec);  // nothing taken at all: from now on it waits
  const std::uint64_t busy = eg.counters().device_busy;
  EXPECT_EQ(eg.flush(kNsPerSec + Egress::kFullDeviceBackoff - 1), 0u);
  EXPECT_EQ(eg.counters().device_busy, busy);  // not even tried
  std::array<rte_mbuf*, 32> in{};
  ASSERT_EQ(rte_eth_rx_burst(small.port_b(), 0, in.data(), 32), 15);
  rte_pktmbuf_free_bulk(in.data(), 15);
  EXPECT_EQ(eg.flush(kNsPerSec + Egress::kFullDeviceBackoff), 5u);
  EXPECT_EQ(eg.in_flight(), 0u);
  ASSERT_EQ(rte_eth_rx_burst(small.port_b(), 0, in.data(), 32), 5);
  rte_pktmbuf_free_bulk(in.data(), 5);
}

// [faults] on an egress: frames are judged as they go onto the wire, from the armed epoch on.
class EgressFaultTest : public EgressTest {
 protected:
  // A `len`-byte frame whose first 4 bytes are `seq`.
  rte_mbuf* numbered(std::uint32_t seq, std::uint16_t len = 200) {
    rte_mbuf* m = frame(len);
    std::memset(rte_pktmbuf_mtod(m, std::uint8_t*), 0, len);
    std::memcpy(rte_pktmbuf_mtod(m, std::uint8_t*), &seq, sizeof seq);
    return m;
  }
  static std::uint32_t seq_of(const rte_mbuf* m) {
    std::uint32_t s = 0;
    std::memcpy(&s, rte_pktmbuf_mtod(m, const std::uint8_t*), sizeof s);
    return s;
  }
  // Sends `n` numbered frames back to back from time 0; returns the last one's done time.
  TimeNs send_numbered(Egress& eg, std::uint32_t n) {
    TimeNs done = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      done = eg.serialize(done, 200);
      EXPECT_TRUE(eg.send(done, numbered(i)));
    }
    return done;
  }
  std::vector<rte_mbuf*> receive_all() {
    std::vector<rte_mbuf*> out;
    std::array<rte_mbuf*, 64> in{};
    for (unsigned n; (n = rte_eth_rx_burst(link_.port_b(), 0, in.data(), 64)) > 0;) {
      out.insert(out.end(), in.begin(), in.begin() + n);
    }
    return out;
  }
};

TEST_F(EgressFaultTest, LostFramesAreFreedAndNothingIsJudgedBeforeTheEpoch) {
  const std::uint32_t free0 = pool_.available();
  faults::FaultSpec spec;
  spec.loss = 1.0;
  Egress eg(link_.port_a(), gbps(10), kNsPerUs, 0);
  eg.set_faults(spec, 7);
  // Not armed yet: a clean wire.
  send_numbered(eg, 4);
  eg.flush(kNsPerSec);
  EXPECT_EQ(receive(), 4u);
  EXPECT_EQ(eg.fault_counters()->frames, 0u);
  // Armed: every frame is lost, and freed on the spot.
  eg.arm_faults(0);
  send_numbered(eg, 10);
  EXPECT_EQ(eg.in_flight(), 0u);
  eg.flush(kNsPerSec);
  EXPECT_EQ(receive(), 0u);
  EXPECT_EQ(eg.fault_counters()->lost_random, 10u);
  EXPECT_EQ(eg.counters().fault_freed, 10u);
  EXPECT_EQ(pool_.available(), free0);
}

TEST_F(EgressFaultTest, DownWindowIsRelativeToTheEpoch) {
  faults::FaultSpec spec;
  const TimeNs epoch = 5 * kNsPerMs;
  spec.down.push_back({0, 2 * kNsPerUs});  // run time 0..2 us: the first frames only
  Egress eg(link_.port_a(), gbps(10), 0, 0);
  eg.set_faults(spec, 1);
  eg.arm_faults(epoch);
  const TimeNs ser = serialization_ns(wire::wire_bytes(200), gbps(10));  // 195 ns
  TimeNs done = epoch;
  std::uint32_t lost_expected = 0;
  for (std::uint32_t i = 0; i < 20; ++i) {
    done = eg.serialize(done, 200);
    if (done - ser - epoch < 2 * kNsPerUs) ++lost_expected;
    ASSERT_TRUE(eg.send(done, numbered(i)));
  }
  eg.flush(epoch + kNsPerSec);
  EXPECT_EQ(receive(), 20u - lost_expected);
  EXPECT_EQ(eg.fault_counters()->lost_down, lost_expected);
  EXPECT_GT(lost_expected, 5u);
}

TEST_F(EgressFaultTest, ReorderedFramesAreOvertakenAndReleasedAtTheirTime) {
  const std::uint32_t free0 = pool_.available();
  faults::FaultSpec spec;
  spec.reorder = 0.3;
  spec.reorder_delay = 20 * kNsPerUs;  // longer than the 40 frames take (7.8 us)
  const TimeNs delay = kNsPerUs;
  Egress eg(link_.port_a(), gbps(10), delay, 0);
  eg.set_faults(spec, 3);
  eg.arm_faults(0);
  EXPECT_GT(eg.held_capacity(), 0u);
  const TimeNs last = send_numbered(eg, 40);
  const std::uint64_t reordered = eg.fault_counters()->reordered;
  ASSERT_GT(reordered, 0u);
  EXPECT_EQ(eg.held(), reordered);
  // When every in-order frame has arrived, the held ones are still on the wire.
  eg.flush(last + delay);
  std::vector<rte_mbuf*> got = receive_all();
  EXPECT_EQ(got.size(), 40u - reordered);
  EXPECT_GT(eg.next_release(), last + delay);
  eg.flush(last + delay + spec.reorder_delay);
  const std::vector<rte_mbuf*> late = receive_all();
  EXPECT_EQ(late.size(), reordered);
  got.insert(got.end(), late.begin(), late.end());
  std::vector<bool> seen(40, false);
  bool out_of_order = false;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::uint32_t s = seq_of(got[i]);
    ASSERT_LT(s, 40u);
    EXPECT_FALSE(seen[s]);
    seen[s] = true;
    if (i > 0 && s < seq_of(got[i - 1])) out_of_order = true;
  }
  EXPECT_TRUE(out_of_order);
  rte_pktmbuf_free_bulk(got.data(), static_cast<unsigned>(got.size()));
  EXPECT_EQ(pool_.available(), free0);
}

TEST_F(EgressFaultTest, DuplicatesAreCopiesFromThePoolAndAllReturn) {
  const std::uint32_t free0 = pool_.available();
  faults::FaultSpec spec;
  spec.duplicate = 1.0;
  Egress eg(link_.port_a(), gbps(10), 0, 0);
  eg.set_faults(spec, 5);
  eg.arm_faults(0);
  send_numbered(eg, 6);
  eg.flush(kNsPerSec);
  const std::vector<rte_mbuf*> got = receive_all();
  ASSERT_EQ(got.size(), 12u);
  for (std::uint32_t i = 0; i < 6; ++i) {
    const rte_mbuf* a = got[2 * i];
    const rte_mbuf* b = got[2 * i + 1];
    EXPECT_NE(a, b);  // a real second mbuf, not a reference to the same one
    EXPECT_EQ(seq_of(a), i);
    EXPECT_EQ(seq_of(b), i);
    ASSERT_EQ(a->data_len, b->data_len);
    EXPECT_EQ(std::memcmp(rte_pktmbuf_mtod(a, const void*), rte_pktmbuf_mtod(b, const void*), a->data_len), 0);
  }
  EXPECT_EQ(eg.counters().fault_copies, 6u);
  EXPECT_EQ(pool_.available(), free0 - 12);
  rte_pktmbuf_free_bulk(const_cast<rte_mbuf**>(got.data()), 12);
  EXPECT_EQ(pool_.available(), free0);
}

TEST_F(EgressFaultTest, CorruptionIsCaughtByTheTransportChecksum) {
  faults::FaultSpec spec;
  spec.corrupt = 1.0;
  Egress eg(link_.port_a(), gbps(10), 0, 0);
  eg.set_faults(spec, 11);
  eg.arm_faults(0);
  wire::FrameAddr a;
  a.src_mac = wire::node_mac(1);
  a.dst_mac = wire::node_mac(2);
  a.src_ip = wire::node_ip(1);
  a.dst_ip = wire::node_ip(2);
  wire::Segment seg;
  seg.type = wire::PacketType::kData;
  seg.flow_id = 3;
  seg.payload_len = 500;
  const std::vector<std::uint8_t> payload(500, 0x3c);
  std::vector<std::uint8_t> good(2048);
  good.resize(wire::write_frame(good, a, seg, wire::kEcnEct0, payload));
  wire::ParsedFrame pf;
  ASSERT_EQ(wire::parse_frame(good, pf), wire::ParseStatus::kOk);
  for (int i = 0; i < 8; ++i) {
    rte_mbuf* m = frame(static_cast<std::uint16_t>(good.size()));
    std::memcpy(rte_pktmbuf_mtod(m, std::uint8_t*), good.data(), good.size());
    ASSERT_TRUE(eg.send(eg.serialize(0, good.size()), m));
  }
  eg.flush(kNsPerSec);
  const std::vector<rte_mbuf*> got = receive_all();
  ASSERT_EQ(got.size(), 8u);
  for (rte_mbuf* m : got) {
    const std::span<const std::uint8_t> f(rte_pktmbuf_mtod(m, const std::uint8_t*), m->data_len);
    int differ = 0;
    for (std::size_t i = 0; i < f.size(); ++i) differ += f[i] != good[i] ? 1 : 0;
    EXPECT_EQ(differ, 1);
    EXPECT_EQ(wire::parse_frame(f, pf), wire::ParseStatus::kBadChecksum);
  }
  EXPECT_EQ(eg.fault_counters()->corrupted, 8u);
  rte_pktmbuf_free_bulk(const_cast<rte_mbuf**>(got.data()), 8);
}

TEST_F(EgressFaultTest, DeviceRefusalKeepsHeldFramesInOrder) {
  RingLink small("e2", 16);  // 15 usable slots
  setup_port(small.port_a(), pool_.get(), {});
  setup_port(small.port_b(), pool_.get(), {});
  faults::FaultSpec spec;
  spec.reorder = 1.0;  // every frame held the same time: their order is kept
  spec.reorder_delay = kNsPerUs;
  Egress eg(small.port_a(), gbps(100), 0, 0);
  eg.set_faults(spec, 2);
  eg.arm_faults(0);
  for (std::uint32_t i = 0; i < 20; ++i) ASSERT_TRUE(eg.send(eg.serialize(0, 100), numbered(i, 100)));
  EXPECT_EQ(eg.held(), 20u);
  eg.flush(kNsPerSec);
  EXPECT_EQ(eg.counters().frames, 15u);
  EXPECT_EQ(eg.held(), 5u);
  std::array<rte_mbuf*, 32> in{};
  ASSERT_EQ(rte_eth_rx_burst(small.port_b(), 0, in.data(), 32), 15);
  for (std::uint32_t i = 0; i < 15; ++i) EXPECT_EQ(seq_of(in[i]), i);
  rte_pktmbuf_free_bulk(in.data(), 15);
  eg.flush(kNsPerSec);
  ASSERT_EQ(rte_eth_rx_burst(small.port_b(), 0, in.data(), 32), 5);
  for (std::uint32_t i = 0; i < 5; ++i) EXPECT_EQ(seq_of(in[i]), 15 + i);
  rte_pktmbuf_free_bulk(in.data(), 5);
}

TEST(HeldFrames, MinHeapByReleaseThenHoldOrder) {
  HeldFrames<int> h(4);
  EXPECT_TRUE(h.hold(30, 0));
  EXPECT_TRUE(h.hold(10, 1));
  EXPECT_TRUE(h.hold(30, 2));
  EXPECT_TRUE(h.hold(20, 3));
  EXPECT_FALSE(h.hold(5, 4));  // full
  EXPECT_EQ(h.next_release(), 10);
  HeldFrames<int>::Entry e;
  std::vector<int> order;
  while (h.pop(e)) order.push_back(e.item);
  EXPECT_EQ(order, (std::vector<int>{1, 3, 0, 2}));
  EXPECT_EQ(h.next_release(), kNever);
}

TEST(DelayLine, FifoByReleaseTimeWithFixedCapacity) {
  DelayLine<int> line(3);
  EXPECT_EQ(line.capacity(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(line.push(10 * (i + 1), i));
  EXPECT_FALSE(line.push(100, 9));
  int v = -1;
  EXPECT_FALSE(line.pop_due(9, v));
  EXPECT_TRUE(line.pop_due(10, v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(line.pop_due(25, v));
  EXPECT_EQ(v, 1);
  line.unpop(1);
  EXPECT_EQ(line.next_release(), 20);
  EXPECT_TRUE(line.push(50, 4));  // wraps around
  EXPECT_EQ(line.size(), 4u);
}

TEST(DelayLine, BurstPopTakesOnlyDueItemsInOrderAcrossTheWrap) {
  DelayLine<int> line(4);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(line.push(10 * (i + 1), i));
  int out[4] = {-1, -1, -1, -1};
  EXPECT_EQ(line.pop_due_burst(5, out, 4), 0u);
  EXPECT_EQ(line.pop_due_burst(30, out, 1), 1u);  // at most `max`
  EXPECT_EQ(out[0], 0);
  EXPECT_TRUE(line.push(40, 3));
  EXPECT_TRUE(line.push(50, 4));  // slot 0 again
  EXPECT_EQ(line.pop_due_burst(45, out, 4), 3u);  // 1, 2, 3; 4 is not due
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 2);
  EXPECT_EQ(out[2], 3);
  line.unpop(1);  // the device refused the last one: it is the head again
  EXPECT_EQ(line.next_release(), 40);
  EXPECT_EQ(line.pop_due_burst(100, out, 4), 2u);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], 4);
  EXPECT_TRUE(line.empty());
}

// An emptied line starts over at slot 0 (its live entries stay in a few cache lines), in order.
TEST(DelayLine, EmptiedLineRestartsAtSlotZero) {
  DelayLine<int> line(1 << 16);
  int out[32];
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 8; ++i) EXPECT_TRUE(line.push(round * 100 + i, round * 8 + i));
    EXPECT_EQ(line.head_slot(), 0u);
    ASSERT_EQ(line.pop_due_burst(round * 100 + 7, out, 32), 8u);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(out[i], round * 8 + i);
  }
  // Not empty: no restart, the FIFO order holds across pushes; unpop after a burst still works.
  EXPECT_TRUE(line.push(1, 1));
  EXPECT_TRUE(line.push(2, 2));
  int v = 0;
  EXPECT_TRUE(line.pop_due(1, v));
  EXPECT_TRUE(line.push(3, 3));
  EXPECT_EQ(line.head_slot(), 1u);
  ASSERT_EQ(line.pop_due_burst(10, out, 32), 2u);
  line.unpop(2);
  ASSERT_EQ(line.pop_due_burst(10, out, 32), 2u);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[1], 3);
}

TEST(TscClock, MonotonicNanoseconds) {
  TscClock c;
  const TimeNs a = c.now();
  rte_delay_us_block(2000);
  const TimeNs b = c.now();
  EXPECT_GE(b - a, 2 * kNsPerMs);
  EXPECT_LT(b - a, 2 * kNsPerSec);  // generous: CI may stall us
  EXPECT_NEAR(static_cast<double>(c.to_ns(c.hz())), 1e9, 1.0);  // fixed point: at most 1 ns off per second
}

}  // namespace
}  // namespace ptcp::dpdk
