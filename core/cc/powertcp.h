// PowerTCP (Addanki et al., NSDI 2022), window-based, with switch INT: the paper's control law
// (reference sections 1, 2, 5; shared/reference/powertcp.md), applied at most once per base RTT.
//
// Why not on every ACK, as the paper's Algorithm 1 is written: with (1-gamma) weighting the
// *current* window, k per-ACK updates within one RTT compound, so the window reaches
// cwnd_old/Gamma_s + beta after a few ACKs whatever gamma is (per-RTT gain ~1, not gamma), and
// it follows Gamma_s as it moves within the RTT, while Gamma_s early in an RTT still reflects
// data sent under the previous window. In closed loop (tests/switch/closed_loop_test.cc, 2-4
// flows, beta = HostBw*tau/10) that is a limit cycle: windows swing between ~24 KB and the
// HostBw*tau cap every 3-4 RTTs, queue +67%/+27% over N*beta. Applying the same law once per
// tau (the update interval dt of the paper's theorem, so the error shrinks by (1-gamma) per
// update, reference section 5) settles within a few percent. `update_interval` = 0 restores
// the per-ACK law for comparison; docs/powertcp.md has the measurements.
#pragma once

#include "cc/cc.h"
#include "cc/int_sample.h"
#include "cc/registry.h"

namespace ptcp::cc {

// Parameters shared by powertcp and theta-powertcp.
inline constexpr double kPowerGammaDefault = 0.9;
inline constexpr double kPowerAiRateDefault = 150e6;  // bit/s: the authors' code adds 150 Mb/s
inline constexpr double kPowerMinNorm = 0.01;         // floor on normalized power
// PowerTcp's update interval meaning "the flow's base RTT tau" (the default).
inline constexpr TimeNs kPowerUpdateEveryTau = -1;

// beta in bytes from the resolved parameters, by precedence beta > expected_flows > ai_rate:
//   beta, or HostBw*tau/expected_flows, or ai_rate*tau.
double power_beta_bytes(const FlowContext& ctx, const ParamValues& p);
// The parameter specs of gamma, beta, ai_rate and expected_flows.
std::vector<ParamSpec> power_window_params();

class PowerTcp final : public CongestionControl {
 public:
  // update_interval: least time between two window updates; kPowerUpdateEveryTau = tau (the
  // default), 0 = every ACK carrying a new INT sample (the paper's Algorithm 1 as written).
  PowerTcp(const FlowContext& ctx, double gamma, double beta_bytes,
           TimeNs update_interval = kPowerUpdateEveryTau);

  void on_ack(const AckEvent& ev) override;
  // The authors' code does nothing special on loss or timeout (their fabric is lossless); the
  // transport's retransmission handles the loss and the next INT sample the congestion, so
  // neither is overridden.
  double congestion_signal() const override { return gamma_s_; }

  double beta_bytes() const { return beta_; }
  double cwnd_old() const { return cwnd_old_; }
  double max_cwnd() const { return max_cwnd_; }
  TimeNs update_interval() const { return update_interval_; }

 private:
  // Folds this ACK's INT into Gamma_s; false if no hop gave a sample.
  bool smooth(const wire::IntStack& s);
  // The window law: cwnd = gamma*(cwnd_old/Gamma_s + beta) + (1-gamma)*cwnd, clamped.
  void update_window();

  // Configuration, fixed at creation.
  double gamma_;
  double beta_;       // bytes added per update
  double tau_s_;      // base RTT, seconds
  TimeNs tau_ns_;
  double max_cwnd_;   // HostBw * tau
  double min_cwnd_;   // one packet
  TimeNs update_interval_;
  // State.
  IntRecord record_;
  double gamma_s_ = 1.0;          // smoothed normalized power
  double cwnd_old_;               // window snapshot, taken once per RTT
  std::uint64_t snapshot_seq_ = 0;  // snd_nxt when cwnd_old_ was taken
  TimeNs last_update_ = 0;
  bool updated_ = false;            // the window was updated at least once
};

Algorithm make_powertcp_algorithm();

}  // namespace ptcp::cc
