#include "backends/dpdk/ring_fabric.h"

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <algorithm>

#include "backends/dpdk/eal.h"
#include "backends/dpdk/port.h"
#include "backends/dpdk/ring_link.h"

namespace ptcp::dpdk {

RingFabric::RingFabric(const std::string& prefix, unsigned links, unsigned depth) {
  rings_.reserve(2 * links);
  try {
    for (unsigned i = 0; i < 2 * links; ++i) {
      const std::string name = prefix + std::to_string(i / 2) + (i % 2 == 0 ? ">" : "<");
      rte_ring* r = rte_ring_create(name.c_str(), depth, static_cast<int>(rte_socket_id()),
                                    RING_F_SP_ENQ | RING_F_SC_DEQ);
      if (r == nullptr) {
        throw DpdkError("ring fabric: cannot create ring '" + name + "' of " +
                        std::to_string(depth) + " slots: " + rte_strerror(rte_errno));
      }
      rings_.push_back(r);
    }
    // End e of link i: end a (e = 2i) sends on ring 2i and receives on ring 2i+1; end b the
    // opposite. Ends fill devices kQueuesPerDevice at a time.
    const unsigned n_ends = 2 * links;
    ends_.resize(n_ends);
    for (unsigned first = 0; first < n_ends; first += kQueuesPerDevice) {
      const unsigned n = std::min(kQueuesPerDevice, n_ends - first);
      std::vector<rte_ring*> rx(n), tx(n);
      for (unsigned k = 0; k < n; ++k) {
        const unsigned e = first + k;
        const unsigned link = e / 2;
        const bool is_a = e % 2 == 0;
        tx[k] = rings_[2 * link + (is_a ? 0 : 1)];
        rx[k] = rings_[2 * link + (is_a ? 1 : 0)];
      }
      const std::string dev = prefix + "d" + std::to_string(devices_.size());
      const int id = rte_eth_from_rings(dev.c_str(), rx.data(), n, tx.data(), n, rte_socket_id());
      if (id < 0) {
        throw DpdkError("ring fabric: cannot create device '" + dev + "' (" +
                        rte_strerror(rte_errno) + "); this DPDK allows " +
                        std::to_string(RTE_MAX_ETHPORTS) + " ports of " +
                        std::to_string(kQueuesPerDevice) + " link ends each, i.e. " +
                        std::to_string(RTE_MAX_ETHPORTS * kQueuesPerDevice / 2) +
                        " links per process (the topology has " + std::to_string(links) + ")");
      }
      for (unsigned k = 0; k < n; ++k) {
        ends_[first + k] = QueueRef{static_cast<std::uint16_t>(id), static_cast<std::uint16_t>(k)};
      }
      devices_.push_back(static_cast<std::uint16_t>(id));
      queues_.push_back(static_cast<std::uint16_t>(n));
    }
  } catch (...) {
    release();
    throw;
  }
}

unsigned RingFabric::drain() {
  unsigned n = 0;
  void* obj = nullptr;
  for (rte_ring* r : rings_) {
    while (rte_ring_dequeue(r, &obj) == 0) {
      rte_pktmbuf_free(static_cast<rte_mbuf*>(obj));
      ++n;
    }
  }
  return n;
}

RingFabric::~RingFabric() {
  drain();
  release();
}

void RingFabric::release() {
  for (std::uint16_t d : devices_) close_ring_port(d);
  devices_.clear();
  for (rte_ring* r : rings_) rte_ring_free(r);
  rings_.clear();
}

}  // namespace ptcp::dpdk
