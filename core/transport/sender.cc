#include "transport/sender.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ptcp::transport {

SenderFlow::SenderFlow(std::uint32_t flow_id, std::uint64_t size_bytes, const SenderParams& params,
                       std::unique_ptr<cc::CongestionControl> cc)
    : flow_id_(flow_id),
      size_(size_bytes),
      params_(params),
      cc_(std::move(cc)),
      payload_per_wire_(static_cast<double>(params.mss) /
                        static_cast<double>(wire::wire_bytes(
                            wire::frame_len(params.int_enabled, params.mss)))),
      rto_cur_(params.rto) {}

std::uint16_t SenderFlow::segment_len(std::uint64_t seq) const {
  return static_cast<std::uint16_t>(std::min<std::uint64_t>(params_.mss, size_ - seq));
}

bool SenderFlow::window_allows() const {
  const std::uint64_t in_flight = snd_nxt_ - snd_una_;
  if (in_flight == 0) return true;
  return static_cast<double>(in_flight + segment_len(snd_nxt_)) <= payload_window();
}

Emission SenderFlow::emit(TimeNs now) {
  Emission e;
  e.seq = snd_nxt_;
  e.len = segment_len(snd_nxt_);  // 0 for the end marker
  if (e.seq + e.len == size_) e.flags |= wire::flags::kLast;
  const bool marker = e.len == 0;
  if (e.seq < snd_max_ || (marker && marker_sent_)) {
    e.flags |= wire::flags::kRetransmit;
    ++retransmits_;
  }
  if (marker) marker_out_ = marker_sent_ = true;
  snd_nxt_ += e.len;
  snd_max_ = std::max(snd_max_, snd_nxt_);
  if (start_ == kNever) start_ = now;
  if (rto_deadline_ == kNever) rto_deadline_ = now + rto_cur_;

  // Departures are spaced by this frame's bytes on the wire over the pacing rate.
  const double rate = cc_->pacing_rate();
  if (rate > 0) {
    const double wire = static_cast<double>(
        wire::wire_bytes(wire::frame_len(params_.int_enabled, e.len)));
    // Capped at 1 s so a CC reporting an absurdly small rate cannot overflow the clock.
    const TimeNs from =
        params_.pacing_slack > 0 ? std::max(pace_next_, now - params_.pacing_slack) : now;
    pace_next_ = from + static_cast<TimeNs>(std::min(std::ceil(wire * 1e9 / rate), 1e9));
  } else {
    pace_next_ = now;
  }
  cc_->on_send(now, e.seq, e.len);
  return e;
}

bool SenderFlow::stop(TimeNs now) {
  if (stopped_ || complete()) return false;
  stopped_ = true;
  if (snd_max_ >= size_) return false;  // the last segment (kLast) is already out
  size_ = snd_max_;
  if (size_ == 0) {  // nothing sent: done, nothing to tell the receiver
    start_ = end_ = now;
    rto_deadline_ = kNever;
    return true;
  }
  end_marker_ = true;
  return false;
}

bool SenderFlow::on_ack(TimeNs now, const wire::Segment& seg, bool ecn_echo) {
  if (complete()) return false;
  // An ACK beyond anything sent is bogus (a corrupted or foreign packet that passed checks).
  if (seg.ack > snd_max_) return false;
  const bool is_nack = seg.type == wire::PacketType::kNack;

  std::uint64_t acked = 0;
  if (seg.ack > snd_una_) {
    acked = seg.ack - snd_una_;
    snd_una_ = seg.ack;
    snd_nxt_ = std::max(snd_nxt_, snd_una_);
    dupacks_ = 0;
    rto_cur_ = params_.rto;
    if (in_recovery_ && snd_una_ >= recover_) in_recovery_ = false;
  } else if (!is_nack && seg.ack == snd_una_ && snd_una_ < snd_max_) {
    ++dupacks_;
  }
  // The receiver answers the end marker (the only segment with seq == size) with an ACK of
  // everything: the flow's end is confirmed.
  if (!is_nack && marker_out_ && seg.seq == size_ && seg.ack == size_) {
    marker_acked_ = true;
  }
  if (acked > 0 || marker_acked_) rto_deadline_ = outstanding() ? now + rto_cur_ : kNever;

  if (!is_nack) {
    cc::AckEvent ev;
    ev.now = now;
    ev.bytes_acked = acked;
    ev.snd_una = snd_una_;
    ev.snd_nxt = snd_nxt_;
    if (seg.ts_ns <= static_cast<std::uint64_t>(now)) {
      ev.rtt = now - static_cast<TimeNs>(seg.ts_ns);
      last_rtt_ = ev.rtt;
    }
    ev.int_stack = (seg.flags & wire::flags::kHasInt) != 0 ? &seg.int_stack : nullptr;
    ev.ecn_echo = ecn_echo;
    cc_->on_ack(ev);
  }

  if (complete()) {
    end_ = now;
    rto_deadline_ = kNever;
    return true;
  }
  // The receiver's tail-loss NACK (seq == ack) is a hint: no go-back when nothing is missing
  // (the flow is only slow), nor while ACKs still came within two RTTs (what is outstanding
  // may just be queued). A hole NACK (seq > ack) acts at once.
  bool go = is_nack && outstanding();
  if (go && seg.seq == seg.ack) {
    const TimeNs rtt = last_rtt_ > 0 ? last_rtt_ : params_.base_rtt;
    if (last_ack_time_ != kNever && now - last_ack_time_ < 2 * rtt) go = false;
  }
  if (!is_nack) last_ack_time_ = now;
  if (go || dupacks_ == params_.dupack_threshold) go_back(now, false);
  return false;
}

void SenderFlow::go_back(TimeNs now, bool from_timeout) {
  if (!from_timeout) {
    const TimeNs rtt = last_rtt_ > 0 ? last_rtt_ : params_.base_rtt;
    if (last_goback_time_ != kNever && snd_una_ == last_goback_seq_ &&
        now - last_goback_time_ < rtt) {
      return;
    }
  }
  last_goback_seq_ = snd_una_;
  last_goback_time_ = now;
  snd_nxt_ = snd_una_;
  if (!marker_acked_) marker_out_ = false;  // the end marker follows the resent data again
  dupacks_ = 0;
  if (!in_recovery_) {
    in_recovery_ = true;
    recover_ = snd_max_;
    ++loss_episodes_;
    if (!from_timeout) cc_->on_loss(cc::LossEvent{now, snd_una_, snd_max_});
  }
}

TimeNs SenderFlow::next_deadline() const { return std::min(rto_deadline_, cc_->next_timer()); }

void SenderFlow::on_timer(TimeNs now) {
  if (cc_->next_timer() <= now) cc_->on_timer(now);
  if (rto_deadline_ <= now) {
    ++timeouts_;
    rto_cur_ = std::min(rto_cur_ * 2, params_.rto_max);
    rto_deadline_ = kNever;  // re-armed by the retransmission, with the backed-off value
    cc_->on_timeout(now);
    in_recovery_ = false;    // a timeout starts a new episode whatever came before
    go_back(now, true);
    pace_next_ = std::min(pace_next_, now);
  }
}

}  // namespace ptcp::transport
