// The control messages of a multi-process run, carried in probe ids over the data network
// itself (no side channel): the top 16 bits say which message, the low 48 bits carry a value.
// The receiver's core answers every probe, and the answer is the sender's acknowledgement.
//
//   MEASURE  sender -> its flows' receivers     RTT probes before the start (value: attempt)
//   READY    host -> coordinator                "my pairs are measured" (value: my largest RTT)
//   TAU      coordinator -> host                the base RTT every host uses (value: ns)
//   GO       coordinator -> host                the flows' epoch is `value` ns after this
//                                               probe arrives (its send time + lead - RTT/2)
//   DONE     host -> coordinator                every flow I send or receive has finished
//   STOP     coordinator -> host                everyone is done: settle and write results
// Switches only watch: GO sets their epoch, STOP ends them.
#pragma once

#include <cstdint>

namespace ptcp::dpdk::control {

enum class Msg : std::uint16_t {
  kMeasure = 0xB700,
  kReady = 0xB701,
  kTau = 0xB702,
  kGo = 0xB703,
  kDone = 0xB704,
  kStop = 0xB705,
};

inline constexpr std::uint64_t kValueMask = (std::uint64_t{1} << 48) - 1;

inline constexpr std::uint64_t encode(Msg m, std::uint64_t value) {
  return (std::uint64_t{static_cast<std::uint16_t>(m)} << 48) | (value & kValueMask);
}
inline constexpr bool is(std::uint64_t id, Msg m) {
  return (id >> 48) == static_cast<std::uint16_t>(m);
}
inline constexpr std::uint64_t value(std::uint64_t id) { return id & kValueMask; }

}  // namespace ptcp::dpdk::control
