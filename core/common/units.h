// Time, size and rate types shared by the whole core. The core never reads a clock: every
// entry point takes `now` in integer nanoseconds from the backend.
#pragma once

#include <cstdint>
#include <limits>

namespace ptcp {

using TimeNs = std::int64_t;  // nanoseconds since an arbitrary epoch chosen by the backend
inline constexpr TimeNs kNever = std::numeric_limits<TimeNs>::max();

inline constexpr TimeNs kNsPerUs = 1'000;
inline constexpr TimeNs kNsPerMs = 1'000'000;
inline constexpr TimeNs kNsPerSec = 1'000'000'000;

using Bits = std::uint64_t;
using BitsPerSec = std::uint64_t;  // link rates: 25 Gb/s is 25'000'000'000

inline constexpr BitsPerSec gbps(double g) { return static_cast<BitsPerSec>(g * 1e9); }
inline constexpr BitsPerSec mbps(double m) { return static_cast<BitsPerSec>(m * 1e6); }

// Bytes per second as a double: the unit every congestion-control formula uses.
inline constexpr double bytes_per_sec(BitsPerSec rate) { return static_cast<double>(rate) / 8.0; }

// Time to put `bytes` on a wire of `rate`, rounded up to the next nanosecond so that
// back-to-back departures never overlap.
// __extension__ keeps -Wpedantic quiet about the (GCC/Clang) 128-bit type.
__extension__ using Uint128 = unsigned __int128;

inline constexpr TimeNs serialization_ns(std::uint64_t bytes, BitsPerSec rate) {
  const Uint128 num = static_cast<Uint128>(bytes) * 8u * 1'000'000'000u;
  return static_cast<TimeNs>((num + rate - 1) / rate);
}

}  // namespace ptcp
