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
  const std::vector<std::uint32_t>& next_ports(std::uint32_t node, std::uint32_t dst) const;
  // The same as switch-local port numbers (sw::PortId), for Switch::add_route.
  std::vector<std::uint16_t> local_ports(std::uint32_t node, std::uint32_t dst) const;
  std::uint32_t hops(std::uint32_t node, std::uint32_t dst) const;

  // Every node ordered by hops to host `dst`, ties by id: nearest first (unreachable ones
  // last), or farthest first (unreachable ones first). A counting sort, O(nodes): the loads and
  // path lengths that walk the nodes once per destination need no comparison sort.
  void nodes_by_hops(std::uint32_t dst, bool farthest_first, std::vector<std::uint32_t>& out) const;

  // Every shortest path from host src to host dst as a list of global port ids (egress ports,
  // src's NIC first), at most `limit` of them.
  std::vector<std::vector<std::uint32_t>> paths(std::uint32_t src, std::uint32_t dst,
                                                std::size_t limit = 256) const;

 private:
  // Tables are kept per destination *switch*: a host with one link, to a switch (every host of
  // the generated topologies), is reached through that switch, so its routes are the switch's
  // plus the last hop, and a host with one link sends by it. Only switches and other hosts get
  // rows, and only their switches and other hosts get tables: memory grows with switches *
  // (edge switches + other hosts), not nodes * hosts (24 GB for a k=48 fat-tree).
  std::uint32_t hops_in(std::uint32_t node, std::uint32_t table) const;
  const std::vector<std::uint32_t>& next_in(std::uint32_t node, std::uint32_t table) const;

  const Topology* topo_;
  std::uint32_t tables_ = 0;
  std::vector<std::uint32_t> table_of_;   // per host: the table its routes are in
  std::vector<std::uint32_t> root_;       // per table: the node it was searched from
  std::vector<std::uint32_t> row_of_;     // per node: its row, kNone for a host with one link to a switch
  std::vector<std::uint32_t> up_;         // per host with one link to a switch: that switch (else kNone)
  std::vector<std::vector<std::uint32_t>> own_port_;  // per host: {its one port} (or empty)
  std::vector<std::vector<std::uint32_t>> last_hop_;  // per host: {its switch's port to it} (or empty)
  std::vector<std::vector<std::uint32_t>> next_;      // [row * tables_ + table]
  std::vector<std::uint32_t> hops_;                   // [row * tables_ + table]
};

}  // namespace ptcp::exp
