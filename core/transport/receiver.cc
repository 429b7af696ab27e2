#include "transport/receiver.h"

#include <algorithm>

#include "transport/payload.h"

namespace ptcp::transport {

TimeNs ReceiverFlow::quiet_deadline() const {
  if (params_.quiet_nack <= 0 || complete_ || last_arrival_ == kNever ||
      quiet_nacks_ >= kMaxQuietNacks) {
    return kNever;
  }
  const TimeNs base =
      std::max(params_.quiet_nack + 2 * queueing_, static_cast<TimeNs>(4 * gap_ewma_ns_));
  // Backoff: the n-th NACK of one silence comes 1 + 2 + ... + 2^(n-1) base intervals after it.
  return last_arrival_ + base * ((TimeNs{1} << (quiet_nacks_ + 1)) - 1);
}

RxReply ReceiverFlow::on_data(TimeNs now, const wire::Segment& seg, const std::uint8_t* payload,
                              bool ce) {
  return accept(now, seg, payload, 0, ce);
}

RxReply ReceiverFlow::on_data_verified(TimeNs now, const wire::Segment& seg,
                                       std::uint64_t payload_errors, bool ce) {
  return accept(now, seg, nullptr, payload_errors, ce);
}

RxReply ReceiverFlow::accept(TimeNs now, const wire::Segment& seg, const std::uint8_t* payload,
                             std::uint64_t precounted, bool ce) {
  RxReply r;
  if (last_arrival_ != kNever && now > last_arrival_) {
    gap_ewma_ns_ += (static_cast<double>(now - last_arrival_) - gap_ewma_ns_) / 8.0;
  }
  last_arrival_ = now;
  last_ts_ = seg.ts_ns;
  quiet_nacks_ = 0;
  // Wrapping arithmetic: the sender's clock may be offset from ours; only differences count.
  const auto transit = static_cast<TimeNs>(static_cast<std::uint64_t>(now) - seg.ts_ns);
  if (!have_transit_ || transit < min_transit_) {
    min_transit_ = transit;
    have_transit_ = true;
  }
  queueing_ = std::min<TimeNs>(transit - min_transit_, kNsPerSec);  // a garbled ts: bounded
  if (ce && params_.cnp_interval > 0 && (!cnp_sent_ || now - last_cnp_ >= params_.cnp_interval)) {
    r.cnp = true;
    cnp_sent_ = true;
    last_cnp_ = now;
  }
  const std::uint64_t end = seg.seq + seg.payload_len;

  if (seg.seq == rcv_nxt_ && !complete_) {
    if (params_.verify_payload) {
      r.payload_errors = payload != nullptr
                             ? verify_payload(flow_id_, seg.seq, payload, seg.payload_len)
                             : precounted;
      payload_errors_ += r.payload_errors;
    }
    rcv_nxt_ = end;
    r.delivered = seg.payload_len;
    ce_pending_ = ce_pending_ || ce;
    const bool last = (seg.flags & wire::flags::kLast) != 0;
    if (last) {
      complete_ = true;
      r.completed = true;
    }
    if (++unacked_packets_ >= params_.ack_every || last) {
      r.ack = true;
      r.ecn_echo = ce_pending_;
      unacked_packets_ = 0;
      ce_pending_ = false;
    }
    return r;
  }

  if (end <= rcv_nxt_) {
    // Everything here was delivered before (a duplicate, or a go-back resend that crossed our
    // ACK): acknowledge at once so a sender whose ACKs were lost learns where we are.
    r.duplicate = true;
    r.ack = true;
    r.ecn_echo = ce;
    return r;
  }

  // A hole before this packet (or a segment straddling rcv_nxt, which go-back-N never makes):
  // drop it. NACK the hole once, and again only after nack_interval.
  if (seg.seq > rcv_nxt_ &&
      (nacked_hole_ != rcv_nxt_ || now - last_nack_ >= params_.nack_interval)) {
    nacked_hole_ = rcv_nxt_;
    last_nack_ = now;
    r.nack = true;
  } else {
    r.ack = true;
  }
  r.ecn_echo = ce;
  return r;
}

}  // namespace ptcp::transport
