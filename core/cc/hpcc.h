// HPCC (Li et al., SIGCOMM 2019), window-based with INT, as in the paper's Algorithm 1:
//   per hop u = txRate/b + min(qlen, qlen_prev)/(b*tau); U = max over hops, smoothed in time
//   like PowerTCP; W = Wc/(U/eta) + W_AI when U >= eta or stage >= max_stage (stage = 0), else
//   W = Wc + W_AI (stage + 1). W is computed on every ACK from the reference window Wc, which
//   (with the stage) is updated once per RTT; pacing = W/tau; W in [one packet, HostBw*tau].
#pragma once

#include "cc/cc.h"
#include "cc/int_sample.h"
#include "cc/registry.h"

namespace ptcp::cc {

class Hpcc final : public CongestionControl {
 public:
  Hpcc(const FlowContext& ctx, double eta, std::uint32_t max_stage, double w_ai_bytes);

  void on_ack(const AckEvent& ev) override;
  // Like the HPCC code: nothing special on loss or timeout (lossless fabric; the transport
  // retransmits).
  double congestion_signal() const override { return u_; }

  double reference_window() const { return wc_; }
  std::uint32_t stage() const { return stage_; }
  double w_ai() const { return w_ai_; }

 private:
  double eta_;
  std::uint32_t max_stage_;
  double w_ai_;
  double tau_s_;
  TimeNs tau_ns_;
  double max_cwnd_;
  double min_cwnd_;
  IntRecord record_;
  double u_ = 1.0;  // smoothed utilization (HPCC's code starts it at 1)
  double wc_;       // reference window
  std::uint32_t stage_ = 0;
  std::uint64_t last_update_seq_ = 0;
};

Algorithm make_hpcc_algorithm();

}  // namespace ptcp::cc
