// One flow's sending side: sequence space, window and pacing from its congestion control,
// loss recovery and the retransmission timer. It decides what the next segment is and when it
// may leave; the host writes the frame and schedules flows.
//
// Loss recovery is go-back-N from snd_una: a NACK, `dupack_threshold` duplicate ACKs or an RTO
// set snd_nxt back to snd_una and resend from there (the receiver keeps no out-of-order data,
// so everything after a hole has to be resent anyway). One loss episode lasts until snd_una
// passes the highest byte sent when it began; the CC hears on_loss once per episode. A second
// signal for the same hole within one RTT (stale packets still arriving) is ignored.
#pragma once

#include <cstdint>
#include <memory>

#include "cc/cc.h"
#include "common/units.h"
#include "wire/format.h"

namespace ptcp::transport {

struct SenderParams {
  std::uint32_t mss = 1000;       // payload bytes per full segment
  bool int_enabled = false;       // frames carry the INT region (counts in pacing)
  TimeNs rto = kNsPerMs;          // initial retransmission timeout
  TimeNs rto_max = 64 * kNsPerMs; // cap of the exponential backoff
  std::uint32_t dupack_threshold = 3;
  TimeNs base_rtt = 0;            // fallback for the "one RTT" guard before any RTT sample
  // Pacing measured from the ideal departure rather than the actual one, by up to this much:
  // a caller that comes late (a busy-polling loop serving a burst) may send the departures it
  // missed back to back, up to pacing_slack worth of them. 0: each departure is spaced from
  // `now` (a late caller loses the time), as an event-driven caller called on time never is.
  TimeNs pacing_slack = 0;
};

// What the sender decided for one departure.
struct Emission {
  std::uint64_t seq = 0;
  std::uint16_t len = 0;
  std::uint8_t flags = 0;  // wire::flags::kLast / kRetransmit
};

class SenderFlow {
 public:
  SenderFlow(std::uint32_t flow_id, std::uint64_t size_bytes, const SenderParams& params,
             std::unique_ptr<cc::CongestionControl> cc);

  std::uint32_t flow_id() const { return flow_id_; }
  std::uint64_t size() const { return size_; }
  std::uint64_t snd_una() const { return snd_una_; }
  std::uint64_t snd_nxt() const { return snd_nxt_; }
  std::uint64_t bytes_in_flight() const { return snd_nxt_ - snd_una_; }
  // All data acknowledged (and, for a stopped flow, its end marker too).
  bool complete() const { return snd_una_ == size_ && (!end_marker_ || marker_acked_); }
  // Something is left to send: data, or a stopped flow's end marker.
  bool has_data() const { return snd_nxt_ < size_ || marker_due(); }
  bool stopped() const { return stopped_; }
  // The window admits the next segment: (in flight + segment) in wire bytes <= cwnd, or
  // nothing in flight (a flow always gets one packet out, whatever its window). The CC's
  // window counts wire bytes (cc/cc.h); payload bytes scale by packet_bytes/mss.
  bool window_allows() const;
  // Earliest departure the pacing rate allows for the next segment.
  TimeNs pacing_time() const { return pace_next_; }
  bool can_send(TimeNs now) const {
    return has_data() && window_allows() && now >= pace_next_;
  }

  // Takes the next segment: advances snd_nxt, arms the RTO, spaces the next departure by this
  // frame's wire bytes over the pacing rate, tells the CC. Call only when can_send(now).
  Emission emit(TimeNs now);

  // Stops taking new data: the flow's size becomes the bytes sent so far (snd_max). If that
  // cuts the flow short, a zero-length segment flagged kLast at seq = the new size (the end
  // marker) follows the data, so the receiver sees a proper end after verifying every byte;
  // it is resent by go-back-N like data, and the flow completes when data and marker are
  // acknowledged. A flow that already sent its last byte is unaffected. A flow that sent
  // nothing completes at once with size 0 (returns true; start and end times are `now`).
  bool stop(TimeNs now);

  // An ACK or NACK for this flow (`seg` as parsed). Returns true if the flow just completed.
  bool on_ack(TimeNs now, const wire::Segment& seg, bool ecn_echo);
  void on_cnp(TimeNs now) { cc_->on_cnp(now); }

  // Earliest of the RTO and the CC's own timer; on_timer() runs whichever are due.
  TimeNs next_deadline() const;
  void on_timer(TimeNs now);

  const cc::CongestionControl& cc() const { return *cc_; }
  TimeNs start_time() const { return start_; }    // first byte sent, or kNever
  TimeNs end_time() const { return end_; }        // completion ACK, or kNever
  TimeNs last_rtt() const { return last_rtt_; }   // latest sample, or cc::kNoRttSample
  TimeNs current_rto() const { return rto_cur_; }
  TimeNs rto_deadline() const { return rto_deadline_; }
  std::uint64_t retransmits() const { return retransmits_; }
  std::uint64_t timeouts() const { return timeouts_; }
  std::uint64_t loss_episodes() const { return loss_episodes_; }

 private:
  bool marker_due() const { return end_marker_ && !marker_out_ && snd_nxt_ == size_; }
  // Data or the end marker sent and not yet acknowledged: the RTO must run.
  bool outstanding() const { return snd_una_ < snd_max_ || (marker_out_ && !marker_acked_); }
  // Resends from snd_una unless this hole was already resent less than an RTT ago.
  void go_back(TimeNs now, bool from_timeout);
  std::uint16_t segment_len(std::uint64_t seq) const;
  // The payload bytes the CC's window allows in flight.
  double payload_window() const { return cc_->cwnd_bytes() * payload_per_wire_; }

  std::uint32_t flow_id_;
  std::uint64_t size_;
  SenderParams params_;
  std::unique_ptr<cc::CongestionControl> cc_;
  double payload_per_wire_;  // mss / wire bytes of a full packet

  std::uint64_t snd_una_ = 0;
  std::uint64_t snd_nxt_ = 0;
  std::uint64_t snd_max_ = 0;  // highest byte ever sent (+1): below it a send is a retransmit
  TimeNs pace_next_ = 0;

  bool stopped_ = false;
  bool end_marker_ = false;    // stopped short: a zero-length kLast segment ends the flow
  bool marker_out_ = false;    // the marker was sent since the last go-back
  bool marker_sent_ = false;   // ... ever (a second send counts as a retransmit)
  bool marker_acked_ = false;

  std::uint32_t dupacks_ = 0;
  bool in_recovery_ = false;
  std::uint64_t recover_ = 0;          // the episode ends when snd_una reaches this
  std::uint64_t last_goback_seq_ = 0;  // the hole last resent, and when
  TimeNs last_goback_time_ = kNever;  // kNever: never went back

  TimeNs rto_cur_;
  TimeNs rto_deadline_ = kNever;
  TimeNs last_ack_time_ = kNever;  // latest ACK (not NACK) for this flow

  TimeNs start_ = kNever;
  TimeNs end_ = kNever;
  TimeNs last_rtt_ = cc::kNoRttSample;
  std::uint64_t retransmits_ = 0;
  std::uint64_t timeouts_ = 0;
  std::uint64_t loss_episodes_ = 0;
};

}  // namespace ptcp::transport
