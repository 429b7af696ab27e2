#include "backends/dpdk/host_node.h"

#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <array>
#include <span>
#include <stdexcept>

#include "backends/dpdk/frame_prefetch.h"
#include "backends/dpdk/mbuf_reset.h"
#include "wire/format.h"

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

bool HostNode::poll(TimeNs now) {
  bool got = false;
  now = receive(now, got);
  return send_due(now) || got;
}

bool HostNode::send_due(TimeNs now) {
  const bool wrote = now >= wake_ && transmit(now);
  return egress_.flush(now) != 0 || wrote;
}

TimeNs HostNode::receive(TimeNs now, bool& got) {
  std::array<rte_mbuf*, Egress::kBurst> rx;
  const std::uint16_t n = rte_eth_rx_burst(egress_.port(), egress_.queue(), rx.data(), Egress::kBurst);
  if (n == 0) return now;
  got = true;
  if (rx_clock_ != nullptr) now = std::max(now, rx_clock_->now());
  // What these frames trigger (ACKs, probe replies, data a window opened) did not exist before
  // now; only what was already due at wake_ may catch up to it. Without this, a reply read
  // after the link's last frame could start back at that frame's end, before its trigger
  // arrived (probe RTTs read short across processes).
  egress_.not_before(std::min(wake_, now));
  // The mbufs come from the other end's lcore (or the NIC): start every header's cache miss
  // at once rather than one per frame, then each frame's lines one frame ahead (the core
  // reads every byte: a data frame's payload for its checksum).
  for (std::uint16_t i = 0; i < n; ++i) rte_prefetch0(rx[i]);
  prefetch_frame(rx[0]);
  for (std::uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = rx[i];
    if (i + 1 < n) prefetch_frame(rx[i + 1]);
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
  ++counters_.rx_bursts;
  rte_pktmbuf_free_bulk(rx.data(), n);
  wake_ = now;  // a frame may have made an ACK or new data due
  return now;
}

rte_mbuf* HostNode::take_mbuf() {
  if (stock_next_ == stock_end_) {
    stock_next_ = stock_end_ = 0;
    if (rte_mempool_get_bulk(pool_, reinterpret_cast<void**>(stock_.data()), Egress::kBurst) == 0) {
      stock_end_ = Egress::kBurst;
    } else {
      // Fewer than a burst left in the pool: one at a time, as long as there are any.
      if (rte_mempool_get(pool_, reinterpret_cast<void**>(stock_.data())) != 0) return nullptr;
      stock_end_ = 1;
    }
    // reset_for_tx writes each header line: start all 32 transfers before the first store.
    // (Prefetching the next frame's data lines for write as well was measured slower, 101 vs
    // 94 ns per packet on the host bench: the sender's own payload lines are still in its cache.)
    for (unsigned i = 0; i < stock_end_; ++i) __builtin_prefetch(stock_[i], 1, 3);
    for (unsigned i = 0; i < stock_end_; ++i) reset_for_tx(stock_[i]);
  }
  return stock_[stock_next_];  // consumed (stock_next_ advanced) only once it is sent
}

bool HostNode::transmit(TimeNs now) {
  bool wrote = false;
  while (egress_.free(now)) {
    rte_mbuf* m = take_mbuf();
    if (m == nullptr) {
      ++counters_.mbuf_alloc_failures;
      break;
    }
    // mtod + explicit lengths rather than rte_pktmbuf_append: GCC 12 misreads the latter.
    const std::span<std::uint8_t> buf(rte_pktmbuf_mtod(m, std::uint8_t*), room_);
    std::size_t len = host_->next_frame(now, buf);
    len = probe_padded_len(buf, len, probe_out_len_, probe_back_len_);
    if (len == 0) {
      egress_.idle_at(now);
      break;  // m stays in stock, untouched by the core (it wrote nothing)
    }
    ++stock_next_;
    wrote = true;
    m->data_len = static_cast<std::uint16_t>(len);
    m->pkt_len = static_cast<std::uint32_t>(len);
    const TimeNs done = egress_.serialize(now, len);
    if (egress_.send(done, m)) {
      ++counters_.tx_frames;
      tx_wire_bytes_ += wire::wire_bytes(len);
    } else {
      rte_pktmbuf_free(m);
    }
  }
  wake_ = std::max(host_->next_wakeup(), egress_.free_at());
  return wrote;
}

TimeNs HostNode::next_event() const {
  return std::min(std::max(host_->next_wakeup(), egress_.free_at()), egress_.next_release());
}

unsigned HostNode::drain() {
  unsigned n = egress_.drain();
  for (; stock_next_ < stock_end_; ++stock_next_, ++n) rte_pktmbuf_free(stock_[stock_next_]);
  stock_next_ = stock_end_ = 0;
  return n;
}

}  // namespace ptcp::dpdk
