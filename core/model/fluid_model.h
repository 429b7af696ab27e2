// A delayed-feedback fluid model of window-based congestion control on one bottleneck of rate b
// shared by N flows (reference sections 1-5, 8):
//   queue     dq/dt = sum_i x_i - b while q > 0 (q >= 0),  x_i = w_i / max(tau, RTT_i)
//   RTT       RTT_i = d_i + q/b   (d_i: the flow's unloaded round trip)
//   window    dw_i/dt = g/dt * (target_i - w_i), target_i from the law on the state one RTT ago
// PowerTCP:  target = w_i(t-RTT)/Gamma + beta, Gamma = lambda*(q + b*tau)/(b^2*tau) at t-RTT
//            (lambda = arrival rate), g = gamma: the paper's continuous-time form of
//            w <- gamma*(w_old/Gamma + beta) + (1-gamma)*w with update interval dt.
// theta:     the same with Gamma = max(dq/dt/b + 1, 0) * RTT/tau at t-RTT.
// HPCC:      target = w_i(t-RTT)*eta/U + W_AI, U = min(lambda,b)/b + q/(b*tau), g = 1 (HPCC
//            recomputes W from the reference window on every ACK; the AI stages are not modelled).
// What an ACK arriving at t carries (`feedback`): kOneRtt reads everything one RTT back,
// RTT = d + q(t)/b (the paper's theorem, in which the delay cancels out of the total window);
// kFifo follows the acknowledged packet through the FIFO queue: it left the bottleneck at
// t_deq = t - d/2 (INT is stamped then: queue and arrival rate at t_deq), entered it at t_enq
// with A(t_enq) = D(t_deq) (A, D: cumulative arrivals and departures), was sent at
// t_send = t_enq - d/2 (the window reference is w(t_send), and its RTT sample, for theta, is
// d + q(t_enq)/b). A flow's first feedback is the ACK of its first packet.
// The signal is low-pass filtered with time constant tau (dS/dt = (signal - S)/tau, as the
// implementations smooth Gamma_s and U) unless `smoothing` is off, which gives the paper's
// theorem: the total window then converges exponentially with time constant dt/gamma.
// Windows start at HostBw*tau (line rate), stay in [min_window, HostBw*tau], and change only
// once the flow's first feedback is back (start + RTT). Units: seconds, bytes, bytes/s.
// Integration: fixed-step RK4 on an Eigen vector; delayed values come from a history of past
// steps with linear interpolation, so the step must be below the smallest RTT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include <Eigen/Core>

namespace ptcp::model {

enum class Law : std::uint8_t { kPowerTcp, kThetaPowerTcp, kHpcc };
enum class Feedback : std::uint8_t { kOneRtt, kFifo };
// "powertcp", "theta-powertcp", "hpcc"; nullopt for algorithms the model does not know.
std::optional<Law> law_for(std::string_view algorithm);
const char* to_string(Law law);

inline constexpr double kInf = std::numeric_limits<double>::infinity();

struct FlowSpec {
  double start = 0;         // s
  double stop = kInf;       // s: the sender stops sending
  double size = kInf;       // bytes to deliver (in the model's byte unit); kInf = long flow
  double base_rtt = 0;      // d: unloaded RTT of its path, s
  double host_rate = 0;     // NIC rate, bytes/s (the window cap is host_rate*tau)
  double beta = 0;          // PowerTCP/theta: beta; HPCC: W_AI (bytes per update)
};

struct ModelConfig {
  Law law = Law::kPowerTcp;
  double b = 0;                 // bottleneck rate, bytes/s
  double tau = 0;               // the algorithm's tau, s
  double gamma = 0.9;           // PowerTCP/theta EWMA weight
  double eta = 0.95;            // HPCC target utilization
  double update_interval = 0;   // dt, s (0 = tau)
  bool smoothing = true;        // low-pass the signal with time constant tau
  Feedback feedback = Feedback::kOneRtt;
  double min_window = 1000;     // bytes (one packet)
  double min_norm = 0.01;       // floor of normalized power / utilization
  double step = 0;              // RK4 step, s (0 = automatic: min(d_i, dt)/50)
  std::vector<FlowSpec> flows;
};

class FluidModel {
 public:
  // Throws std::invalid_argument for an unusable configuration (b, tau or d_i not positive,
  // a step not below the smallest RTT).
  explicit FluidModel(ModelConfig config);

  // Integrates until time() >= t (whole steps; time() may pass t by less than one step).
  void advance_to(double t);
  void step_once();

  double time() const { return t_; }
  double step() const { return h_; }
  std::size_t flow_count() const { return n_; }
  const ModelConfig& config() const { return c_; }
  // State: [q, w_0..w_{N-1}, S_0..S_{N-1} (smoothed signal), sent_0..sent_{N-1}, A, D].
  const Eigen::VectorXd& state() const { return x_; }

  double queue() const { return x_(0); }
  double window(std::size_t i) const { return x_(w_idx(i)); }
  double total_window() const;  // over flows that are sending
  double signal(std::size_t i) const { return x_(s_idx(i)); }
  double sent(std::size_t i) const { return x_(sent_idx(i)); }
  // The RTT sample of the ACK arriving now.
  double rtt(std::size_t i) const { return t_ - echo(i, t_, queue()).t_send; }
  double send_rate(std::size_t i) const { return rate_of(i, t_, x_); }
  double arrival_rate() const { return arrival(t_, x_); }
  // Bytes acknowledged at the sender: what was sent when the packet acknowledged now was.
  double acked(std::size_t i) const;
  bool sending(std::size_t i) const { return sending_at(i, t_, x_); }
  // The instant the last byte was acknowledged (NaN while unfinished or for long flows).
  double finish_time(std::size_t i) const { return finish_[i]; }

 private:
  struct Past {
    double t;
    double in;  // arrival rate at the bottleneck
    Eigen::VectorXd x;
  };
  // The instants behind an ACK arriving at t (see `feedback`).
  struct Echo {
    double t_send, t_enq, t_deq;
  };
  static Eigen::Index ix(std::size_t i) { return static_cast<Eigen::Index>(i); }
  Eigen::Index a_idx() const { return ix(1 + 3 * n_); }
  Eigen::Index d_idx() const { return ix(2 + 3 * n_); }
  Eigen::Index w_idx(std::size_t i) const { return ix(1 + i); }
  Eigen::Index s_idx(std::size_t i) const { return ix(1 + n_ + i); }
  Eigen::Index sent_idx(std::size_t i) const { return ix(1 + 2 * n_ + i); }

  bool sending_at(std::size_t i, double t, const Eigen::VectorXd& x) const;
  double rate_of(std::size_t i, double t, const Eigen::VectorXd& x) const;
  double arrival(double t, const Eigen::VectorXd& x) const;
  // Component k of the state at time t (t <= time()), and the arrival rate then.
  double past(Eigen::Index k, double t) const;
  double past_arrival(double t) const;
  Echo echo(std::size_t i, double t, double q_now) const;
  // The earliest recorded instant at which cumulative arrivals reached `bytes`.
  double arrivals_reached(double bytes) const;
  // The algorithm's signal (normalized power or utilization) carried by flow i's ACK.
  double raw_signal(std::size_t i, const Echo& e) const;
  Eigen::VectorXd derivative(double t, const Eigen::VectorXd& x) const;
  void record();
  void trim();

  ModelConfig c_;
  std::size_t n_;
  double h_ = 0;
  double dt_ = 0;
  double t_ = 0;
  Eigen::VectorXd x_;
  std::deque<Past> history_;
  std::vector<double> finish_;
  double q_max_ = 0;  // largest queue so far (how far back lookups may reach)
};

}  // namespace ptcp::model
