#include "cc/theta_powertcp.h"

#include <algorithm>
#include <stdexcept>

#include "cc/params.h"
#include "cc/powertcp.h"

namespace ptcp::cc {

ThetaPowerTcp::ThetaPowerTcp(const FlowContext& ctx, double gamma, double beta_bytes,
                             GradientClock clock, ReferenceWindow window)
    : gamma_(gamma),
      beta_(beta_bytes),
      tau_s_(static_cast<double>(ctx.base_rtt) * 1e-9),
      tau_ns_(ctx.base_rtt),
      max_cwnd_(bytes_per_sec(ctx.host_rate) * static_cast<double>(ctx.base_rtt) * 1e-9),
      min_cwnd_(static_cast<double>(std::max<std::uint32_t>(ctx.packet_bytes, 1))),
      clock_(clock),
      window_(window) {
  if (ctx.base_rtt <= 0 || ctx.host_rate == 0) {
    throw std::invalid_argument("theta-powertcp needs a base RTT (tau) and a host rate");
  }
  max_cwnd_ = std::max(max_cwnd_, min_cwnd_);
  cwnd_ = max_cwnd_;
  prev_cwnd_ = cwnd_;
  pacing_ = cwnd_ / tau_s_;
}

void ThetaPowerTcp::on_ack(const AckEvent& ev) {
  if (ev.rtt == kNoRttSample) return;
  if (!have_prev_) {  // first sample: store it, change nothing
    have_prev_ = true;
    prev_time_ = ev.now;
    prev_rtt_ = ev.rtt;
    last_update_seq_ = ev.snd_nxt;
    return;
  }
  const TimeNs dt = ev.now - prev_time_;                 // between the two ACKs' arrivals
  const TimeNs d_rtt = ev.rtt - prev_rtt_;
  const TimeNs d_send = dt - d_rtt;                      // between the two packets' departures
  const TimeNs denom = clock_ == GradientClock::kSendTime ? d_send : dt;
  // ACKs at the same instant carry no gradient, and a retransmitted packet can look sent
  // before the previous sample's: keep the older reference.
  if (dt > 0 && denom > 0) {
    const double grad = static_cast<double>(d_rtt) / static_cast<double>(denom);
    const double factor = std::max(0.0, grad + 1.0);  // lambda/b = 1 + dq/dt / b, at least 0
    const double norm =
        std::max(kPowerMinNorm, factor * static_cast<double>(ev.rtt) / static_cast<double>(tau_ns_));
    // Smoothing in ACK time on either clock, as PowerTCP smooths in the switch's dequeue
    // time: a sample spanning a sender's own pause (after a window cut) is weighted by the
    // short time its ACKs took at the bottleneck, not by the pause.
    const double dT = static_cast<double>(std::min(dt, tau_ns_));
    const double tau = static_cast<double>(tau_ns_);
    gamma_s_ = (gamma_s_ * (tau - dT) + norm * dT) / tau;
    prev_time_ = ev.now;
    prev_rtt_ = ev.rtt;
  }
  // Once per RTT: when the first packet sent after the last update is acknowledged. The ACKs
  // since then (the samples in Gamma_s) are of packets sent before the last update, under the
  // window set at the update before it: that window is cwnd_old (docs/powertcp.md).
  if (ev.snd_una > last_update_seq_) {
    const double cwnd_old = window_ == ReferenceWindow::kMeasured ? prev_cwnd_ : cwnd_;
    const double w = gamma_ * (cwnd_old / gamma_s_ + beta_) + (1.0 - gamma_) * cwnd_;
    prev_cwnd_ = cwnd_;
    cwnd_ = std::clamp(w, min_cwnd_, max_cwnd_);
    pacing_ = cwnd_ / tau_s_;
    last_update_seq_ = ev.snd_nxt;
  }
}

Algorithm make_theta_powertcp_algorithm() {
  Algorithm a;
  a.name = "theta-powertcp";
  a.description =
      "theta-PowerTCP (NSDI'22): PowerTCP's law with power estimated from RTT gradients; no "
      "switch support needed";
  a.params = power_window_params();
  a.params.push_back(
      {"gradient_clock", 1, 0, 1, ParamUnit::kDimensionless,
       "time base of the RTT gradient: 1 = send times of the acknowledged packets (default), "
       "0 = ACK arrival times, the reference as written, which misreads a draining queue as an "
       "idle link (docs/powertcp.md)",
       false});
  a.params.push_back(
      {"reference_window", 1, 0, 1, ParamUnit::kDimensionless,
       "cwnd_old of the window law: 1 = the window the measured packets were sent under, set "
       "at the update before the last (default), 0 = the window set at the last update, which "
       "pairs it with power measured under the one before and oscillates (docs/powertcp.md)",
       false});
  a.make = [](const FlowContext& ctx, const ParamValues& p) -> std::unique_ptr<CongestionControl> {
    // Both switches are 0/1 (range-checked when the experiment is loaded); >= 0.5 reads as 1.
    const bool send_clock = param_or(p, "gradient_clock", 1) >= 0.5;
    const bool measured = param_or(p, "reference_window", 1) >= 0.5;
    return std::make_unique<ThetaPowerTcp>(
        ctx, param_or(p, "gamma", kPowerGammaDefault), power_beta_bytes(ctx, p),
        send_clock ? GradientClock::kSendTime : GradientClock::kAckArrival,
        measured ? ReferenceWindow::kMeasured : ReferenceWindow::kLastSet);
  };
  return a;
}

}  // namespace ptcp::cc
