#include "backends/dpdk/ring_link.h"

#include <gtest/gtest.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <array>
#include <cstring>

#include "backends/dpdk/mempool.h"
#include "backends/dpdk/port.h"
#include "backends/dpdk/ring_fabric.h"
#include "dpdk/eal_environment.h"

namespace ptcp::dpdk {
namespace {

rte_mbuf* frame(rte_mempool* mp, std::uint8_t tag) {
  rte_mbuf* m = rte_pktmbuf_alloc(mp);
  EXPECT_NE(m, nullptr);
  std::memset(rte_pktmbuf_mtod(m, std::uint8_t*), tag, 64);
  m->data_len = 64;
  m->pkt_len = 64;
  return m;
}

TEST(RingLink, CarriesFramesBothWaysWithoutCopy) {
  MbufPool pool("rl_pool", 1023, data_room_for_mtu(1500));
  const std::uint32_t free_at_start = pool.available();
  {
    RingLink link("t0", 256);
    setup_port(link.port_a(), pool.get(), {});
    setup_port(link.port_b(), pool.get(), {});
    ASSERT_NE(link.port_a(), link.port_b());

    std::array<rte_mbuf*, 8> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = frame(pool.get(), static_cast<std::uint8_t>(i));
    auto sent_ptrs = out;
    ASSERT_EQ(rte_eth_tx_burst(link.port_a(), 0, out.data(), 8), 8);
    // Nothing comes back on the sender's own side.
    std::array<rte_mbuf*, 16> in{};
    EXPECT_EQ(rte_eth_rx_burst(link.port_a(), 0, in.data(), 16), 0);
    ASSERT_EQ(rte_eth_rx_burst(link.port_b(), 0, in.data(), 16), 8);
    for (std::size_t i = 0; i < 8; ++i) {
      EXPECT_EQ(in[i], sent_ptrs[i]);  // same mbuf, in order
      EXPECT_EQ(rte_pktmbuf_mtod(in[i], std::uint8_t*)[10], i);
    }
    // And back the other way.
    ASSERT_EQ(rte_eth_tx_burst(link.port_b(), 0, in.data(), 8), 8);
    ASSERT_EQ(rte_eth_rx_burst(link.port_a(), 0, out.data(), 16), 8);
    rte_pktmbuf_free_bulk(out.data(), 8);

    // Frames left in flight are freed by drain().
    out[0] = frame(pool.get(), 1);
    out[1] = frame(pool.get(), 2);
    ASSERT_EQ(rte_eth_tx_burst(link.port_b(), 0, out.data(), 2), 2);
    EXPECT_EQ(link.drain(), 2u);
  }
  EXPECT_EQ(pool.available(), free_at_start);
}

TEST(RingLink, FullRingRefusesRatherThanLoses) {
  MbufPool pool("rl_pool2", 1023, data_room_for_mtu(1500));
  RingLink link("t1", 64);  // usable slots: 63
  setup_port(link.port_a(), pool.get(), {});
  setup_port(link.port_b(), pool.get(), {});
  std::array<rte_mbuf*, 100> out{};
  for (auto& m : out) m = frame(pool.get(), 7);
  const std::uint16_t sent = rte_eth_tx_burst(link.port_a(), 0, out.data(), 100);
  EXPECT_EQ(sent, 63);
  rte_pktmbuf_free_bulk(out.data() + sent, 100u - sent);
  EXPECT_EQ(link.drain(), 63u);
}

// A virtual testbed builds its cables under fixed names; a second testbed in the same process
// (a test binary running every case, a sweep driver) must get them again once the first is gone.
TEST(RingLink, NamesAreFreeAgainOnceDestroyed) {
  const std::uint16_t ports_before = rte_eth_dev_count_avail();
  for (int round = 0; round < 3; ++round) {
    RingLink link("t2", 64);
    EXPECT_EQ(rte_eth_dev_count_avail(), ports_before + 2) << "round " << round;
  }
  EXPECT_EQ(rte_eth_dev_count_avail(), ports_before);
}

TEST(RingFabric, NamesAreFreeAgainOnceDestroyed) {
  const std::uint16_t ports_before = rte_eth_dev_count_avail();
  for (int round = 0; round < 3; ++round) {
    RingFabric fabric("T", 20, 64);  // 40 ends: 3 devices (16 + 16 + 8 queue pairs)
    EXPECT_EQ(fabric.devices().size(), 3u) << "round " << round;
    EXPECT_EQ(rte_eth_dev_count_avail(), ports_before + 3) << "round " << round;
  }
  EXPECT_EQ(rte_eth_dev_count_avail(), ports_before);
}

TEST(PortSetup, ReportsDriverAndUnsupportedOffloadsStayOff) {
  MbufPool pool("ps_pool", 1023, data_room_for_mtu(1500));
  RingLink link("t2", 64);
  const PortInfo info = setup_port(link.port_a(), pool.get(), {});
  EXPECT_EQ(info.driver, "net_ring");
  EXPECT_FALSE(info.rx_ipv4_cksum);  // net_ring offers no offloads
  EXPECT_EQ(find_port(info.name), link.port_a());
  EXPECT_THROW(setup_port(9999, pool.get(), {}), DpdkError);
}

TEST(MbufPool, SizedForEveryPlaceAFrameWaits) {
  PoolNeeds n;
  n.ports = 4;
  n.rx_desc = 512;
  n.tx_desc = 512;
  n.ring_slots = 4 * 1024;
  n.switch_buffer_bytes = 1'000'000;
  n.hosts = 3;
  const std::uint32_t c = mbuf_count(n);
  EXPECT_GE(c, 4u * (512 + 512) + 4096 + 1'000'000 / kAssumedMinBufferedFrame);
  EXPECT_EQ((c + 1) & c, 0u);  // 2^k - 1
  EXPECT_GE(data_room_for_mtu(9000), 9000 + RTE_PKTMBUF_HEADROOM);
}

}  // namespace
}  // namespace ptcp::dpdk
