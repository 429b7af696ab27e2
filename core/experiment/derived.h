// Values derived from a resolved experiment: tau by the authors' rule, BDP, oversubscription,
// offered load per tier and the expected number of flows. `powertcp validate` prints these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiment/experiment.h"

namespace ptcp::exp {

// The authors' base RTT: over every pair of hosts and every shortest path between them, the
// largest of (2 * propagation + one payload-sized packet's serialization at each hop).
// `path_out`, if given, receives the node names of that path.
TimeNs topology_tau(const Topology& t, const Routing& r, std::uint32_t payload_bytes,
                    std::vector<std::string>* path_out = nullptr);

struct TierLoad {
  std::string tier;  // "h->tor", "tor->agg", ...: the kinds of the two ends of the port
  std::uint32_t ports = 0;
  double mean_utilization = 0;  // offered bit rate / link rate, over the tier's ports
  double max_utilization = 0;
  std::string busiest_port;
};

struct Oversubscription {
  std::string tier;  // "tor", "agg", "sw"
  double ratio = 0;  // downward capacity / upward capacity (4 means 4:1), the largest of the tier
};

struct Derived {
  std::uint32_t hosts = 0, switches = 0, links = 0;
  TimeNs topology_tau = 0;
  std::vector<std::string> longest_path;
  TimeNs base_rtt = 0;  // in force (given or topology_tau)
  TimeNs min_rtt = 0;   // the same rule on the shortest host pair (e.g. intra-rack)
  BitsPerSec max_host_rate = 0;
  std::uint64_t max_bdp_bytes = 0;  // max host rate * base_rtt
  std::vector<Oversubscription> oversubscription;
  std::vector<TierLoad> tiers;
  double expected_flows = 0;
};

Derived derive(const Experiment& e);

// BDP in bytes of `rate` over `rtt`, rounded to the nearest byte.
std::uint64_t bdp_bytes(BitsPerSec rate, TimeNs rtt);

}  // namespace ptcp::exp
