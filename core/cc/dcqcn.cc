#include "cc/dcqcn.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cc/params.h"

namespace ptcp::cc {

Dcqcn::Dcqcn(const FlowContext& ctx, const DcqcnConfig& cfg)
    : cfg_(cfg), line_rate_(bytes_per_sec(ctx.host_rate)), rc_(line_rate_), rt_(line_rate_) {
  if (ctx.host_rate == 0) throw std::invalid_argument("dcqcn needs a host rate");
  if (cfg_.alpha_interval <= 0 || cfg_.increase_interval <= 0) {
    throw std::invalid_argument("dcqcn timers must be positive");
  }
  cwnd_ = kUnlimitedCwnd;
  pacing_ = rc_;
}

double Dcqcn::alpha_at(TimeNs now) const {
  if (!alpha_started_ || now <= alpha_epoch_) return alpha_;
  const TimeNs periods = (now - alpha_epoch_) / cfg_.alpha_interval;
  return alpha_ * std::pow(1.0 - cfg_.g, static_cast<double>(periods));
}

void Dcqcn::on_cnp(TimeNs now) {
  on_timer(now);  // settle any deadline that is due first
  if (!have_cut_ || now >= last_cut_ + cfg_.decrease_interval) {
    cut(now);
  } else if (!pending_cut_) {
    pending_cut_ = true;
    next_decrease_ = last_cut_ + cfg_.decrease_interval;
  }
}

void Dcqcn::cut(TimeNs now) {
  const double a = alpha_at(now);
  rt_ = rc_;
  rc_ = std::max(std::min(cfg_.min_rate, line_rate_), rc_ * (1.0 - a / 2.0));
  alpha_ = (1.0 - cfg_.g) * a + cfg_.g;
  alpha_epoch_ = now;
  alpha_started_ = true;
  have_cut_ = true;
  last_cut_ = now;
  pending_cut_ = false;
  next_decrease_ = kNever;
  timer_events_ = byte_events_ = 0;
  bytes_since_ = 0;
  next_increase_ = now + cfg_.increase_interval;
  pacing_ = rc_;
}

void Dcqcn::increase(bool by_timer) {
  const std::uint32_t f = cfg_.fast_recovery;
  const bool bytes_on = cfg_.byte_counter > 0;
  const std::uint32_t bc = bytes_on ? byte_events_ : timer_events_;
  const std::uint32_t lo = std::min(timer_events_, bc), hi = std::max(timer_events_, bc);
  if (hi < f) {
    // fast recovery: R_T unchanged
  } else if (lo > f) {
    rt_ += static_cast<double>(lo - f) * cfg_.rhai;
  } else {
    rt_ += cfg_.rai;
  }
  rt_ = std::min(rt_, line_rate_);
  rc_ = std::min((rt_ + rc_) / 2.0, line_rate_);
  if (by_timer) {
    ++timer_events_;
  } else {
    ++byte_events_;
  }
  pacing_ = rc_;
  // Exactly back at line rate: nothing left to recover, stop the increase machinery.
  if (rc_ >= line_rate_ && rt_ >= line_rate_) next_increase_ = kNever;
}

void Dcqcn::on_send(TimeNs now, std::uint64_t /*seq*/, std::uint32_t bytes) {
  if (next_increase_ == kNever || cfg_.byte_counter <= 0) return;
  on_timer(now);
  bytes_since_ += bytes;
  while (bytes_since_ >= cfg_.byte_counter && next_increase_ != kNever) {
    bytes_since_ -= cfg_.byte_counter;
    increase(false);
  }
}

TimeNs Dcqcn::next_timer() const { return std::min(next_decrease_, next_increase_); }

void Dcqcn::on_timer(TimeNs now) {
  // Deadlines are processed in time order, each at its own instant, so the result depends only
  // on the event times and not on how late the backend calls.
  while (true) {
    const TimeNs t = next_timer();
    if (t == kNever || t > now) return;
    if (next_decrease_ <= next_increase_) {  // ties: the cut first, then the (reset) timer
      next_decrease_ = kNever;
      if (pending_cut_) cut(t);
    } else {
      next_increase_ += cfg_.increase_interval;
      increase(true);
    }
  }
}

Algorithm make_dcqcn_algorithm() {
  Algorithm a;
  a.name = "dcqcn";
  a.description = "DCQCN (SIGCOMM'15): ECN marks -> CNPs -> rate cut by alpha/2, timer and "
                  "byte-counter recovery";
  a.params = {
      {"alpha_interval", 55e3, 1e3, 1e9, ParamUnit::kTimeNs,
       "K: alpha decays by (1-g) per interval without CNP (paper: 55 us)", false},
      {"g", 1.0 / 256, 1e-6, 1.0, ParamUnit::kDimensionless, "alpha gain (paper: 1/256)", false},
      {"decrease_interval", 50e3, 0, 1e9, ParamUnit::kTimeNs,
       "at most one rate cut per interval (50 us: CNP interval of the paper, and of HPCC's "
       "dcqcn_paper configuration)",
       false},
      {"increase_interval", 55e3, 1e3, 1e9, ParamUnit::kTimeNs,
       "T: rate-increase timer (paper: 55 us)", false},
      {"byte_counter", 10e6, 0, 1e12, ParamUnit::kBytes,
       "B: one increase event per B bytes sent (paper: 10 MB); 0 disables", false},
      {"fast_recovery", 5, 0, 1000, ParamUnit::kCount,
       "F: increase events of fast recovery (paper: 5)", false},
      {"rai", 40e6, 0, 1e12, ParamUnit::kRateBps, "additive increase step (paper: 40 Mb/s)",
       false},
      {"rhai", 100e6, 0, 1e12, ParamUnit::kRateBps,
       "hyper increase step (100 Mb/s, the PowerTCP authors' ns-3 RATE_HAI)", false},
      {"min_rate", 100e6, 0, 1e12, ParamUnit::kRateBps,
       "rate floor (100 Mb/s, HPCC ns-3 default MinRate)", false},
  };
  a.needs_ecn = true;
  a.make = [](const FlowContext& ctx, const ParamValues& p) -> std::unique_ptr<CongestionControl> {
    DcqcnConfig c;
    c.alpha_interval = static_cast<TimeNs>(param_or(p, "alpha_interval", 55e3));
    c.g = param_or(p, "g", 1.0 / 256);
    c.decrease_interval = static_cast<TimeNs>(param_or(p, "decrease_interval", 50e3));
    c.increase_interval = static_cast<TimeNs>(param_or(p, "increase_interval", 55e3));
    c.byte_counter = param_or(p, "byte_counter", 10e6);
    c.fast_recovery = static_cast<std::uint32_t>(param_or(p, "fast_recovery", 5));
    c.rai = param_or(p, "rai", 40e6) / 8.0;
    c.rhai = param_or(p, "rhai", 100e6) / 8.0;
    c.min_rate = param_or(p, "min_rate", 100e6) / 8.0;
    return std::make_unique<Dcqcn>(ctx, c);
  };
  return a;
}

}  // namespace ptcp::cc
