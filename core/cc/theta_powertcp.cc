#include "cc/theta_powertcp.h"

#include <algorithm>
#include <stdexcept>

#include "cc/params.h"
#include "cc/powertcp.h"

namespace ptcp::cc {

ThetaPowerTcp::ThetaPowerTcp(const FlowContext& ctx, double gamma, double beta_bytes)
    : gamma_(gamma),
      beta_(beta_bytes),
      tau_s_(static_cast<double>(ctx.base_rtt) * 1e-9),
      tau_ns_(ctx.base_rtt),
      max_cwnd_(bytes_per_sec(ctx.host_rate) * static_cast<double>(ctx.base_rtt) * 1e-9),
      min_cwnd_(static_cast<double>(std::max<std::uint32_t>(ctx.packet_bytes, 1))) {
  if (ctx.base_rtt <= 0 || ctx.host_rate == 0) {
    throw std::invalid_argument("theta-powertcp needs a base RTT (tau) and a host rate");
  }
  max_cwnd_ = std::max(max_cwnd_, min_cwnd_);
  cwnd_ = max_cwnd_;
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
  const TimeNs dt = ev.now - prev_time_;
  if (dt > 0) {  // ACKs at the same instant carry no gradient: keep the older reference
    const double grad = static_cast<double>(ev.rtt - prev_rtt_) / static_cast<double>(dt);
    const double factor = std::max(0.0, grad + 1.0);  // (dq/dt + mu)/b, at least 0
    const double norm =
        std::max(kPowerMinNorm, factor * static_cast<double>(ev.rtt) / static_cast<double>(tau_ns_));
    const double dT = static_cast<double>(std::min(dt, tau_ns_));
    const double tau = static_cast<double>(tau_ns_);
    gamma_s_ = (gamma_s_ * (tau - dT) + norm * dT) / tau;
    prev_time_ = ev.now;
    prev_rtt_ = ev.rtt;
  }
  if (ev.snd_una > last_update_seq_) {  // once per RTT; cwnd_old is the window held all RTT
    const double w = gamma_ * (cwnd_ / gamma_s_ + beta_) + (1.0 - gamma_) * cwnd_;
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
  a.make = [](const FlowContext& ctx, const ParamValues& p) -> std::unique_ptr<CongestionControl> {
    return std::make_unique<ThetaPowerTcp>(ctx, param_or(p, "gamma", kPowerGammaDefault),
                                           power_beta_bytes(ctx, p));
  };
  return a;
}

}  // namespace ptcp::cc
