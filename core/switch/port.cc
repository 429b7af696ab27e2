#include "switch/port.h"

#include <stdexcept>

#include "wire/format.h"

namespace ptcp::sw {
namespace {
constexpr Int128 kOneNs = Int128{1} << 32;
}

void PacketRing::grow() {
  const std::size_t cap = slots_ ? std::size_t{mask_} + 1 : 0;
  const std::size_t n = cap == 0 ? 64 : cap * 2;
  if (n > (std::size_t{1} << 31)) throw std::length_error("PacketRing: more than 2^31 packets");
  auto next = std::make_unique<QueuedPacket[]>(n);
  const std::size_t count = size();
  for (std::size_t i = 0; i < count; ++i) next[i] = slots_[(head_ + i) & mask_];
  slots_ = std::move(next);
  mask_ = static_cast<std::uint32_t>(n - 1);
  head_ = 0;
  tail_ = static_cast<std::uint32_t>(count);
}

EgressPort::EgressPort(const PortConfig& cfg)
    : // Rounded down (a frame ends at most ~1e-7 ns early: never a whole ns early, and the
      // next whole ns is never late); precomputed so packets multiply instead of divide.
      ns_per_byte_q32_(static_cast<std::uint64_t>((Uint128{8'000'000'000u} << 32) / cfg.rate)),
      ecn_(cfg.ecn),
      rate_mbps_(static_cast<std::uint32_t>(cfg.rate / 1'000'000)),
      paced_(cfg.paced),
      cfg_(cfg) {}

void EgressPort::enqueue_data(const QueuedPacket& p) {
  data_.push(p);
  data_bytes_ += p.len;
  ++counters.enqueued;
}

void EgressPort::enqueue_control(const QueuedPacket& p) {
  control_.push(p);
  control_bytes_ += p.len;
  ++counters.enqueued;
}

TimeNs EgressPort::link_free_at() const {
  if (!paced_) return 0;
  return static_cast<TimeNs>((free_at_q32_ + kOneNs - 1) >> 32);
}

bool EgressPort::link_free(TimeNs now) const { return now >= link_free_at(); }

TimeNs EgressPort::occupy_link(TimeNs now, std::size_t len) {
  const std::size_t wire_len = wire::wire_bytes(len);
  const Int128 now_q = Int128{now} << 32;
  // Called within a nanosecond after the previous frame ended: start exactly when it ended,
  // so a busy link runs at its exact rate. Called later: the link sat idle until now.
  const Int128 start = now_q - free_at_q32_ < kOneNs ? free_at_q32_ : now_q;
  free_at_q32_ = start + static_cast<Int128>(Uint128{wire_len} * ns_per_byte_q32_);
  counters.tx_wire_bytes += wire_len;
  if (!paced_) return now;
  return static_cast<TimeNs>((free_at_q32_ + kOneNs - 1) >> 32);
}

bool EgressPort::pop(TimeNs now, QueuedPacket& out, bool int_enabled) {
  if (!control_.empty()) {
    out = control_.pop();
    control_bytes_ -= out.len;
  } else if (!data_.empty() && !data_paused(now)) {
    out = data_.pop();
    data_bytes_ -= out.len;
    if (out.stamp_int && int_enabled) {
      // tx_bytes counts wire bytes (preamble, FCS and gap included) including this packet, so
      // a busy port's tx rate equals its link rate, as the sender's formulas assume.
      const wire::IntHop hop{
          static_cast<std::uint32_t>(queue_bytes()),
          static_cast<std::uint32_t>(counters.tx_wire_bytes + wire::wire_bytes(out.len)),
          static_cast<std::uint32_t>(now), rate_mbps_};
      if (wire::push_int_hop({out.data, out.len}, hop) == wire::IntPush::kFull) {
        ++counters.int_full;
      }
    }
  } else {
    return false;
  }
  ++counters.dequeued;
  counters.tx_bytes += out.len;
  return true;
}

TimeNs EgressPort::next_eligible() const {
  if (!control_.empty()) return 0;
  if (!data_.empty()) return paused_until_;
  return kNever;
}

void EgressPort::pause(TimeNs now, std::uint16_t quanta) {
  if (quanta == 0) {
    paused_until_ = 0;
    return;
  }
  paused_until_ = now + pfc_pause_duration(quanta, cfg_.rate);
  ++counters.paused;
}

}  // namespace ptcp::sw
