// DCQCN (Zhu et al., SIGCOMM 2015), the reaction point: rate-based, driven by CNPs from the
// receiver (which sees ECN marks) and by its own timers. Following the paper's RP algorithm:
//   on CNP:   R_T = R_C; R_C = R_C * (1 - alpha/2); alpha = (1-g)*alpha + g; counters reset.
//   alpha:    every K (alpha_interval) without a CNP, alpha = (1-g)*alpha.
//   increase: each expiry of the timer T (increase_interval) or of the byte counter B
//             (byte_counter bytes sent) is one increase event. With i_t, i_b the events of each
//             kind since the last cut (before this one): max(i_t,i_b) < F: fast recovery
//             R_C = (R_T+R_C)/2; min(i_t,i_b) > F: hyper increase R_T += (min-F)*R_HAI, then
//             R_C = (R_T+R_C)/2; otherwise additive R_T += R_AI, R_C = (R_T+R_C)/2.
// As in the Mellanox/HPCC ns-3 implementation the sender cuts at most once per
// decrease_interval: a CNP inside that interval is remembered and applied when it ends.
// alpha's decay is computed exactly from `now` (alpha * (1-g)^periods), so it needs no timer;
// the increase timer and a deferred cut are the only deadlines (next_timer()).
// The window is unlimited (kUnlimitedCwnd): DCQCN is rate-only. Loss and timeout: nothing
// (DCQCN runs on a lossless fabric; the transport retransmits).
#pragma once

#include "cc/cc.h"
#include "cc/registry.h"

namespace ptcp::cc {

struct DcqcnConfig {
  TimeNs alpha_interval = 55'000;     // K
  double g = 1.0 / 256;
  TimeNs decrease_interval = 50'000;  // at most one cut per interval
  TimeNs increase_interval = 55'000;  // T
  double byte_counter = 10e6;         // B, bytes; 0 disables the byte counter
  std::uint32_t fast_recovery = 5;    // F
  double rai = 40e6 / 8;              // bytes/s
  double rhai = 100e6 / 8;            // bytes/s
  double min_rate = 100e6 / 8;        // bytes/s
};

class Dcqcn final : public CongestionControl {
 public:
  Dcqcn(const FlowContext& ctx, const DcqcnConfig& cfg);

  void on_ack(const AckEvent& /*ev*/) override {}
  void on_cnp(TimeNs now) override;
  void on_send(TimeNs now, std::uint64_t seq, std::uint32_t bytes) override;
  TimeNs next_timer() const override;
  void on_timer(TimeNs now) override;
  double congestion_signal() const override { return alpha_; }

  double alpha_at(TimeNs now) const;  // alpha including the decay up to `now`
  double target_rate() const { return rt_; }
  double current_rate() const { return rc_; }

 private:
  void cut(TimeNs now);
  void increase(bool by_timer);

  DcqcnConfig cfg_;
  double line_rate_;
  double rc_;  // current rate, bytes/s
  double rt_;  // target rate
  double alpha_ = 1.0;
  TimeNs alpha_epoch_ = 0;  // last alpha update (CNP); decay counts whole K periods from here
  bool alpha_started_ = false;
  bool have_cut_ = false;
  TimeNs last_cut_ = 0;
  bool pending_cut_ = false;
  TimeNs next_decrease_ = kNever;
  TimeNs next_increase_ = kNever;  // kNever when at line rate (nothing to recover)
  std::uint32_t timer_events_ = 0;
  std::uint32_t byte_events_ = 0;
  double bytes_since_ = 0;
};

Algorithm make_dcqcn_algorithm();

}  // namespace ptcp::cc
