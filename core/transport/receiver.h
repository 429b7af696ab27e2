// One flow's receiving side: in-order delivery only (out-of-order packets are dropped, the
// sender goes back N), payload verification, and the decision of what to answer: an ACK
// (every `ack_every` in-order packets, at once for the last segment, for duplicates and for
// out-of-order packets), a NACK (once per hole, again only after `nack_interval`, so a burst of
// out-of-order arrivals does not become a NACK storm) and DCQCN's CNP (at most one per
// `cnp_interval` while CE-marked packets arrive).
#pragma once

#include <cstdint>

#include "common/units.h"
#include "wire/format.h"

namespace ptcp::transport {

struct ReceiverParams {
  std::uint32_t ack_every = 1;
  TimeNs nack_interval = 10 * kNsPerUs;
  TimeNs cnp_interval = 0;  // 0: never send CNPs
  bool verify_payload = true;
  // Tail-loss timer: an unfinished flow silent for max(quiet_nack + 2 x its current queueing
  // delay, 4 x its mean inter-arrival gap) gets a NACK at rcv_nxt with seq == ack (then again
  // after 2x, 4x ... that, kMaxQuietNacks times, until data arrives). The queueing delay is the
  // one-way transit (now - the sender's timestamp) above the flow's minimum, so clock offsets
  // cancel: behind a deep queue a window-limited flow is legitimately silent for that long. It covers losses no later packet reveals, while the flow is unfinished here:
  // lost last segments or end marker, a lost NACK or retransmission at the tail, lost ACKs
  // before the end. Left to the sender's RTO: a flow none of whose packets arrived, and a lost
  // ACK of the last segment (this side has finished). 0 disables it.
  TimeNs quiet_nack = 0;
};

inline constexpr std::uint32_t kMaxQuietNacks = 6;

// What to send back for one data packet. ACK and NACK are exclusive; a CNP may come with either.
struct RxReply {
  bool ack = false;
  bool nack = false;
  bool cnp = false;
  bool ecn_echo = false;       // the ACK covers a CE-marked packet
  bool completed = false;      // this packet completed the flow
  bool duplicate = false;      // every byte was delivered before
  std::uint64_t delivered = 0; // new in-order bytes
  std::uint64_t payload_errors = 0;
};

class ReceiverFlow {
 public:
  ReceiverFlow(std::uint32_t flow_id, const ReceiverParams& params)
      : flow_id_(flow_id), params_(params) {}

  // `payload` points at seg.payload_len bytes; `ce` is the IPv4 ECN field == CE.
  RxReply on_data(TimeNs now, const wire::Segment& seg, const std::uint8_t* payload, bool ce);
  // on_data() for a caller that already compared these exact bytes (flow seg.flow_id, offset
  // seg.seq, seg.payload_len bytes) with the flow's content in its checksum pass (the host
  // does, payload.h): `payload_errors` is that count, taken only if the bytes are delivered.
  // With verify_payload off it is ignored.
  RxReply on_data_verified(TimeNs now, const wire::Segment& seg, std::uint64_t payload_errors,
                           bool ce);

  // When the tail-loss timer fires (kNever: finished, disabled, or given up).
  TimeNs quiet_deadline() const;
  // The timer fired at `now` (>= quiet_deadline()): send a NACK at rcv_nxt, and back off.
  void on_quiet_nack() { ++quiet_nacks_; }
  std::uint32_t quiet_nacks() const { return quiet_nacks_; }
  std::uint64_t last_ts() const { return last_ts_; }

  std::uint32_t flow_id() const { return flow_id_; }
  std::uint64_t rcv_nxt() const { return rcv_nxt_; }
  bool complete() const { return complete_; }
  std::uint64_t payload_errors() const { return payload_errors_; }

 private:
  // `payload` null: `precounted` errors instead of verifying here.
  RxReply accept(TimeNs now, const wire::Segment& seg, const std::uint8_t* payload,
                 std::uint64_t precounted, bool ce);

  std::uint32_t flow_id_;
  ReceiverParams params_;
  std::uint64_t rcv_nxt_ = 0;
  std::uint32_t unacked_packets_ = 0;
  bool ce_pending_ = false;           // a CE mark since the last ACK
  bool complete_ = false;
  std::uint64_t nacked_hole_ = ~std::uint64_t{0};  // rcv_nxt when the last NACK went out
  TimeNs last_nack_ = 0;
  TimeNs last_cnp_ = 0;
  bool cnp_sent_ = false;
  std::uint64_t payload_errors_ = 0;
  // Tail-loss timer state.
  TimeNs last_arrival_ = kNever;  // kNever: nothing arrived yet
  double gap_ewma_ns_ = 0;        // mean inter-arrival gap (EWMA, weight 1/8)
  std::uint32_t quiet_nacks_ = 0; // fired since the last arrival
  std::uint64_t last_ts_ = 0;     // sender timestamp of the last arrival (echoed)
  bool have_transit_ = false;
  TimeNs min_transit_ = 0;        // least (arrival - sender timestamp) seen, offset included
  TimeNs queueing_ = 0;           // the last arrival's transit above that minimum
};

}  // namespace ptcp::transport
