// What the [topology] section says, before it is built into a Topology.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiment/topology.h"

namespace ptcp::exp {

enum class TopologyKind : std::uint8_t { kFatTree, kLeafSpine, kDumbbell, kStar, kExplicit };
const char* to_string(TopologyKind k);

struct ExplicitLink {
  std::string a, b;
  LinkParams params;
};

struct TopologySpec {
  TopologyKind kind = TopologyKind::kFatTree;
  // fat-tree: either k (k-ary: k pods of k/2 ToRs and k/2 aggregation switches, (k/2)^2 cores,
  // k/2 servers per ToR) or the explicit shape below (the paper's: 4 pods, 2+2, 4 cores, 32).
  std::uint32_t k = 0;
  std::uint32_t pods = 0, tors_per_pod = 0, aggs_per_pod = 0, cores = 0;
  std::uint32_t servers_per_tor = 0;  // fat-tree and leaf-spine
  // leaf-spine: `tors` leaves (tor0..) each linked to every one of `spines` spines (core0..).
  std::uint32_t tors = 0, spines = 0;
  // dumbbell: sw0 with hosts_left hosts, sw1 with hosts_right hosts, one bottleneck link.
  std::uint32_t hosts_left = 0, hosts_right = 0;
  // star and explicit: the number of hosts.
  std::uint32_t hosts = 0;
  LinkParams host_link;        // every host's link (all kinds but explicit)
  LinkParams tor_agg_link;     // fat-tree
  LinkParams agg_core_link;    // fat-tree
  LinkParams tor_spine_link;   // leaf-spine
  LinkParams bottleneck_link;  // dumbbell
  std::vector<std::string> switches;  // explicit
  std::vector<ExplicitLink> links;    // explicit
};

// Builds the topology. Throws std::invalid_argument saying what is impossible (the caller adds
// the file and line).
Topology build_topology(const TopologySpec& spec);

}  // namespace ptcp::exp
