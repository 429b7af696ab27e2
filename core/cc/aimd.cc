#include "cc/aimd.h"

#include <algorithm>
#include <stdexcept>

#include "cc/params.h"

namespace ptcp::cc {

Aimd::Aimd(const FlowContext& ctx, double decrease)
    : decrease_(decrease),
      packet_(static_cast<double>(std::max<std::uint32_t>(ctx.packet_bytes, 1))),
      wire_per_payload_(packet_ / static_cast<double>(std::max<std::uint32_t>(ctx.mss, 1))),
      tau_s_(static_cast<double>(ctx.base_rtt) * 1e-9) {
  if (ctx.base_rtt <= 0) throw std::invalid_argument("aimd needs a base RTT (tau)");
  cwnd_ = std::max(bytes_per_sec(ctx.host_rate) * tau_s_, packet_);  // start at line rate
  pacing_ = cwnd_ / tau_s_;
}

void Aimd::on_ack(const AckEvent& ev) {
  if (recovering_ && ev.snd_una > recover_) recovering_ = false;
  if (ev.ecn_echo) {
    cut(ev.snd_una, ev.snd_nxt);
  } else if (!recovering_) {
    // +1 packet per window of ACKs: cwnd counts wire bytes, bytes_acked payload bytes.
    cwnd_ += packet_ * static_cast<double>(ev.bytes_acked) * wire_per_payload_ / cwnd_;
  }
  pacing_ = cwnd_ / tau_s_;
}

void Aimd::cut(std::uint64_t snd_una, std::uint64_t snd_nxt) {
  if (recovering_ && snd_una <= recover_) return;  // one cut per window of data
  cwnd_ = std::max(cwnd_ * decrease_, packet_);
  pacing_ = cwnd_ / tau_s_;
  recovering_ = true;
  recover_ = snd_nxt;
}

Algorithm make_aimd_algorithm() {
  Algorithm a;
  a.name = "aimd";
  a.description = "Example AIMD: +1 packet per RTT, multiply by `decrease` on ECN or loss";
  a.params = {{"decrease", 0.5, 0.01, 0.99, ParamUnit::kDimensionless,
               "factor applied to the window on congestion", false}};
  a.needs_ecn = true;
  a.make = [](const FlowContext& ctx, const ParamValues& p) -> std::unique_ptr<CongestionControl> {
    return std::make_unique<Aimd>(ctx, param_or(p, "decrease", 0.5));
  };
  return a;
}

}  // namespace ptcp::cc
