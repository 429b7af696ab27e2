// Prefetches for the per-frame path. Frames cross lcores by pointer (ring pairs) or arrive by
// DMA, so the first touch of each line is a miss; starting the next frame's loads while the
// core works on the current one overlaps them with that work.
#pragma once

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include <cstddef>
#include <cstdint>

namespace ptcp::dpdk {

inline constexpr std::size_t kCacheLine = 64;

// Every line of a received frame: the core reads them all (headers, INT region, and the whole
// payload for the transport checksum).
inline void prefetch_frame(const rte_mbuf* m) {
  const auto* p = rte_pktmbuf_mtod(m, const std::uint8_t*);
  const std::uint8_t* end = p + m->data_len;
  for (p = RTE_PTR_ALIGN_FLOOR(p, kCacheLine); p < end; p += kCacheLine) rte_prefetch0(p);
}

}  // namespace ptcp::dpdk
