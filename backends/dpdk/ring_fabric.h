// Many virtual cables in one process. Debian's DPDK allows 32 ethdev ports (RTE_MAX_ETHPORTS),
// so a topology cannot have a device per link end; instead each link end is one queue pair of
// a net_ring device (up to 16 per device), and a node's port is (device, queue). Each link
// direction is one SP/SC rte_ring: the sender's TX queue and the receiver's RX queue.
// 32 devices x 16 queues = 512 link ends = 256 links per process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct rte_ring;

namespace ptcp::dpdk {

struct QueueRef {
  std::uint16_t port = 0;
  std::uint16_t queue = 0;
};

class RingFabric {
 public:
  static constexpr unsigned kQueuesPerDevice = 16;  // net_ring's RTE_PMD_RING_MAX_*_RINGS

  // `links` cables; ends are packed onto devices in order (link i: ends 2i and 2i+1).
  // Throws DpdkError when the process runs out of ethdev ports.
  RingFabric(const std::string& prefix, unsigned links, unsigned depth);
  ~RingFabric();  // drains, closes and unregisters the devices, frees the rings
  RingFabric(const RingFabric&) = delete;
  RingFabric& operator=(const RingFabric&) = delete;

  QueueRef end_a(unsigned link) const { return ends_[2 * link]; }
  QueueRef end_b(unsigned link) const { return ends_[2 * link + 1]; }
  // The devices and how many queue pairs each has (to pass to setup_port).
  const std::vector<std::uint16_t>& devices() const { return devices_; }
  std::uint16_t queues(std::size_t device) const { return queues_[device]; }
  unsigned drain();  // frees mbufs left in the rings; returns how many

 private:
  void release();  // closes and unregisters the devices, frees the rings

  std::vector<rte_ring*> rings_;  // link i: [2i] a->b, [2i+1] b->a
  std::vector<QueueRef> ends_;
  std::vector<std::uint16_t> devices_;
  std::vector<std::uint16_t> queues_;
};

}  // namespace ptcp::dpdk
