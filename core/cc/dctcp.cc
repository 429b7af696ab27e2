#include "cc/dctcp.h"

#include <algorithm>
#include <stdexcept>

#include "cc/params.h"

namespace ptcp::cc {

Dctcp::Dctcp(const FlowContext& ctx, double g, double alpha_init)
    : g_(g),
      packet_(static_cast<double>(std::max<std::uint32_t>(ctx.packet_bytes, 1))),
      wire_per_payload_(packet_ / static_cast<double>(std::max<std::uint32_t>(ctx.mss, 1))),
      line_rate_(bytes_per_sec(ctx.host_rate)),
      srtt_s_(static_cast<double>(ctx.base_rtt) * 1e-9),
      alpha_(alpha_init) {
  if (ctx.base_rtt <= 0 || ctx.host_rate == 0) {
    throw std::invalid_argument("dctcp needs a base RTT (tau) and a host rate");
  }
  cwnd_ = std::max(line_rate_ * srtt_s_, packet_);
  set_pacing();
}

void Dctcp::set_pacing() { pacing_ = std::min(cwnd_ / srtt_s_, line_rate_); }

void Dctcp::on_ack(const AckEvent& ev) {
  if (ev.rtt != kNoRttSample && ev.rtt > 0) {
    const double r = static_cast<double>(ev.rtt) * 1e-9;
    srtt_s_ = have_rtt_ ? 0.875 * srtt_s_ + 0.125 * r : r;
    have_rtt_ = true;
  }
  if (!window_started_) {
    window_started_ = true;
    window_end_ = ev.snd_nxt;
  }
  const double acked = static_cast<double>(ev.bytes_acked);
  acked_in_window_ += acked;
  if (ev.ecn_echo) marked_in_window_ += acked;
  if (ev.snd_una > window_end_) {  // one window of ACKs observed: update alpha
    const double f = acked_in_window_ > 0 ? marked_in_window_ / acked_in_window_ : 0.0;
    alpha_ = (1.0 - g_) * alpha_ + g_ * f;
    acked_in_window_ = marked_in_window_ = 0;
    window_end_ = ev.snd_nxt;
  }
  if (in_cwr_ && ev.snd_una > cwr_end_) in_cwr_ = false;
  if (ev.ecn_echo) {
    if (!in_cwr_) {
      cwnd_ = std::max(cwnd_ * (1.0 - alpha_ / 2.0), packet_);
      in_cwr_ = true;
      cwr_end_ = ev.snd_nxt;
    }
  } else if (!in_cwr_) {
    // One packet per window of ACKs: cwnd counts wire bytes, bytes_acked payload bytes.
    cwnd_ += packet_ * acked * wire_per_payload_ / cwnd_;
  }
  set_pacing();
}

void Dctcp::halve(std::uint64_t snd_nxt) {
  if (in_cwr_) return;
  cwnd_ = std::max(cwnd_ / 2.0, packet_);
  in_cwr_ = true;
  cwr_end_ = snd_nxt;
  set_pacing();
}

void Dctcp::on_loss(const LossEvent& ev) { halve(ev.snd_nxt); }

void Dctcp::on_timeout(TimeNs /*now*/) {
  // A timeout halves even inside a reduction window: the ACK clock is lost.
  in_cwr_ = false;
  cwnd_ = std::max(cwnd_ / 2.0, packet_);
  set_pacing();
}

Algorithm make_dctcp_algorithm() {
  Algorithm a;
  a.name = "dctcp";
  a.description = "DCTCP (SIGCOMM'10): window cut by alpha/2, alpha = EWMA of the ECN fraction";
  a.params = {
      {"g", 1.0 / 16, 1e-6, 1.0, ParamUnit::kDimensionless, "alpha gain (paper: 1/16)", false},
      {"alpha_init", 1.0, 0.0, 1.0, ParamUnit::kDimensionless,
       "initial alpha (Linux: 1, so the first mark halves)", false},
  };
  a.needs_ecn = true;
  a.make = [](const FlowContext& ctx, const ParamValues& p) -> std::unique_ptr<CongestionControl> {
    return std::make_unique<Dctcp>(ctx, param_or(p, "g", 1.0 / 16), param_or(p, "alpha_init", 1.0));
  };
  return a;
}

}  // namespace ptcp::cc
