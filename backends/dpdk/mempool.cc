#include "backends/dpdk/mempool.h"

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <algorithm>

#include "backends/dpdk/eal.h"
#include "wire/format.h"

namespace ptcp::dpdk {

std::uint32_t mbuf_count(const PoolNeeds& n) {
  std::uint64_t total = 0;
  total += static_cast<std::uint64_t>(n.ports) * (n.rx_desc + n.tx_desc + n.burst);
  total += n.ring_slots;
  total += n.switch_buffer_bytes / kAssumedMinBufferedFrame;
  total += n.in_flight_frames;
  total += static_cast<std::uint64_t>(n.hosts) * (n.burst + 1);
  total += static_cast<std::uint64_t>(n.lcores) * (n.cache + n.burst);
  total += 1024;  // PFC frames, probes, slack
  std::uint64_t pow2 = 1;
  while (pow2 - 1 < total) pow2 <<= 1;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(pow2 - 1, UINT32_MAX));
}

std::uint16_t data_room_for_mtu(std::uint32_t mtu) {
  const std::uint32_t need = RTE_PKTMBUF_HEADROOM + mtu + static_cast<std::uint32_t>(wire::kEthLen);
  return static_cast<std::uint16_t>(std::max<std::uint32_t>(RTE_MBUF_DEFAULT_BUF_SIZE, need));
}

MbufPool::MbufPool(const std::string& name, std::uint32_t n, std::uint16_t data_room, int socket,
                   std::uint32_t cache)
    : n_(n) {
  cache = std::min<std::uint32_t>(cache, RTE_MEMPOOL_CACHE_MAX_SIZE);
  if (cache > n / 2) cache = 0;  // tiny pools (tests): caches would hide most mbufs
  mp_ = rte_pktmbuf_pool_create(name.c_str(), n, cache, 0, data_room,
                                socket < 0 ? static_cast<int>(rte_socket_id()) : socket);
  if (mp_ == nullptr) {
    throw DpdkError("mempool '" + name + "': cannot create " + std::to_string(n) +
                    " mbufs of " + std::to_string(data_room) + " bytes (" +
                    rte_strerror(rte_errno) + "); raise EAL -m or lower the experiment's size");
  }
}

MbufPool::~MbufPool() { rte_mempool_free(mp_); }

std::uint32_t MbufPool::available() const { return rte_mempool_avail_count(mp_); }
std::uint32_t MbufPool::in_use() const { return rte_mempool_in_use_count(mp_); }

}  // namespace ptcp::dpdk
