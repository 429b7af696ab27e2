#include "model/fluid_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ptcp::model {

std::optional<Law> law_for(std::string_view algorithm) {
  if (algorithm == "powertcp") return Law::kPowerTcp;
  if (algorithm == "theta-powertcp") return Law::kThetaPowerTcp;
  if (algorithm == "hpcc") return Law::kHpcc;
  return std::nullopt;
}

const char* to_string(Law law) {
  switch (law) {
    case Law::kPowerTcp: return "powertcp";
    case Law::kThetaPowerTcp: return "theta-powertcp";
    case Law::kHpcc: return "hpcc";
  }
  return "?";
}

FluidModel::FluidModel(ModelConfig config) : c_(std::move(config)), n_(c_.flows.size()) {
  if (!(c_.b > 0) || !(c_.tau > 0)) throw std::invalid_argument("fluid model: b and tau must be positive");
  if (!(c_.gamma > 0) || c_.gamma > 1) throw std::invalid_argument("fluid model: gamma must be in (0, 1]");
  dt_ = c_.update_interval > 0 ? c_.update_interval : c_.tau;
  double d_min = dt_;
  for (const auto& f : c_.flows) {
    if (!(f.base_rtt > 0)) throw std::invalid_argument("fluid model: every flow needs a positive base RTT");
    if (!(f.host_rate > 0)) throw std::invalid_argument("fluid model: every flow needs a positive host rate");
    d_min = std::min(d_min, f.base_rtt);
  }
  h_ = c_.step > 0 ? c_.step : d_min / 50;
  // Delayed lookups inside an RK4 step reach t + h - d/2; they must fall in the recorded past.
  if (h_ > 0.25 * d_min) {
    throw std::invalid_argument("fluid model: step " + std::to_string(h_) +
                                " s is not below a quarter of the smallest RTT");
  }
  x_ = Eigen::VectorXd::Zero(ix(3 + 3 * n_));
  for (std::size_t i = 0; i < n_; ++i) {
    x_(w_idx(i)) = std::max(c_.flows[i].host_rate * c_.tau, c_.min_window);  // line rate
    x_(s_idx(i)) = 1.0;  // Gamma_s and HPCC's U both start at 1
  }
  finish_.assign(n_, std::numeric_limits<double>::quiet_NaN());
  record();
}

double FluidModel::total_window() const {
  double w = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    if (sending(i)) w += window(i);
  }
  return w;
}

bool FluidModel::sending_at(std::size_t i, double t, const Eigen::VectorXd& x) const {
  const FlowSpec& f = c_.flows[i];
  return t >= f.start && t < f.stop && x(sent_idx(i)) < f.size;
}

double FluidModel::rate_of(std::size_t i, double t, const Eigen::VectorXd& x) const {
  if (!sending_at(i, t, x)) return 0;
  // Window-limited at w/RTT, and paced at w/tau: whichever is slower.
  const double rtt = c_.flows[i].base_rtt + std::max(x(0), 0.0) / c_.b;
  return std::max(x(w_idx(i)), 0.0) / std::max(c_.tau, rtt);
}

double FluidModel::arrival(double t, const Eigen::VectorXd& x) const {
  double in = 0;
  for (std::size_t i = 0; i < n_; ++i) in += rate_of(i, t, x);
  return in;
}

double FluidModel::past(Eigen::Index k, double t) const {
  const Past& first = history_.front();
  if (t <= first.t) return first.x(k);
  const double pos = (t - first.t) / h_;
  const auto j = static_cast<std::size_t>(pos);
  if (j + 1 >= history_.size()) return history_.back().x(k);
  const double a = pos - static_cast<double>(j);
  return (1 - a) * history_[j].x(k) + a * history_[j + 1].x(k);
}

double FluidModel::past_arrival(double t) const {
  const Past& first = history_.front();
  if (t <= first.t) return first.in;
  const double pos = (t - first.t) / h_;
  const auto j = static_cast<std::size_t>(pos);
  if (j + 1 >= history_.size()) return history_.back().in;
  const double a = pos - static_cast<double>(j);
  return (1 - a) * history_[j].in + a * history_[j + 1].in;
}

double FluidModel::arrivals_reached(double bytes) const {
  const Eigen::Index a = a_idx();
  if (history_.front().x(a) >= bytes) return history_.front().t;
  std::size_t lo = 0, hi = history_.size() - 1;  // A(lo) < bytes
  if (history_[hi].x(a) < bytes) return history_[hi].t;
  while (hi - lo > 1) {  // A(hi) >= bytes
    const std::size_t mid = (lo + hi) / 2;
    (history_[mid].x(a) < bytes ? lo : hi) = mid;
  }
  const double a0 = history_[lo].x(a), a1 = history_[hi].x(a);
  const double frac = a1 > a0 ? (bytes - a0) / (a1 - a0) : 1.0;
  return history_[lo].t + frac * (history_[hi].t - history_[lo].t);
}

FluidModel::Echo FluidModel::echo(std::size_t i, double t, double q_now) const {
  const double d = c_.flows[i].base_rtt;
  if (c_.feedback == Feedback::kOneRtt) {
    const double tp = t - (d + q_now / c_.b);
    return Echo{tp, tp, tp};
  }
  const double t_deq = t - d / 2;
  const double t_enq =
      past(0, t_deq) > 0 ? std::min(arrivals_reached(past(d_idx(), t_deq)), t_deq) : t_deq;
  return Echo{t_enq - d / 2, t_enq, t_deq};
}

double FluidModel::raw_signal(std::size_t i, const Echo& e) const {
  // INT describes the queue when the packet left it; an RTT sample, when it entered.
  const double at = c_.law == Law::kThetaPowerTcp ? e.t_enq : e.t_deq;
  const double q = std::max(past(0, at), 0.0);
  const double in = past_arrival(at);
  const double b = c_.b, tau = c_.tau;
  double s = 0;
  switch (c_.law) {
    case Law::kPowerTcp:  // lambda * (q + b*tau) / (b^2*tau); lambda = dq/dt + mu = arrivals
      s = in * (q + b * tau) / (b * b * tau);
      break;
    case Law::kThetaPowerTcp: {  // (dRTT/dt + 1) * RTT / tau
      const double qdot = (q > 0 || in > b) ? in - b : 0.0;
      const double rtt = c_.flows[i].base_rtt + q / b;
      s = std::max(qdot / b + 1, 0.0) * rtt / tau;
      break;
    }
    case Law::kHpcc:  // txRate/b + qlen/(b*tau)
      s = std::min(in, b) / b + q / (b * tau);
      break;
  }
  return std::max(s, c_.min_norm);
}

Eigen::VectorXd FluidModel::derivative(double t, const Eigen::VectorXd& x) const {
  Eigen::VectorXd dx = Eigen::VectorXd::Zero(x.size());
  const double q = std::max(x(0), 0.0);
  const double in = arrival(t, x);
  dx(0) = (q > 0 || in > c_.b) ? in - c_.b : 0.0;
  dx(a_idx()) = in;
  dx(d_idx()) = (q > 0 || in > c_.b) ? c_.b : in;
  for (std::size_t i = 0; i < n_; ++i) {
    const FlowSpec& f = c_.flows[i];
    if (!sending_at(i, t, x)) continue;  // not started, stopped or done: frozen
    dx(sent_idx(i)) = rate_of(i, t, x);
    const Echo e = echo(i, t, q);
    if (e.t_send < f.start) continue;  // no feedback yet: the first ACK only stores state
    const double sig = raw_signal(i, e);
    double s = sig;
    if (c_.smoothing) {
      s = x(s_idx(i));
      dx(s_idx(i)) = (sig - s) / c_.tau;
    }
    s = std::max(s, c_.min_norm);
    const double w_old = past(w_idx(i), e.t_send);
    const double w = x(w_idx(i));
    double target = 0, gain = 0;
    if (c_.law == Law::kHpcc) {
      target = w_old * c_.eta / s + f.beta;
      gain = 1.0 / dt_;
    } else {
      target = w_old / s + f.beta;
      gain = c_.gamma / dt_;
    }
    double dw = gain * (target - w);
    const double cap = std::max(f.host_rate * c_.tau, c_.min_window);
    if ((w >= cap && dw > 0) || (w <= c_.min_window && dw < 0)) dw = 0;
    dx(w_idx(i)) = dw;
  }
  return dx;
}

void FluidModel::step_once() {
  const double t = t_, h = h_;
  const Eigen::VectorXd k1 = derivative(t, x_);
  const Eigen::VectorXd k2 = derivative(t + h / 2, x_ + h / 2 * k1);
  const Eigen::VectorXd k3 = derivative(t + h / 2, x_ + h / 2 * k2);
  const Eigen::VectorXd k4 = derivative(t + h, x_ + h * k3);
  x_ += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  t_ = history_.front().t + h_ * static_cast<double>(history_.size());  // no drift in t
  x_(0) = std::max(x_(0), 0.0);
  q_max_ = std::max(q_max_, x_(0));
  for (std::size_t i = 0; i < n_; ++i) {
    const double cap = std::max(c_.flows[i].host_rate * c_.tau, c_.min_window);
    x_(w_idx(i)) = std::clamp(x_(w_idx(i)), c_.min_window, cap);
  }
  record();
  for (std::size_t i = 0; i < n_; ++i) {
    if (std::isfinite(c_.flows[i].size) && std::isnan(finish_[i]) && acked(i) >= c_.flows[i].size) {
      finish_[i] = t_;
    }
  }
  trim();
}

void FluidModel::advance_to(double t) {
  while (t_ < t - 1e-6 * h_) step_once();
}

double FluidModel::acked(std::size_t i) const {
  return std::min(past(sent_idx(i), echo(i, t_, queue()).t_send), c_.flows[i].size);
}

void FluidModel::record() { history_.push_back(Past{t_, arrival(t_, x_), x_}); }

void FluidModel::trim() {
  // Keep what the longest delayed lookup can reach: the largest RTT now, with room for the
  // queue to grow within the next steps. (t stays front.t + k*h, so dropping whole entries
  // keeps the uniform spacing lookups rely on.)
  double d_max = 0;
  for (const auto& f : c_.flows) d_max = std::max(d_max, f.base_rtt);
  const double keep = 2 * (d_max + q_max_ / c_.b) + 8 * h_;
  while (history_.size() > 2 && history_[1].t < t_ - keep) history_.pop_front();
}

}  // namespace ptcp::model
