// A host's whole transport: many sender and receiver flows behind one NIC. Backends drive it
// with three calls and never see flows, windows or timers:
//   on_frame(now, bytes)        a frame arrived from the NIC
//   next_frame(now, buffer)     the NIC is free: write the next frame due now (0 if none)
//   next_wakeup()               the earliest time the host needs next_frame()/poll() again
// plus start_flow() from the workload. Control packets (ACK/NACK/CNP/probes) go before data;
// data departures respect each flow's window and pacing rate. No threads, no clock, no
// allocation per packet.
//
// Behaviour in brief (details in sender.h, receiver.h): go-back-N recovery on NACK, duplicate
// ACKs and RTO; the receiver keeps only in-order data and verifies every byte against the
// deterministic payload (payload.h); flows are served round robin among those whose window and
// pacing allow; a PFC PAUSE stops data frames (never control frames) for its quanta. The
// transport uses one traffic class: a PAUSE for any enabled priority applies to it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "cc/registry.h"
#include "common/units.h"
#include "wire/format.h"

namespace ptcp::transport {

struct HostConfig {
  std::uint32_t node_index = 0;       // wire::node_ip/node_mac of this host
  BitsPerSec link_rate = 0;           // NIC line rate (HostBw)
  std::uint32_t mtu = 1500;           // largest IP packet
  std::uint32_t payload_bytes = 1000; // data payload per full packet (<= mtu - headers)
  std::uint32_t ack_every = 1;        // ACK every N data packets (the last segment at once)
  TimeNs rto = 0;                     // initial retransmission timeout (doubles per backoff);
                                      // 0: 1 ms
  TimeNs rto_max = 0;                 // cap on the backed-off RTO; 0: 64 * rto
  std::uint32_t dupack_threshold = 3;
  bool int_enabled = false;           // data packets reserve the INT region (HPCC/PowerTCP)
  bool ecn_capable = true;            // data packets are sent ECT(0)
  bool verify_payload = true;         // fill payloads with deterministic bytes and check them
                                      // (off: payloads are zeros, unchecked)
  // Congestion control for flows this host sends; parameters already resolved.
  const cc::Algorithm* algorithm = nullptr;
  cc::ParamValues cc_params;
  TimeNs base_rtt = 0;                // tau given to every flow's CC
  // Receiver side, DCQCN: at most one CNP per flow per this interval (0 = never send CNPs).
  TimeNs cnp_interval = 0;
  // Receiver: a hole is NACKed again only after this long (0: base_rtt, or 10 us without one).
  TimeNs nack_interval = 0;
  // Receiver tail-loss timer: an unfinished flow silent for max(tail_nack_interval, 4 x its
  // mean inter-arrival gap) is NACKed at what it has (backing off 2x, at most 6 times per
  // silence), so a lost last segment or tail NACK costs a few RTTs, not an RTO (receiver.h).
  // 0: 4 * nack_interval. The sender ignores such a NACK when nothing is missing. With it, a
  // finished flow's state lingers for tail_nack_interval and is ACKed once more before it is
  // freed, so a lost final ACK costs that interval, not the RTO (one extra ACK per flow).
  bool tail_nack = true;
  TimeNs tail_nack_interval = 0;
  // Pacing slack (SenderParams::pacing_slack): a run-to-completion loop that serves a burst
  // may send the departures it missed, up to this much time of them, back to back. 0 (the
  // default; ns-3 calls on time): every departure is spaced from the call's `now`, so a loop
  // that visits a flow once per iteration sends at most one of its frames per iteration.
  TimeNs pacing_slack = 0;
  // Pending ACK/NACK/CNP/probe replies; more are dropped and counted (control_overflow).
  std::uint32_t control_queue_capacity = 1024;
};

struct FlowSpec {
  std::uint32_t flow_id = 0;   // unique in the experiment
  std::uint32_t dst_node = 0;  // node index of the receiving host
  std::uint64_t size_bytes = 0;
};

// A finished flow, as the sender saw it.
struct FlowRecord {
  std::uint32_t flow_id = 0;
  std::uint32_t src_node = 0;
  std::uint32_t dst_node = 0;
  std::uint64_t size_bytes = 0;
  TimeNs start_ns = 0;  // first byte sent
  TimeNs end_ns = 0;    // last byte acknowledged
  std::uint64_t retransmits = 0;  // data packets sent more than once
  std::uint64_t timeouts = 0;
};

// A live sender flow, for traces (flows.csv).
struct FlowSample {
  std::uint32_t flow_id = 0;
  double cwnd_bytes = 0;  // the CC's window, in wire bytes (cc/cc.h)
  double rate_bps = 0;     // pacing rate in bits per second
  TimeNs rtt_ns = 0;       // latest RTT sample
  std::uint64_t acked_bytes = 0;
  std::uint64_t bytes_in_flight = 0;  // snd_nxt - snd_una
  double congestion_signal = 0;  // the CC's own signal (e.g. normalized power); NaN if none
};

struct HostCounters {
  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;
  std::uint64_t data_sent = 0;
  std::uint64_t retransmits = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t acks_sent = 0;
  std::uint64_t nacks_sent = 0;
  std::uint64_t cnps_sent = 0;
  std::uint64_t tail_nacks_sent = 0;    // of nacks_sent: by the receiver's tail-loss timer
  std::uint64_t final_reacks_sent = 0;  // of acks_sent: a finished flow ACKed once more
  std::uint64_t malformed = 0;          // frames parse_frame() rejected (sum of the next array)
  std::uint64_t malformed_by_status[static_cast<int>(wire::ParseStatus::kCount_)] = {};
  std::uint64_t misdelivered = 0;       // well-formed but addressed to another host
  std::uint64_t stale_control = 0;      // ACK/NACK/CNP for a flow this host is not sending
                                        // (late duplicates after completion)
  std::uint64_t control_overflow = 0;   // replies dropped because the control queue was full
  std::uint64_t acks_received = 0;
  std::uint64_t nacks_received = 0;
  std::uint64_t cnps_received = 0;
  std::uint64_t duplicates_received = 0;
  std::uint64_t payload_errors = 0;     // delivered bytes that failed verification: must stay 0
  std::uint64_t bytes_delivered = 0;    // in-order bytes delivered and verified
  std::uint64_t pauses_received = 0;
  std::uint64_t probes_answered = 0;
};

class Host {
 public:
  // Throws std::invalid_argument naming the field for an unusable configuration.
  explicit Host(HostConfig cfg);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Throws std::invalid_argument for a zero size, a flow id already sending, or no algorithm.
  void start_flow(TimeNs now, const FlowSpec& flow);
  // Stops a sending flow (long flows with a stop time): no new data leaves from now on; the
  // flow's size becomes the bytes already sent, and it completes (on_flow_complete, with that
  // size in FlowRecord::size_bytes) once they are acknowledged. The receiver still verifies
  // every byte and sees a proper end (a zero-length kLast segment follows the data), so its
  // on_flow_received reports the same size. A flow that sent nothing completes at once with
  // size 0 (the callback runs inside this call). Returns false, changing nothing, if no flow
  // `flow_id` is sending (never started, or already complete: stops may race completion);
  // true for a live flow, including one already stopping (then nothing changes).
  bool stop_flow(TimeNs now, std::uint32_t flow_id);
  void on_frame(TimeNs now, std::span<const std::uint8_t> frame);
  // Runs due timers (RTO, CC timers) and writes the next frame due at `now` into `out`.
  // Returns its length, or 0 when nothing may leave now (then see next_wakeup()).
  // `out` must hold max_frame_len() bytes (std::length_error otherwise).
  std::size_t next_frame(TimeNs now, std::span<std::uint8_t> out);
  std::size_t max_frame_len() const;
  TimeNs next_wakeup() const;

  // Sends an unloaded-RTT probe to `dst_node`; the reply's RTT is reported to on_probe_rtt.
  void send_probe(TimeNs now, std::uint32_t dst_node, std::uint64_t probe_id);

  // Callbacks, set once before running (called per flow, never per packet).
  std::function<void(const FlowRecord&)> on_flow_complete;
  std::function<void(std::uint32_t /*src_node*/, std::uint32_t /*flow_id*/, std::uint64_t)>
      on_flow_received;  // receiver: all bytes of a flow delivered and verified
  std::function<void(std::uint32_t /*dst_node*/, std::uint64_t /*probe_id*/, TimeNs /*rtt*/)>
      on_probe_rtt;

  void for_each_flow(const std::function<void(const FlowSample&)>& fn) const;
  std::size_t active_flows() const;
  // Flows this host is receiving and has not seen end (finished ones are freed, after the
  // final re-ACK if tail_nack is on, and remembered by their final size only, to answer late
  // duplicates).
  std::size_t receiving_flows() const;
  const HostCounters& counters() const;
  const HostConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptcp::transport
