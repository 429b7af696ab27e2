// A virtual cable inside one process: two rte_rings (one per direction) wrapped as two ethdev
// ports with rte_eth_from_rings. A frame sent on one end is received on the other, by pointer
// (no copy), so a whole topology lives in one process on real DPDK ports.
#pragma once

#include <cstdint>
#include <string>

struct rte_ring;

namespace ptcp::dpdk {

// Stops, closes and unregisters a device made by rte_eth_from_rings. Closing alone leaves its
// vdev on the bus, so a later device of the same name (a second testbed in the process) would
// be refused.
void close_ring_port(std::uint16_t port);

class RingLink {
 public:
  // `name` must be unique among the live links of the process (it names the rings and the two
  // devices; a destroyed link's name may be used again);
  // `depth` is each direction's ring size (power of two).
  RingLink(const std::string& name, unsigned depth);
  ~RingLink();  // closes and unregisters both ports, frees the rings (drained of mbufs first)
  RingLink(const RingLink&) = delete;
  RingLink& operator=(const RingLink&) = delete;

  std::uint16_t port_a() const { return port_a_; }
  std::uint16_t port_b() const { return port_b_; }
  // Frees mbufs still in flight on the rings; returns how many.
  unsigned drain();
  unsigned depth() const { return depth_; }

 private:
  rte_ring* ab_ = nullptr;  // a transmits, b receives
  rte_ring* ba_ = nullptr;
  std::uint16_t port_a_ = 0, port_b_ = 0;
  unsigned depth_ = 0;
};

}  // namespace ptcp::dpdk
