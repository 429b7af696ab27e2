// theta-PowerTCP (reference section 3): PowerTCP's law driven by RTT samples only, for
// networks without INT. Power is estimated from the RTT gradient; the window is updated once
// per RTT.
//
// Two corrections, each selectable so the reference as written stays available
// (docs/powertcp.md, "theta-PowerTCP"); without them the 10:1 incast is a 900 KB limit cycle.
// - `gradient_clock`: the reference divides the RTT change by the time between the two ACKs'
//   arrivals. An RTT sample describes the queue its packet met when *sent*, and the ACKs of a
//   growing queue arrive stretched by the growth itself: with g = dq/dt / b, the ACK-clock
//   gradient is g/(1+g), so (1 + grad) = 2 - b/lambda instead of lambda/b. That is right only
//   near lambda = b: it never exceeds 2 however fast the queue grows, and it reaches 0 (power
//   floored, window to the cap) as soon as a draining queue's arrival rate is below b/2.
//   Dividing by the difference of the packets' send times (now - rtt) gives g exactly. The
//   smoothing weight stays the ACK interval (PowerTCP smooths in the switch's dequeue time), so
//   a sample spanning the sender's own pause after a window cut weighs little.
// - `reference_window`: the window updates when the first packet sent after the last update
//   is acknowledged, so the samples in Gamma_s are of packets sent under the window set at the
//   update *before* that. Dividing the newest window by that power pairs windows and power one
//   update apart: x_k = x_{k-1} - gamma*x_{k-2}, a lightly damped oscillation (|z| =
//   sqrt(gamma)) with a period of about 6 updates. cwnd_old = the window the measured packets
//   were sent under restores the theorem's contraction by (1 - gamma) per update.
#pragma once

#include "cc/cc.h"
#include "cc/registry.h"

namespace ptcp::cc {

enum class GradientClock {
  kAckArrival,  // dt = t_now - t_prev_ack: the reference (section 3) as written
  kSendTime,    // dt = difference of the send times of the two acknowledged packets (default)
};

enum class ReferenceWindow {
  kMeasured,  // the window the packets behind Gamma_s were sent under (default)
  kLastSet,   // the window set at the last update (this project's first version)
};

class ThetaPowerTcp final : public CongestionControl {
 public:
  ThetaPowerTcp(const FlowContext& ctx, double gamma, double beta_bytes,
                GradientClock clock = GradientClock::kSendTime,
                ReferenceWindow window = ReferenceWindow::kMeasured);

  void on_ack(const AckEvent& ev) override;
  // As PowerTCP: nothing special on loss or timeout (see powertcp.h).
  double congestion_signal() const override { return gamma_s_; }

  double beta_bytes() const { return beta_; }
  GradientClock gradient_clock() const { return clock_; }

 private:
  double gamma_;
  double beta_;
  double tau_s_;
  TimeNs tau_ns_;
  double max_cwnd_;
  double min_cwnd_;
  GradientClock clock_;
  ReferenceWindow window_;
  double prev_cwnd_ = 0;  // the window before the last update
  bool have_prev_ = false;
  TimeNs prev_time_ = 0;  // arrival time of the previous ACK with an RTT sample
  TimeNs prev_rtt_ = 0;
  double gamma_s_ = 1.0;
  std::uint64_t last_update_seq_ = 0;  // snd_nxt at the last window update
};

Algorithm make_theta_powertcp_algorithm();

}  // namespace ptcp::cc
