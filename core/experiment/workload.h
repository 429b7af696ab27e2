// Workload generators: a deterministic, seeded list of flows (same seed, same flows, in every
// backend). Poisson arrivals per host with sizes from a CDF; incast bursts or Poisson incast
// requests; explicit flows; long flows with start/stop times.
#pragma once

#include <cstdint>
#include <vector>

#include "experiment/experiment.h"

namespace ptcp::exp {

struct Flow {
  std::uint32_t id = 0;  // 0..n-1 in order of start time
  std::uint32_t src = 0, dst = 0;
  std::uint64_t size_bytes = 0;
  TimeNs start = 0;
  TimeNs stop = kNever;  // long flows only: the sender stops sending at this time
  std::uint32_t workload = 0;  // index of the [[workload]] that made it
  friend bool operator==(const Flow&, const Flow&) = default;
};

// All workloads' flows, sorted by start time (ties: workload, then generation order), with
// ids assigned in that order. Uses e.run.seed; the same experiment always gives the same list.
std::vector<Flow> generate_flows(const Experiment& e);

// Hosts `host` may talk to under `p` (never itself), in index order.
std::vector<std::uint32_t> peers(const Topology& t, std::uint32_t host, Peers p);

// Poisson workload: flow arrivals per second at each host (index = host). With load_on =
// tor-uplinks a host's rate is load * (its ToR's uplink capacity) / (hosts on that ToR) /
// (mean flow size in bits); with host-links it is load * host link rate / mean size in bits.
std::vector<double> arrival_rates(const Experiment& e, const Workload& w);

// Offered bit rate per egress port (index = global port id) of the rate-based workloads
// (poisson and incast requests), with traffic split evenly over equal-cost next hops.
std::vector<double> offered_port_load(const Experiment& e);

// Expected number of flows all workloads produce.
double expected_flow_count(const Experiment& e);

// The 64-bit generator behind every random choice (std::mt19937_64 is specified exactly by the
// standard, so sequences are the same on every platform) and its use for uniforms.
double uniform01(std::uint64_t bits);  // [0, 1) from the top 53 bits

}  // namespace ptcp::exp
