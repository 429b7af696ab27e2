#include "backends/dpdk/host_node.h"

#include <rte_ethdev.h>

#include <algorithm>
#include <array>
#include <span>
#include <stdexcept>

namespace ptcp::dpdk {

HostNode::HostNode(const transport::HostConfig& cfg, Egress egress, rte_mempool* pool)
    : host_(std::make_unique<transport::Host>(cfg)), egress_(std::move(egress)), pool_(pool) {
  room_ = static_cast<std::uint16_t>(rte_pktmbuf_data_room_size(pool) - RTE_PKTMBUF_HEADROOM);
  if (room_ < host_->max_frame_len()) {
    throw std::invalid_argument("host " + std::to_string(cfg.node_index) + ": mbufs hold " +
                                std::to_string(room_) + " bytes, frames need " +
                                std::to_string(host_->max_frame_len()));
  }
  set_probe_lengths(cfg);
}

void HostNode::set_probe_lengths(const transport::HostConfig& cfg) {
  // What experiment/probe_rtt.h computes: the host's data frame (INT region when its CC uses
  // INT) and the ACK that echoes it. Never more than the mbuf holds.
  probe_out_len_ = std::min<std::size_t>(wire::frame_len(cfg.int_enabled, cfg.payload_bytes), room_);
  probe_back_len_ = std::min<std::size_t>(wire::frame_len(cfg.int_enabled, 0), room_);
}

HostNode::~HostNode() { drain(); }

void HostNode::reset_host(const transport::HostConfig& cfg) {
  host_ = std::make_unique<transport::Host>(cfg);
  set_probe_lengths(cfg);
  wake_ = 0;
}

void HostNode::poll(TimeNs now) {
  now = receive(now);
  if (now >= wake_) transmit(now);
  egress_.flush(now);
}

TimeNs HostNode::receive(TimeNs now) {
  std::array<rte_mbuf*, Egress::kBurst> rx;
  const std::uint16_t n = rte_eth_rx_burst(egress_.port(), egress_.queue(), rx.data(), Egress::kBurst);
  if (n == 0) return now;
  if (rx_clock_ != nullptr) now = std::max(now, rx_clock_->now());
  for (std::uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = rx[i];
    if (m->nb_segs != 1) {
      ++counters_.rx_dropped_multiseg;
      continue;
    }
    if (rx_cksum_offload_ &&
        (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_BAD) {
      ++counters_.rx_dropped_bad_cksum;
      continue;
    }
    const std::span<const std::uint8_t> frame(rte_pktmbuf_mtod(m, const std::uint8_t*), m->data_len);
    if (on_probe) {
      ProbeSeen p;
      if (peek_probe(frame, p)) on_probe(now, p);
    }
    host_->on_frame(now, frame);
  }
  counters_.rx_frames += n;
  rte_pktmbuf_free_bulk(rx.data(), n);
  wake_ = now;  // a frame may have made an ACK or new data due
  return now;
}

void HostNode::transmit(TimeNs now) {
  while (egress_.free(now)) {
    if (spare_ == nullptr) {
      spare_ = rte_pktmbuf_alloc(pool_);
      if (spare_ == nullptr) {
        ++counters_.mbuf_alloc_failures;
        break;
      }
    }
    // mtod + explicit lengths rather than rte_pktmbuf_append: GCC 12 misreads the latter.
    const std::span<std::uint8_t> buf(rte_pktmbuf_mtod(spare_, std::uint8_t*), room_);
    std::size_t len = host_->next_frame(now, buf);
    len = probe_padded_len(buf, len, probe_out_len_, probe_back_len_);
    if (len == 0) {
      egress_.idle_at(now);
      break;
    }
    spare_->data_len = static_cast<std::uint16_t>(len);
    spare_->pkt_len = static_cast<std::uint32_t>(len);
    const TimeNs done = egress_.serialize(now, len);
    if (egress_.send(done, spare_)) {
      ++counters_.tx_frames;
      tx_bytes_ += len;
    } else {
      rte_pktmbuf_free(spare_);
    }
    spare_ = nullptr;
  }
  wake_ = std::max(host_->next_wakeup(), egress_.free_at());
}

TimeNs HostNode::next_event() const {
  return std::min(std::max(host_->next_wakeup(), egress_.free_at()), egress_.next_release());
}

unsigned HostNode::drain() {
  unsigned n = egress_.drain();
  if (spare_ != nullptr) {
    rte_pktmbuf_free(spare_);
    spare_ = nullptr;
    ++n;
  }
  return n;
}

}  // namespace ptcp::dpdk
