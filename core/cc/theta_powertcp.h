// theta-PowerTCP (reference section 3): PowerTCP's law driven by RTT samples only, for
// networks without INT. Power is estimated from the RTT gradient; the window is updated once
// per RTT.
#pragma once

#include "cc/cc.h"
#include "cc/registry.h"

namespace ptcp::cc {

class ThetaPowerTcp final : public CongestionControl {
 public:
  ThetaPowerTcp(const FlowContext& ctx, double gamma, double beta_bytes);

  void on_ack(const AckEvent& ev) override;
  // As PowerTCP: nothing special on loss or timeout (see powertcp.h).
  double congestion_signal() const override { return gamma_s_; }

  double beta_bytes() const { return beta_; }

 private:
  double gamma_;
  double beta_;
  double tau_s_;
  TimeNs tau_ns_;
  double max_cwnd_;
  double min_cwnd_;
  bool have_prev_ = false;
  TimeNs prev_time_ = 0;  // arrival time of the previous ACK with an RTT sample
  TimeNs prev_rtt_ = 0;
  double gamma_s_ = 1.0;
  std::uint64_t last_update_seq_ = 0;  // snd_nxt at the last window update
};

Algorithm make_theta_powertcp_algorithm();

}  // namespace ptcp::cc
