// TIMELY (Mittal et al., SIGCOMM 2015), the paper's Algorithm 1: rate-based, from RTT samples.
// On each completion event (see segment_bytes):
//   new_rtt_diff = rtt - prev_rtt;  rtt_diff = (1-a)*rtt_diff + a*new_rtt_diff, where a = ewma
//   is the weight of the NEW sample (0.875, as in the HPCC ns-3 TIMELY that the PowerTCP paper
//   compared against); gradient = rtt_diff / min_rtt;
//   rtt < t_low: rate += delta;  rtt > t_high: rate *= 1 - beta*(1 - t_high/rtt);
//   gradient <= 0: rate += N*delta, N = hai_factor once more than hai_after consecutive
//   completion events had gradient <= 0 (hyperactive increase), else 1;
//   gradient > 0: rate *= 1 - beta*gradient (at least 0).
// The rate is clamped to [min_rate, line rate]; the window is unlimited (kUnlimitedCwnd).
// Loss and timeout: nothing (TIMELY has no loss response of its own; the transport retransmits).
#pragma once

#include "cc/cc.h"
#include "cc/registry.h"

namespace ptcp::cc {

struct TimelyConfig {
  double ewma = 0.875;            // weight of the new RTT difference
  TimeNs t_low = 50'000;
  TimeNs t_high = 500'000;
  double delta = 10e6 / 8;        // additive step, bytes/s
  double beta = 0.8;
  std::uint32_t hai_after = 5;    // consecutive gradient <= 0 events before HAI
  double hai_factor = 5;          // N in HAI
  TimeNs min_rtt = 20'000;        // gradient normalization
  double min_rate = 100e6 / 8;    // bytes/s
  double segment_bytes = 16'000;  // one completion event per this many acknowledged bytes
};

class Timely final : public CongestionControl {
 public:
  Timely(const FlowContext& ctx, const TimelyConfig& cfg);

  void on_ack(const AckEvent& ev) override;
  double congestion_signal() const override { return gradient_; }
  double rtt_diff() const { return rtt_diff_; }

 private:
  TimelyConfig cfg_;
  double line_rate_;
  bool have_prev_ = false;
  TimeNs prev_rtt_ = 0;
  std::uint64_t last_event_una_ = 0;
  double rtt_diff_ = 0;
  double gradient_ = 0;
  std::uint32_t neg_events_ = 0;
};

Algorithm make_timely_algorithm();

}  // namespace ptcp::cc
