// The documentation example (docs/writing-a-cc.md): additive increase of one packet
// (packet_bytes wire bytes) per RTT, multiplicative decrease on an ECN echo or a loss, at most
// once per RTT.
#pragma once

#include "cc/cc.h"
#include "cc/registry.h"

namespace ptcp::cc {

class Aimd final : public CongestionControl {
 public:
  Aimd(const FlowContext& ctx, double decrease);

  void on_ack(const AckEvent& ev) override;
  void on_loss(const LossEvent& ev) override { cut(ev.snd_una, ev.snd_nxt); }
  void on_timeout(TimeNs /*now*/) override { cwnd_ = packet_; pacing_ = cwnd_ / tau_s_; }

 private:
  void cut(std::uint64_t snd_una, std::uint64_t snd_nxt);

  double decrease_;  // the window is multiplied by this on congestion
  double packet_;            // one full packet in wire bytes (cc.h: windows count wire bytes)
  double wire_per_payload_;  // packet_bytes / mss: payload bytes acked -> wire bytes
  double tau_s_;
  bool recovering_ = false;    // cut in this window of data already
  std::uint64_t recover_ = 0;  // snd_nxt at the cut: the window ends when snd_una passes it
};

Algorithm make_aimd_algorithm();

}  // namespace ptcp::cc
