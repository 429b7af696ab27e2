// Shortest-path routing (in hops) with every equal-cost next hop kept, for ECMP. Hosts never
// forward: paths run host -> switches -> host.
#pragma once

#include <cstdint>
#include <vector>

#include "experiment/topology.h"

namespace ptcp::exp {

class Routing {
 public:
  explicit Routing(const Topology& t);

  // Global port ids by which `node` may send towards host `dst` (empty at dst itself).
  const std::vector<std::uint32_t>& next_ports(std::uint32_t node, std::uint32_t dst) const {
    return next_[static_cast<std::size_t>(node) * hosts_ + dst];
  }
  // The same as switch-local port numbers (sw::PortId), for Switch::add_route.
  std::vector<std::uint16_t> local_ports(std::uint32_t node, std::uint32_t dst) const;
  std::uint32_t hops(std::uint32_t node, std::uint32_t dst) const {
    return hops_[static_cast<std::size_t>(node) * hosts_ + dst];
  }

  // Every node ordered by hops to host `dst`, ties by id: nearest first (unreachable ones
  // last), or farthest first (unreachable ones first). A counting sort, O(nodes): the loads and
  // path lengths that walk the nodes once per destination need no comparison sort.
  void nodes_by_hops(std::uint32_t dst, bool farthest_first, std::vector<std::uint32_t>& out) const;

  // Every shortest path from host src to host dst as a list of global port ids (egress ports,
  // src's NIC first), at most `limit` of them.
  std::vector<std::vector<std::uint32_t>> paths(std::uint32_t src, std::uint32_t dst,
                                                std::size_t limit = 256) const;

 private:
  const Topology* topo_;
  std::uint32_t hosts_;
  std::vector<std::vector<std::uint32_t>> next_;
  std::vector<std::uint32_t> hops_;
};

}  // namespace ptcp::exp
