// RED-style ECN marking decision on an egress queue length, with a seeded generator so that
// the same seed always marks the same packets (reproducible simulations and tests).
#pragma once

#include <cstdint>

#include "switch/switch.h"

namespace ptcp::sw {

// Marking probability for a queue of `queue_bytes`: 0 at or below kmin, linear to pmax at
// kmax, 1 above kmax.
double ecn_probability(const EcnThresholds& t, std::uint64_t queue_bytes);

class EcnMarker {
 public:
  explicit EcnMarker(std::uint64_t seed) : state_(seed) {}
  // Whether to mark a packet arriving to a queue of `queue_bytes`. Draws a random number only
  // when the probability is strictly between 0 and 1.
  bool should_mark(const EcnThresholds& t, std::uint64_t queue_bytes);

 private:
  double uniform();  // [0, 1), splitmix64
  std::uint64_t state_;
};

}  // namespace ptcp::sw
