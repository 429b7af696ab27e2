#include "backends/dpdk/ring_link.h"

#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <array>

#include "backends/dpdk/eal.h"
#include "backends/dpdk/port.h"

namespace ptcp::dpdk {
namespace {
rte_ring* make_ring(const std::string& name, unsigned depth) {
  // One producer (the sending node's loop) and one consumer (the receiver's): SP/SC is exact.
  rte_ring* r = rte_ring_create(name.c_str(), depth, static_cast<int>(rte_socket_id()),
                                RING_F_SP_ENQ | RING_F_SC_DEQ);
  if (r == nullptr) {
    throw DpdkError("ring link: cannot create ring '" + name + "' of " + std::to_string(depth) +
                    " slots: " + rte_strerror(rte_errno));
  }
  return r;
}
std::uint16_t make_port(const std::string& name, rte_ring* rx, rte_ring* tx) {
  const int id = rte_eth_from_rings(name.c_str(), &rx, 1, &tx, 1, rte_socket_id());
  if (id < 0) {
    throw DpdkError("ring link: rte_eth_from_rings('" + name + "') failed: " +
                    rte_strerror(rte_errno));
  }
  return static_cast<std::uint16_t>(id);
}
}  // namespace

void close_ring_port(std::uint16_t port) {
  std::array<char, RTE_ETH_NAME_MAX_LEN> name{};
  const bool named = rte_eth_dev_get_name_by_port(port, name.data()) == 0;
  close_port(port);
  if (named) rte_vdev_uninit(name.data());
}

RingLink::RingLink(const std::string& name, unsigned depth) : depth_(depth) {
  // rte_ring names are limited to RTE_RING_NAMESIZE (32): keep them short and unique.
  ab_ = make_ring(name + ">", depth);
  ba_ = make_ring(name + "<", depth);
  port_a_ = make_port(name + "a", ba_, ab_);
  port_b_ = make_port(name + "b", ab_, ba_);
}

unsigned RingLink::drain() {
  unsigned n = 0;
  void* obj = nullptr;
  for (rte_ring* r : {ab_, ba_}) {
    while (rte_ring_dequeue(r, &obj) == 0) {
      rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
      ++n;
    }
  }
  return n;
}

RingLink::~RingLink() {
  drain();
  close_ring_port(port_a_);
  close_ring_port(port_b_);
  rte_ring_free(ab_);
  rte_ring_free(ba_);
}

}  // namespace ptcp::dpdk
