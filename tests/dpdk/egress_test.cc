#include "backends/dpdk/egress.h"

#include <gtest/gtest.h>

#include <array>

#include "backends/dpdk/delay_line.h"
#include "backends/dpdk/mempool.h"
#include "backends/dpdk/port.h"
#include "backends/dpdk/ring_link.h"
#include "backends/dpdk/tsc_clock.h"
#include "dpdk/eal_environment.h"

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
