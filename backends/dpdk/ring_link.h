// A virtual cable inside one process: two rte_rings (one per direction) wrapped as two ethdev
// ports with rte_eth_from_rings. A frame sent on one end is received on the other, by pointer
// (no copy), so a whole topology lives in one process on real DPDK ports.
#pragma once

#include <cstdint>
#include <string>

struct rte_ring;

namespace ptcp::dpdk {

class RingLink {
 public:
  // `name` must be unique in the process (it names the rings and the two devices);
  // `depth` is each direction's ring size (power of two).
  RingLink(const std::string& name, unsigned depth);
  ~RingLink();  // closes both ports and frees the rings (drained of mbufs first: see drain())
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
