#include "cc/powertcp.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "cc/params.h"

namespace ptcp::cc {

namespace {

void check_context(const FlowContext& ctx, const char* algo) {
  if (ctx.base_rtt <= 0 || ctx.host_rate == 0) {
    throw std::invalid_argument(std::string(algo) + " needs a base RTT (tau) and a host rate");
  }
}

}  // namespace

std::vector<ParamSpec> power_window_params() {
  return {
      {"gamma", kPowerGammaDefault, 0.01, 1.0, ParamUnit::kDimensionless,
       "EWMA weight of the new window per update (paper: 0.9)", false},
      {"beta", 0, 0, 1e9, ParamUnit::kBytes,
       "additive increase per update in bytes; overrides expected_flows and ai_rate", true},
      {"expected_flows", 0, 1, 1e6, ParamUnit::kCount,
       "N flows expected to share the host NIC: beta = HostBw*tau/N (paper's guideline); "
       "overrides ai_rate",
       true},
      {"ai_rate", kPowerAiRateDefault, 0, 1e12, ParamUnit::kRateBps,
       "additive increase as a rate: beta = ai_rate*tau (default 150 Mb/s, as the code behind "
       "the paper's results)",
       false},
  };
}

double power_beta_bytes(const FlowContext& ctx, const ParamValues& p) {
  const double tau_s = static_cast<double>(ctx.base_rtt) * 1e-9;
  if (const auto beta = param_opt(p, "beta")) return *beta;
  if (const auto n = param_opt(p, "expected_flows")) {
    return bytes_per_sec(ctx.host_rate) * tau_s / *n;
  }
  return param_or(p, "ai_rate", kPowerAiRateDefault) / 8.0 * tau_s;
}

PowerTcp::PowerTcp(const FlowContext& ctx, double gamma, double beta_bytes,
                   TimeNs update_interval)
    : gamma_(gamma),
      beta_(beta_bytes),
      tau_s_(static_cast<double>(ctx.base_rtt) * 1e-9),
      tau_ns_(ctx.base_rtt),
      max_cwnd_(bytes_per_sec(ctx.host_rate) * static_cast<double>(ctx.base_rtt) * 1e-9),
      min_cwnd_(static_cast<double>(std::max<std::uint32_t>(ctx.packet_bytes, 1))),
      update_interval_(update_interval == kPowerUpdateEveryTau ? ctx.base_rtt : update_interval),
      cwnd_old_(0) {
  check_context(ctx, "powertcp");
  if (update_interval_ < 0) throw std::invalid_argument("powertcp: update_interval must be >= 0");
  cwnd_ = std::max(max_cwnd_, min_cwnd_);  // start at line rate: HostBw * tau
  cwnd_old_ = cwnd_;
  pacing_ = cwnd_ / tau_s_;
}

void PowerTcp::on_ack(const AckEvent& ev) {
  const wire::IntStack* s = ev.int_stack;
  if (s != nullptr && s->n_hops > 0) {
    // First ACK or new path: store only. Gamma_s is smoothed on every ACK; the window law runs
    // on a fresh sample once update_interval has passed since the last update.
    const bool sampled = record_.comparable(*s) && smooth(*s);
    record_.store(*s);
    if (sampled && (!updated_ || ev.now - last_update_ >= update_interval_)) {
      update_window();
      last_update_ = ev.now;
      updated_ = true;
    }
  }
  // Once per RTT: when the ACK passes the snd_nxt recorded at the last snapshot, the window now
  // in force becomes cwnd_old for the next RTT (taken after this ACK's update, as HPCC's and
  // the authors' code do with their reference rate).
  if (ev.snd_una > snapshot_seq_) {
    cwnd_old_ = cwnd_;
    snapshot_seq_ = ev.snd_nxt;
  }
}

bool PowerTcp::smooth(const wire::IntStack& s) {
  double best = -std::numeric_limits<double>::infinity();
  TimeNs best_dt = 0;
  const std::size_t n = hop_count(s);
  for (std::size_t i = 0; i < n; ++i) {
    const HopDelta h = hop_delta(s.hops[i], record_.hop(i));
    if (!h.valid) continue;  // dt == 0: no new information from this hop
    const double lambda = h.qdot + h.tx_rate;  // arrival rate = queue growth + transmit rate
    const double norm = lambda * (h.qlen + h.b * tau_s_) / (h.b * h.b * tau_s_);
    if (norm > best) {
      best = norm;
      best_dt = h.dt_ns;
    }
  }
  if (best_dt == 0) return false;  // no hop gave a sample
  const double gamma_norm = std::max(best, kPowerMinNorm);
  const double dT = static_cast<double>(std::min(best_dt, tau_ns_));
  const double tau = static_cast<double>(tau_ns_);
  gamma_s_ = (gamma_s_ * (tau - dT) + gamma_norm * dT) / tau;
  return true;
}

void PowerTcp::update_window() {
  const double w = gamma_ * (cwnd_old_ / gamma_s_ + beta_) + (1.0 - gamma_) * cwnd_;
  cwnd_ = std::clamp(w, min_cwnd_, std::max(max_cwnd_, min_cwnd_));
  pacing_ = cwnd_ / tau_s_;
}

Algorithm make_powertcp_algorithm() {
  Algorithm a;
  a.name = "powertcp";
  a.description =
      "PowerTCP (NSDI'22): window from normalized power (INT: queue, tx bytes, rate per hop), "
      "the paper's law applied once per tau";
  a.params = power_window_params();
  a.params.push_back(
      {"update_interval", 0, 0, 1e9, ParamUnit::kTimeNs,
       "least time between window updates (default: tau); 0 = every ACK, the paper's Algorithm "
       "1 as written, which limit-cycles with few flows (docs/powertcp.md)",
       true});
  a.needs_int = true;
  a.make = [](const FlowContext& ctx, const ParamValues& p) -> std::unique_ptr<CongestionControl> {
    const auto interval = param_opt(p, "update_interval");
    return std::make_unique<PowerTcp>(
        ctx, param_or(p, "gamma", kPowerGammaDefault), power_beta_bytes(ctx, p),
        interval ? static_cast<TimeNs>(*interval) : kPowerUpdateEveryTau);
  };
  return a;
}

}  // namespace ptcp::cc
