// Packet-buffer pools sized from the experiment: enough mbufs for every place a frame can
// wait (NIC descriptors, ring links, switch buffers, delay lines, bursts in hand), so running
// out means a bug or a deliberate cap, never a mis-sized default.
#pragma once

#include <cstdint>
#include <string>

struct rte_mempool;

namespace ptcp::dpdk {

struct PoolNeeds {
  std::uint32_t ports = 0;             // ethdev ports that will use the pool
  std::uint32_t rx_desc = 0;           // per port (a NIC fills its RX ring with mbufs)
  std::uint32_t tx_desc = 0;           // per port (mbufs wait there until the NIC sends them)
  std::uint64_t ring_slots = 0;        // frames that can sit in net_ring link rings
  std::uint64_t switch_buffer_bytes = 0;  // sum of switch shared buffers
  std::uint64_t in_flight_frames = 0;  // sum of delay-line capacities (propagation)
  std::uint32_t hosts = 0;             // each holds a spare mbuf and a burst
  std::uint32_t burst = 32;
  std::uint32_t lcores = 1;            // each lcore has a mempool cache
  std::uint32_t cache = 256;
};

// Average frame a switch buffer is assumed to hold when converting its bytes to mbufs: full
// buffers are full of data frames (about 1 KB); a buffer filled with ACKs alone could run the
// pool dry, which is counted (mbuf_alloc_failures, rx_nombuf) and never crashes.
inline constexpr std::uint64_t kAssumedMinBufferedFrame = 1024;

// mbufs needed for `n`, rounded to 2^k - 1 (the mempool's most efficient size).
std::uint32_t mbuf_count(const PoolNeeds& n);

// Data room for frames up to `mtu` IP bytes plus Ethernet header, after the headroom.
std::uint16_t data_room_for_mtu(std::uint32_t mtu);

class MbufPool {
 public:
  // Creates a pktmbuf pool on `socket` (-1: any). Throws DpdkError with the reason.
  MbufPool(const std::string& name, std::uint32_t n, std::uint16_t data_room, int socket = -1,
           std::uint32_t cache = 256);
  ~MbufPool();
  MbufPool(const MbufPool&) = delete;
  MbufPool& operator=(const MbufPool&) = delete;

  rte_mempool* get() const { return mp_; }
  std::uint32_t size() const { return n_; }
  std::uint32_t available() const;  // free mbufs, lcore caches included
  std::uint32_t in_use() const;

 private:
  rte_mempool* mp_ = nullptr;
  std::uint32_t n_ = 0;
};

}  // namespace ptcp::dpdk
