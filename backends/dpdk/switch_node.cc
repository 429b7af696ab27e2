#include "backends/dpdk/switch_node.h"

#include <rte_ethdev.h>

#include <array>
#include <span>
#include <stdexcept>

namespace ptcp::dpdk {
namespace {
rte_mbuf* as_mbuf(sw::Handle h) { return reinterpret_cast<rte_mbuf*>(h); }
sw::Handle as_handle(rte_mbuf* m) { return reinterpret_cast<sw::Handle>(m); }
}  // namespace

SwitchNode::SwitchNode(sw::SwitchConfig cfg, std::vector<Egress> egress, rte_mempool* pool)
    : sw_(std::move(cfg)), egress_(std::move(egress)), pool_(pool) {
  if (egress_.size() != sw_.port_count()) {
    throw std::invalid_argument("switch " + std::to_string(sw_.config().node_index) + ": " +
                                std::to_string(egress_.size()) + " links for " +
                                std::to_string(sw_.port_count()) + " ports");
  }
  next_dep_.assign(egress_.size(), 0);
}

SwitchNode::~SwitchNode() { drain(); }

void SwitchNode::poll(TimeNs now) {
  const auto nports = static_cast<sw::PortId>(egress_.size());
  for (sw::PortId p = 0; p < nports; ++p) {
    std::array<rte_mbuf*, Egress::kBurst> rx;
    const std::uint16_t n = rte_eth_rx_burst(egress_[p].port(), egress_[p].queue(), rx.data(), Egress::kBurst);
    counters_.rx_frames += n;
    if (n != 0 && rx_clock_ != nullptr) now = std::max(now, rx_clock_->now());
    for (std::uint16_t i = 0; i < n; ++i) {
      rte_mbuf* m = rx[i];
      if (m->nb_segs != 1) {
        ++counters_.rx_dropped_multiseg;
        rte_pktmbuf_free(m);
        continue;
      }
      if (on_probe) {
        ProbeSeen seen;
        if (peek_probe(std::span<const std::uint8_t>(rte_pktmbuf_mtod(m, const std::uint8_t*), m->data_len), seen)) {
          on_probe(now, seen);
        }
      }
      const sw::RxResult r = sw_.receive(
          now, p, std::span<std::uint8_t>(rte_pktmbuf_mtod(m, std::uint8_t*), m->data_len),
          as_handle(m));
      ++counters_.rx_by_result[static_cast<int>(r)];
      if (r != sw::RxResult::kEnqueued) rte_pktmbuf_free(m);
    }
    // Arrivals (enqueues, PAUSE frames, PFC decisions) can move any port's departure time.
    if (n != 0) {
      for (sw::PortId q = 0; q < nports; ++q) next_dep_[q] = 0;
    }
  }
  const std::uint64_t used = sw_.buffer_used();
  if (used > counters_.max_buffer_used) counters_.max_buffer_used = used;
  for (sw::PortId p = 0; p < nports; ++p) {
    if (next_dep_[p] <= now) transmit_port(p, now);
    egress_[p].flush(now);
  }
}

void SwitchNode::transmit_port(sw::PortId p, TimeNs now) {
  Egress& eg = egress_[p];
  // Bounded: the core paces each port, so only a few frames can be due in one iteration.
  for (int guard = 0; guard < 64; ++guard) {
    if (sw_.next_departure(p) > now) break;
    if (pfc_spare_ == nullptr) pfc_spare_ = rte_pktmbuf_alloc(pool_);
    rte_mbuf* pfc = pfc_spare_;
    if (pfc == nullptr) {
      ++counters_.mbuf_alloc_failures;
      break;
    }
    const std::size_t pfc_len = sw_.next_pfc_frame(
        p, now,
        std::span<std::uint8_t>(rte_pktmbuf_mtod(pfc, std::uint8_t*),
                                rte_pktmbuf_tailroom(pfc)));
    if (pfc_len > 0) {
      pfc->data_len = static_cast<std::uint16_t>(pfc_len);
      pfc->pkt_len = static_cast<std::uint32_t>(pfc_len);
      const TimeNs done = now + serialization_ns(wire::wire_bytes(pfc_len), eg.rate());
      pfc_spare_ = nullptr;
      if (eg.send(done, pfc)) {
        ++counters_.pfc_frames_sent;
      } else {
        rte_pktmbuf_free(pfc);
      }
      continue;
    }
    const auto d = sw_.dequeue(p, now);
    if (!d) break;
    rte_mbuf* m = as_mbuf(d->handle);
    m->data_len = static_cast<std::uint16_t>(d->len);
    m->pkt_len = d->len;
    if (eg.send(d->done, m)) {
      ++counters_.tx_frames;
    } else {
      rte_pktmbuf_free(m);
    }
  }
  next_dep_[p] = sw_.next_departure(p);
}

unsigned SwitchNode::drain() {
  unsigned n = 0;
  // Hand out everything still queued: far in the future every port is free and unpaused.
  const TimeNs late = kNever / 2;
  for (sw::PortId p = 0; p < egress_.size(); ++p) {
    for (TimeNs t = late;; t += 1'000'000'000) {
      const auto d = sw_.dequeue(p, t);
      if (!d) break;
      rte_pktmbuf_free(as_mbuf(d->handle));
      ++n;
    }
    n += egress_[p].drain();
  }
  if (pfc_spare_ != nullptr) {
    rte_pktmbuf_free(pfc_spare_);
    pfc_spare_ = nullptr;
    ++n;
  }
  return n;
}

}  // namespace ptcp::dpdk
