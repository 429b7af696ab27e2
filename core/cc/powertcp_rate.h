// powertcp-rate: the rate-based variant in the authors' public ns-3 simulator (reference
// section 4), for comparison runs only. Where it differs from the paper's law (powertcp.h):
//   - it controls a rate R, not a window: R = gamma*(Rc/max_c + ai_rate) + (1-gamma)*Rc, where
//     Rc is the reference rate taken once per RTT, so the (1-gamma) term also uses the
//     snapshot (the paper uses the current window there);
//   - INT: max_c = Gamma_s / target_util (0.95), i.e. it aims at 95% of power, and the arrival
//     rate is floored at 0.5*b (reference section 4); the authors' switch stamps enqueued
//     bytes, ours stamps txBytes, so the arrival rate is rebuilt as dq/dt + mu as in powertcp;
//   - delay_based = 1 (their theta variant): gamma 0.7, power = max(0.5, rtt_grad + 1) * rtt /
//     (1.05*tau), no target_util;
//   - R is clamped to [min_rate, line rate] and the window is R*tau.
// Unlike that code, the first ACK only stores its record (their PowerTCP read per-hop state that
// was never initialised; reference section 4), so runs are deterministic.
#pragma once

#include "cc/cc.h"
#include "cc/int_sample.h"
#include "cc/registry.h"

namespace ptcp::cc {

struct PowerRateConfig {
  bool delay_based = false;
  double gamma = 0.9;        // 0.7 in the delay-based variant
  double ai_rate = 150e6 / 8;  // bytes/s
  double target_util = 0.95;
  double min_rate = 100e6 / 8;  // bytes/s
};

class PowerTcpRate final : public CongestionControl {
 public:
  PowerTcpRate(const FlowContext& ctx, const PowerRateConfig& cfg);

  void on_ack(const AckEvent& ev) override;
  double congestion_signal() const override { return u_; }
  double reference_rate() const { return rate_c_; }

 private:
  bool int_sample(const AckEvent& ev, double& power, TimeNs& dt);
  bool delay_sample(const AckEvent& ev, double& power, TimeNs& dt);
  void set_rate(double r);

  PowerRateConfig cfg_;
  double tau_s_;
  TimeNs tau_ns_;
  double line_rate_;  // bytes/s
  IntRecord record_;
  bool have_prev_ = false;  // delay-based: a previous RTT sample exists
  TimeNs prev_time_ = 0;
  TimeNs prev_rtt_ = 0;
  double u_ = 1.0;       // smoothed power
  double rate_c_;        // reference rate, updated once per RTT
  std::uint64_t last_update_seq_ = 0;
};

Algorithm make_powertcp_rate_algorithm();

}  // namespace ptcp::cc
