// Congestion controls for tests that must not depend on a real algorithm: a fixed window and
// a fixed pacing rate, with a shared log of what the transport told them.
#pragma once

#include <cstdint>
#include <memory>

#include "cc/cc.h"
#include "cc/registry.h"

namespace ptcp::test {

// Totals over every flow created by one algorithm descriptor (no allocation per event).
struct CcLog {
  std::uint64_t flows = 0;
  std::uint64_t acks = 0;
  std::uint64_t acks_with_int = 0;
  std::uint64_t ecn_echoes = 0;
  std::uint64_t bytes_acked = 0;
  std::uint64_t losses = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t cnps = 0;
  std::uint64_t sends = 0;
  cc::AckEvent last_ack{};
  wire::IntStack last_int{};  // copy of the last ACK's INT stack, if it had one
  TimeNs last_rtt = cc::kNoRttSample;
  TimeNs min_rtt = kNever;
};

class FixedCc final : public cc::CongestionControl {
 public:
  // rate_bytes_per_sec 0: no pacing.
  FixedCc(double cwnd_bytes, double rate_bytes_per_sec, std::shared_ptr<CcLog> log);
  void on_ack(const cc::AckEvent& ev) override;
  void on_loss(const cc::LossEvent& ev) override;
  void on_timeout(TimeNs now) override;
  void on_cnp(TimeNs now) override;
  void on_send(TimeNs now, std::uint64_t seq, std::uint32_t bytes) override;

 private:
  std::shared_ptr<CcLog> log_;
};

// An algorithm descriptor named "fixed" whose flows all log into `log` (may be null).
cc::Algorithm fixed_algorithm(double cwnd_bytes, double rate_bytes_per_sec,
                              std::shared_ptr<CcLog> log = nullptr);

}  // namespace ptcp::test
