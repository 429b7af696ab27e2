#include "cc/powertcp_rate.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "cc/params.h"
#include "cc/powertcp.h"

namespace ptcp::cc {

PowerTcpRate::PowerTcpRate(const FlowContext& ctx, const PowerRateConfig& cfg)
    : cfg_(cfg),
      tau_s_(static_cast<double>(ctx.base_rtt) * 1e-9),
      tau_ns_(ctx.base_rtt),
      line_rate_(bytes_per_sec(ctx.host_rate)),
      rate_c_(bytes_per_sec(ctx.host_rate)) {
  if (ctx.base_rtt <= 0 || ctx.host_rate == 0) {
    throw std::invalid_argument("powertcp-rate needs a base RTT (tau) and a host rate");
  }
  set_rate(line_rate_);
}

void PowerTcpRate::set_rate(double r) {
  pacing_ = std::clamp(r, std::min(cfg_.min_rate, line_rate_), line_rate_);
  cwnd_ = pacing_ * tau_s_;
}

bool PowerTcpRate::int_sample(const AckEvent& ev, double& power, TimeNs& dt) {
  const wire::IntStack* s = ev.int_stack;
  if (s == nullptr || s->n_hops == 0) return false;
  const bool comparable = record_.comparable(*s);
  double best = -std::numeric_limits<double>::infinity();
  dt = 0;
  if (comparable) {
    const std::size_t n = hop_count(*s);
    for (std::size_t i = 0; i < n; ++i) {
      const HopDelta h = hop_delta(s->hops[i], record_.hop(i));
      if (!h.valid) continue;
      const double lambda = std::max(h.qdot + h.tx_rate, 0.5 * h.b);
      const double u = lambda * (h.qlen + h.b * tau_s_) / (h.b * h.b * tau_s_);
      if (u > best) {
        best = u;
        dt = h.dt_ns;
      }
    }
  } else if (record_.empty()) {
    last_update_seq_ = ev.snd_nxt;  // first ACK: start the first RTT
  }
  record_.store(*s);
  power = best;
  return dt > 0;
}

bool PowerTcpRate::delay_sample(const AckEvent& ev, double& power, TimeNs& dt) {
  if (ev.rtt == kNoRttSample) return false;
  if (!have_prev_) {
    have_prev_ = true;
    prev_time_ = ev.now;
    prev_rtt_ = ev.rtt;
    last_update_seq_ = ev.snd_nxt;
    return false;
  }
  dt = ev.now - prev_time_;
  if (dt <= 0) return false;
  const double a =
      std::max(0.5, static_cast<double>(ev.rtt - prev_rtt_) / static_cast<double>(dt) + 1.0);
  power = a * static_cast<double>(ev.rtt) / (1.05 * static_cast<double>(tau_ns_));
  prev_time_ = ev.now;
  prev_rtt_ = ev.rtt;
  return true;
}

void PowerTcpRate::on_ack(const AckEvent& ev) {
  double power = 0;
  TimeNs dt = 0;
  const bool ok = cfg_.delay_based ? delay_sample(ev, power, dt) : int_sample(ev, power, dt);
  if (!ok) return;
  const double dT = static_cast<double>(std::min(dt, tau_ns_));
  const double tau = static_cast<double>(tau_ns_);
  u_ = (u_ * (tau - dT) + power * dT) / tau;
  const double max_c = cfg_.delay_based ? u_ : u_ / cfg_.target_util;
  set_rate(cfg_.gamma * (rate_c_ / max_c + cfg_.ai_rate) + (1.0 - cfg_.gamma) * rate_c_);
  if (ev.snd_una > last_update_seq_) {  // full RTT of feedback: new reference rate
    rate_c_ = pacing_;
    last_update_seq_ = ev.snd_nxt;
  }
}

Algorithm make_powertcp_rate_algorithm() {
  Algorithm a;
  a.name = "powertcp-rate";
  a.description =
      "PowerTCP as in the authors' ns-3 simulator: rate-based, 95% power target, fixed 150 Mb/s "
      "increase (comparison runs only)";
  a.params = {
      {"delay_based", 0, 0, 1, ParamUnit::kCount,
       "0: INT (their PowerTCP), 1: RTT gradient (their theta-PowerTCP; needs no INT)", false},
      {"gamma", 0, 0.01, 1.0, ParamUnit::kDimensionless,
       "weight of the new rate; default 0.9 (INT) or 0.7 (delay_based), as in their code", true},
      {"ai_rate", 150e6, 0, 1e12, ParamUnit::kRateBps, "additive increase per update (150 Mb/s)",
       false},
      {"target_util", 0.95, 0.1, 1.0, ParamUnit::kDimensionless,
       "INT variant: power target (their HPCC-derived 0.95)", false},
      {"min_rate", 100e6, 0, 1e12, ParamUnit::kRateBps, "rate floor (their MIN_RATE, 100 Mb/s)",
       false},
  };
  // The INT variant needs INT; delay_based = 1 does not, but the flag is per algorithm.
  a.needs_int = true;
  a.make = [](const FlowContext& ctx, const ParamValues& p) -> std::unique_ptr<CongestionControl> {
    PowerRateConfig c;
    c.delay_based = param_or(p, "delay_based", 0) >= 0.5;
    c.gamma = param_or(p, "gamma", c.delay_based ? 0.7 : 0.9);
    c.ai_rate = param_or(p, "ai_rate", 150e6) / 8.0;
    c.target_util = param_or(p, "target_util", 0.95);
    c.min_rate = param_or(p, "min_rate", 100e6) / 8.0;
    return std::make_unique<PowerTcpRate>(ctx, c);
  };
  return a;
}

}  // namespace ptcp::cc
