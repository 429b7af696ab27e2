// The runtime's clock: the TSC, read once per loop iteration and converted to nanoseconds
// since the clock was made, with a fixed-point multiplier (no division on the fast path).
#pragma once

#include <rte_cycles.h>

#include <cstdint>

#include "common/units.h"

namespace ptcp::dpdk {

__extension__ using TscU128 = unsigned __int128;

class TscClock {
 public:
  TscClock() : hz_(rte_get_tsc_hz()), base_(rte_rdtsc()) {
    // ns = cycles * 1e9 / hz  ==  (cycles * mult) >> 32
    mult_ = (static_cast<TscU128>(kNsPerSec) << 32) / hz_;
  }
  TimeNs now() const { return to_ns(rte_rdtsc() - base_); }
  // The time of a TSC value read by the caller (who also wants the raw cycles).
  TimeNs at(std::uint64_t tsc) const { return to_ns(tsc - base_); }
  TimeNs to_ns(std::uint64_t cycles) const {
    return static_cast<TimeNs>((static_cast<TscU128>(cycles) * mult_) >> 32);
  }
  std::uint64_t hz() const { return hz_; }

 private:
  std::uint64_t hz_;
  std::uint64_t base_;
  TscU128 mult_;
};

}  // namespace ptcp::dpdk
