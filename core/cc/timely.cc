#include "cc/timely.h"

#include <algorithm>
#include <stdexcept>

#include "cc/params.h"

namespace ptcp::cc {

Timely::Timely(const FlowContext& ctx, const TimelyConfig& cfg)
    : cfg_(cfg), line_rate_(bytes_per_sec(ctx.host_rate)) {
  if (ctx.host_rate == 0) throw std::invalid_argument("timely needs a host rate");
  if (cfg_.min_rtt <= 0) throw std::invalid_argument("timely needs min_rtt > 0");
  cwnd_ = kUnlimitedCwnd;
  pacing_ = line_rate_;
}

void Timely::on_ack(const AckEvent& ev) {
  if (ev.rtt == kNoRttSample) return;
  if (!have_prev_) {
    have_prev_ = true;
    prev_rtt_ = ev.rtt;
    last_event_una_ = ev.snd_una;
    return;
  }
  // A completion event: segment_bytes more acknowledged since the last one (0: every ACK).
  if (static_cast<double>(ev.snd_una - std::min(ev.snd_una, last_event_una_)) < cfg_.segment_bytes) {
    return;
  }
  last_event_una_ = ev.snd_una;
  const double new_diff = static_cast<double>(ev.rtt - prev_rtt_);
  prev_rtt_ = ev.rtt;
  rtt_diff_ = (1.0 - cfg_.ewma) * rtt_diff_ + cfg_.ewma * new_diff;
  gradient_ = rtt_diff_ / static_cast<double>(cfg_.min_rtt);

  double rate = pacing_;
  if (ev.rtt < cfg_.t_low) {
    rate += cfg_.delta;
  } else if (ev.rtt > cfg_.t_high) {
    rate *= 1.0 - cfg_.beta * (1.0 - static_cast<double>(cfg_.t_high) / static_cast<double>(ev.rtt));
    neg_events_ = 0;
  } else if (gradient_ <= 0) {
    const double n = neg_events_ >= cfg_.hai_after ? cfg_.hai_factor : 1.0;
    ++neg_events_;
    rate += n * cfg_.delta;
  } else {
    rate *= std::max(0.0, 1.0 - cfg_.beta * gradient_);
    neg_events_ = 0;
  }
  pacing_ = std::clamp(rate, std::min(cfg_.min_rate, line_rate_), line_rate_);
}

Algorithm make_timely_algorithm() {
  Algorithm a;
  a.name = "timely";
  a.description = "TIMELY (SIGCOMM'15): rate from the RTT gradient, needs only RTT samples";
  a.params = {
      {"ewma", 0.875, 0.0, 1.0, ParamUnit::kDimensionless,
       "weight of the NEW rtt difference in the EWMA (0.875: paper's alpha as in HPCC's ns-3)",
       false},
      {"t_low", 50e3, 0, 1e10, ParamUnit::kTimeNs, "below: always increase (paper: 50 us)", false},
      {"t_high", 500e3, 0, 1e10, ParamUnit::kTimeNs, "above: decrease (paper: 500 us)", false},
      {"delta", 10e6, 0, 1e12, ParamUnit::kRateBps, "additive step (paper: 10 Mb/s)", false},
      {"beta", 0.8, 0.0, 1.0, ParamUnit::kDimensionless, "decrease factor (paper: 0.8)", false},
      {"hai_after", 5, 0, 1000, ParamUnit::kCount,
       "consecutive non-positive gradients before hyperactive increase (paper: 5)", false},
      {"hai_factor", 5, 1, 1000, ParamUnit::kDimensionless, "N: HAI step = N*delta (paper: 5)",
       false},
      {"min_rtt", 0, 1, 1e10, ParamUnit::kTimeNs,
       "gradient normalization; default: the flow's base RTT tau (20 us if tau is unset)", true},
      {"min_rate", 100e6, 0, 1e12, ParamUnit::kRateBps, "rate floor (HPCC ns-3: 100 Mb/s)",
       false},
      {"segment_bytes", 16e3, 0, 1e9, ParamUnit::kBytes,
       "bytes acknowledged per completion event (paper: 16-64 KB segments); 0: every ACK",
       false},
  };
  a.make = [](const FlowContext& ctx, const ParamValues& p) -> std::unique_ptr<CongestionControl> {
    TimelyConfig c;
    c.ewma = param_or(p, "ewma", c.ewma);
    c.t_low = static_cast<TimeNs>(param_or(p, "t_low", 50e3));
    c.t_high = static_cast<TimeNs>(param_or(p, "t_high", 500e3));
    c.delta = param_or(p, "delta", 10e6) / 8.0;
    c.beta = param_or(p, "beta", c.beta);
    c.hai_after = static_cast<std::uint32_t>(param_or(p, "hai_after", 5));
    c.hai_factor = param_or(p, "hai_factor", 5);
    const TimeNs fallback = ctx.base_rtt > 0 ? ctx.base_rtt : 20'000;
    c.min_rtt = static_cast<TimeNs>(param_opt(p, "min_rtt").value_or(static_cast<double>(fallback)));
    c.min_rate = param_or(p, "min_rate", 100e6) / 8.0;
    c.segment_bytes = param_or(p, "segment_bytes", 16e3);
    return std::make_unique<Timely>(ctx, c);
  };
  return a;
}

}  // namespace ptcp::cc
