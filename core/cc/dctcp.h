// DCTCP (Alizadeh et al., SIGCOMM 2010), window-based, from ECN echoes.
//   alpha = (1-g)*alpha + g*F once per window of data, F = fraction of acknowledged bytes that
//   were CE-marked in that window (the window ends when snd_una passes the snd_nxt recorded at
//   its start);
//   on an ECN echo, at most once per window: cwnd *= (1 - alpha/2) (then wait until snd_una
//   passes the snd_nxt of that moment, as Linux's CWR state);
//   otherwise additive increase of one packet per RTT: cwnd += packet_bytes * acked_wire / cwnd
//   per ACK, acked_wire = bytes_acked * packet_bytes / mss (cwnd counts wire bytes, cc.h).
// No slow start: like every algorithm here the flow starts at HostBw*tau. alpha starts at 1
// (Linux's dctcp_alpha_on_init). Loss and timeout halve the window (once per window).
// pacing = cwnd / srtt (srtt: EWMA 1/8 of RTT samples; tau before the first one), at most the
// line rate.
#pragma once

#include "cc/cc.h"
#include "cc/registry.h"

namespace ptcp::cc {

class Dctcp final : public CongestionControl {
 public:
  Dctcp(const FlowContext& ctx, double g, double alpha_init);

  void on_ack(const AckEvent& ev) override;
  void on_loss(const LossEvent& ev) override;
  void on_timeout(TimeNs now) override;
  double congestion_signal() const override { return alpha_; }

  double alpha() const { return alpha_; }

 private:
  void halve(std::uint64_t snd_nxt);
  void set_pacing();

  double g_;
  double packet_;            // one full packet in wire bytes: the window's unit step and floor
  double wire_per_payload_;  // packet_bytes / mss: payload bytes acked -> wire bytes
  double line_rate_;
  double srtt_s_;
  bool have_rtt_ = false;
  double alpha_;
  std::uint64_t window_end_ = 0;  // snd_nxt at the start of the current observation window
  bool window_started_ = false;
  double acked_in_window_ = 0;
  double marked_in_window_ = 0;
  bool in_cwr_ = false;
  std::uint64_t cwr_end_ = 0;
};

Algorithm make_dctcp_algorithm();

}  // namespace ptcp::cc
