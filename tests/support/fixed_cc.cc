#include "support/fixed_cc.h"

#include <algorithm>
#include <utility>

namespace ptcp::test {

FixedCc::FixedCc(double cwnd_bytes, double rate_bytes_per_sec, std::shared_ptr<CcLog> log)
    : log_(std::move(log)) {
  cwnd_ = cwnd_bytes;
  pacing_ = rate_bytes_per_sec;
  if (log_) ++log_->flows;
}

void FixedCc::on_ack(const cc::AckEvent& ev) {
  if (!log_) return;
  ++log_->acks;
  log_->bytes_acked += ev.bytes_acked;
  if (ev.ecn_echo) ++log_->ecn_echoes;
  if (ev.int_stack != nullptr) {
    ++log_->acks_with_int;
    log_->last_int = *ev.int_stack;
  }
  log_->last_ack = ev;
  log_->last_ack.int_stack = nullptr;  // the pointer dies with the ACK
  if (ev.rtt != cc::kNoRttSample) {
    log_->last_rtt = ev.rtt;
    log_->min_rtt = std::min(log_->min_rtt, ev.rtt);
  }
}

void FixedCc::on_loss(const cc::LossEvent&) {
  if (log_) ++log_->losses;
}
void FixedCc::on_timeout(TimeNs) {
  if (log_) ++log_->timeouts;
}
void FixedCc::on_cnp(TimeNs) {
  if (log_) ++log_->cnps;
}
void FixedCc::on_send(TimeNs, std::uint64_t, std::uint32_t) {
  if (log_) ++log_->sends;
}

cc::Algorithm fixed_algorithm(double cwnd_bytes, double rate_bytes_per_sec,
                              std::shared_ptr<CcLog> log) {
  cc::Algorithm a;
  a.name = "fixed";
  a.description = "test aid: constant window and pacing rate";
  a.make = [cwnd_bytes, rate_bytes_per_sec, log](const cc::FlowContext&, const cc::ParamValues&) {
    return std::make_unique<FixedCc>(cwnd_bytes, rate_bytes_per_sec, log);
  };
  return a;
}

}  // namespace ptcp::test
