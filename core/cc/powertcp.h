// PowerTCP (Addanki et al., NSDI 2022), window-based, with switch INT: exactly the paper's
// control law (reference sections 1, 2, 5; docs in shared/reference/powertcp.md).
#pragma once

#include "cc/cc.h"
#include "cc/int_sample.h"
#include "cc/registry.h"

namespace ptcp::cc {

// Parameters shared by powertcp and theta-powertcp.
inline constexpr double kPowerGammaDefault = 0.9;
inline constexpr double kPowerAiRateDefault = 150e6;  // bit/s: the authors' code adds 150 Mb/s
inline constexpr double kPowerMinNorm = 0.01;         // floor on normalized power

// beta in bytes from the resolved parameters, by precedence beta > expected_flows > ai_rate:
//   beta, or HostBw*tau/expected_flows, or ai_rate*tau.
double power_beta_bytes(const FlowContext& ctx, const ParamValues& p);
// The parameter specs of gamma, beta, ai_rate and expected_flows.
std::vector<ParamSpec> power_window_params();

class PowerTcp final : public CongestionControl {
 public:
  PowerTcp(const FlowContext& ctx, double gamma, double beta_bytes);

  void on_ack(const AckEvent& ev) override;
  // The authors' code does nothing special on loss or timeout (their fabric is lossless); the
  // transport's retransmission handles the loss and the next INT sample the congestion, so
  // neither is overridden.
  double congestion_signal() const override { return gamma_s_; }

  double beta_bytes() const { return beta_; }
  double cwnd_old() const { return cwnd_old_; }
  double max_cwnd() const { return max_cwnd_; }

 private:
  void update(const wire::IntStack& s);

  // Configuration, fixed at creation.
  double gamma_;
  double beta_;       // bytes added per update
  double tau_s_;      // base RTT, seconds
  TimeNs tau_ns_;
  double max_cwnd_;   // HostBw * tau
  double min_cwnd_;   // one packet
  // State.
  IntRecord record_;
  double gamma_s_ = 1.0;          // smoothed normalized power
  double cwnd_old_;               // window snapshot, taken once per RTT
  std::uint64_t snapshot_seq_ = 0;  // snd_nxt when cwnd_old_ was taken
};

Algorithm make_powertcp_algorithm();

}  // namespace ptcp::cc
