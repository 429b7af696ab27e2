#include "cc/hpcc.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "cc/params.h"

namespace ptcp::cc {

namespace {
constexpr double kEtaDefault = 0.95;
constexpr double kMaxStageDefault = 5;
// W_AI as a rate: 50 Mb/s, the HPCC setting of the PowerTCP authors' ns-3 experiments
// (config-workload.txt: RATE_AI 50Mb/s, MI_THRESH 5, U_TARGET 0.95). W_AI = ai_rate * tau,
// about 181 bytes at tau = 29 us.
constexpr double kAiRateDefault = 50e6;
}  // namespace

Hpcc::Hpcc(const FlowContext& ctx, double eta, std::uint32_t max_stage, double w_ai_bytes)
    : eta_(eta),
      max_stage_(max_stage),
      w_ai_(w_ai_bytes),
      tau_s_(static_cast<double>(ctx.base_rtt) * 1e-9),
      tau_ns_(ctx.base_rtt),
      max_cwnd_(bytes_per_sec(ctx.host_rate) * static_cast<double>(ctx.base_rtt) * 1e-9),
      min_cwnd_(static_cast<double>(std::max<std::uint32_t>(ctx.mss, 1))),
      wc_(0) {
  if (ctx.base_rtt <= 0 || ctx.host_rate == 0) {
    throw std::invalid_argument("hpcc needs a base RTT (tau) and a host rate");
  }
  max_cwnd_ = std::max(max_cwnd_, min_cwnd_);
  cwnd_ = wc_ = max_cwnd_;  // W_init = HostBw * T
  pacing_ = cwnd_ / tau_s_;
}

void Hpcc::on_ack(const AckEvent& ev) {
  const wire::IntStack* s = ev.int_stack;
  if (s == nullptr || s->n_hops == 0) return;
  if (!record_.comparable(*s)) {
    if (record_.empty()) last_update_seq_ = ev.snd_nxt;  // first ACK: start the first RTT
    record_.store(*s);
    return;
  }
  double big_u = -std::numeric_limits<double>::infinity();
  TimeNs dt = 0;
  const std::size_t n = hop_count(*s);
  for (std::size_t i = 0; i < n; ++i) {
    const HopDelta h = hop_delta(s->hops[i], record_.hop(i));
    if (!h.valid) continue;
    const double u = h.tx_rate / h.b + std::min(h.qlen, h.qlen_prev) / (h.b * tau_s_);
    if (u > big_u) {
      big_u = u;
      dt = h.dt_ns;
    }
  }
  record_.store(*s);
  if (dt == 0) return;
  const double dT = static_cast<double>(std::min(dt, tau_ns_));
  const double tau = static_cast<double>(tau_ns_);
  u_ = (u_ * (tau - dT) + big_u * dT) / tau;

  double w = 0;
  std::uint32_t new_stage = 0;
  if (u_ >= eta_ || stage_ >= max_stage_) {
    w = wc_ / (std::max(u_, 1e-9) / eta_) + w_ai_;  // MD towards eta (also MI when U < eta)
  } else {
    w = wc_ + w_ai_;
    new_stage = stage_ + 1;
  }
  cwnd_ = std::clamp(w, min_cwnd_, max_cwnd_);
  pacing_ = cwnd_ / tau_s_;
  if (ev.snd_una > last_update_seq_) {  // a full RTT of feedback: commit the reference
    wc_ = cwnd_;
    stage_ = new_stage;
    last_update_seq_ = ev.snd_nxt;
  }
}

Algorithm make_hpcc_algorithm() {
  Algorithm a;
  a.name = "hpcc";
  a.description = "HPCC (SIGCOMM'19): INT utilization, MD to eta, additive increase stages";
  a.params = {
      {"eta", kEtaDefault, 0.1, 1.0, ParamUnit::kDimensionless,
       "target utilization (paper: 0.95)", false},
      {"max_stage", kMaxStageDefault, 0, 1000, ParamUnit::kCount,
       "additive-increase stages before a multiplicative update (paper: 5)", false},
      {"ai_rate", kAiRateDefault, 0, 1e12, ParamUnit::kRateBps,
       "W_AI as a rate: W_AI = ai_rate*tau. Default 50 Mb/s, the HPCC setting of the PowerTCP "
       "authors' experiments",
       false},
      {"w_ai", 0, 0, 1e9, ParamUnit::kBytes,
       "W_AI in bytes; overrides ai_rate (the HPCC paper's rule is HostBw*tau*(1-eta)/N)", true},
  };
  a.needs_int = true;
  a.make = [](const FlowContext& ctx, const ParamValues& p) -> std::unique_ptr<CongestionControl> {
    const double tau_s = static_cast<double>(ctx.base_rtt) * 1e-9;
    const double w_ai = param_opt(p, "w_ai").value_or(param_or(p, "ai_rate", kAiRateDefault) / 8.0 * tau_s);
    return std::make_unique<Hpcc>(ctx, param_or(p, "eta", kEtaDefault),
                                  static_cast<std::uint32_t>(param_or(p, "max_stage", kMaxStageDefault)),
                                  w_ai);
  };
  return a;
}

}  // namespace ptcp::cc
