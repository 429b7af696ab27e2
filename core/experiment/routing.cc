#include "experiment/routing.h"

#include <algorithm>
#include <deque>
#include <functional>

namespace ptcp::exp {

namespace {
const std::vector<std::uint32_t> kNoPorts;
}  // namespace

Routing::Routing(const Topology& t) : topo_(&t) {
  const std::uint32_t hosts = t.host_count();
  const auto n = static_cast<std::uint32_t>(t.nodes().size());
  up_.assign(hosts, kNone);
  own_port_.resize(hosts);
  last_hop_.resize(hosts);
  for (std::uint32_t h = 0; h < hosts; ++h) {
    const auto& ports = t.node(h).ports;
    if (ports.size() == 1 && !t.node(t.port(ports[0]).peer).is_host()) {
      up_[h] = t.port(ports[0]).peer;
      own_port_[h] = {ports[0]};
      last_hop_[h] = {t.port(ports[0]).peer_port};
    }
  }
  row_of_.assign(n, kNone);
  std::uint32_t rows = 0;
  for (std::uint32_t v = 0; v < n; ++v) {
    if (v >= hosts || up_[v] == kNone) row_of_[v] = rows++;
  }
  // One table per switch that has such hosts, and one per other host.
  std::vector<std::uint32_t> table_of_root(n, kNone);
  table_of_.assign(hosts, kNone);
  for (std::uint32_t h = 0; h < hosts; ++h) {
    const std::uint32_t r = up_[h] != kNone ? up_[h] : h;
    if (table_of_root[r] == kNone) {
      table_of_root[r] = static_cast<std::uint32_t>(root_.size());
      root_.push_back(r);
    }
    table_of_[h] = table_of_root[r];
  }
  tables_ = static_cast<std::uint32_t>(root_.size());
  next_.assign(static_cast<std::size_t>(rows) * tables_, {});
  hops_.assign(static_cast<std::size_t>(rows) * tables_, kNone);
  std::vector<std::uint32_t> dist(n);
  std::deque<std::uint32_t> queue;
  for (std::uint32_t tb = 0; tb < tables_; ++tb) {
    // Breadth-first from the root over reversed links; hosts other than the root are leaves.
    std::fill(dist.begin(), dist.end(), kNone);
    dist[root_[tb]] = 0;
    queue.assign(1, root_[tb]);
    while (!queue.empty()) {
      const std::uint32_t v = queue.front();
      queue.pop_front();
      hops_[static_cast<std::size_t>(row_of_[v]) * tables_ + tb] = dist[v];
      if (t.node(v).is_host() && v != root_[tb]) continue;
      for (std::uint32_t p : t.node(v).ports) {
        const std::uint32_t u = t.port(p).peer;
        if (row_of_[u] == kNone) continue;  // a one-link host: derived from its switch
        if (dist[u] == kNone) {
          dist[u] = dist[v] + 1;
          queue.push_back(u);
        }
        if (dist[u] == dist[v] + 1) {
          next_[static_cast<std::size_t>(row_of_[u]) * tables_ + tb].push_back(t.port(p).peer_port);  // u -> v
        }
      }
    }
  }
}

std::uint32_t Routing::hops_in(std::uint32_t node, std::uint32_t table) const {
  if (row_of_[node] != kNone) return hops_[static_cast<std::size_t>(row_of_[node]) * tables_ + table];
  const std::uint32_t h = hops_[static_cast<std::size_t>(row_of_[up_[node]]) * tables_ + table];
  return h == kNone ? kNone : h + 1;
}

const std::vector<std::uint32_t>& Routing::next_in(std::uint32_t node, std::uint32_t table) const {
  if (row_of_[node] != kNone) return next_[static_cast<std::size_t>(row_of_[node]) * tables_ + table];
  return hops_in(node, table) == kNone ? kNoPorts : own_port_[node];
}

std::uint32_t Routing::hops(std::uint32_t node, std::uint32_t dst) const {
  const std::uint32_t tb = table_of_[dst];
  if (root_[tb] == dst) return hops_in(node, tb);  // a host with a table of its own
  if (node == dst) return 0;
  if (node == root_[tb]) return 1;  // dst's switch
  const std::uint32_t h = hops_in(node, tb);
  return h == kNone ? kNone : h + 1;
}

const std::vector<std::uint32_t>& Routing::next_ports(std::uint32_t node, std::uint32_t dst) const {
  const std::uint32_t tb = table_of_[dst];
  if (root_[tb] == dst) return next_in(node, tb);
  if (node == dst) return kNoPorts;
  if (node == root_[tb]) return last_hop_[dst];
  return next_in(node, tb);
}

std::vector<std::uint16_t> Routing::local_ports(std::uint32_t node, std::uint32_t dst) const {
  std::vector<std::uint16_t> out;
  for (std::uint32_t p : next_ports(node, dst)) out.push_back(topo_->port(p).local);
  return out;
}

void Routing::nodes_by_hops(std::uint32_t dst, bool farthest_first,
                            std::vector<std::uint32_t>& out) const {
  const auto n = static_cast<std::uint32_t>(topo_->nodes().size());
  std::uint32_t deepest = 0;
  for (std::uint32_t v = 0; v < n; ++v) {
    const std::uint32_t h = hops(v, dst);
    if (h != kNone) deepest = std::max(deepest, h);
  }
  // Buckets 0..deepest by distance in the order asked for, unreachable as bucket deepest + 1
  // (nearest first) or 0 (farthest first, the others shifted up by one).
  auto bucket = [&](std::uint32_t v) -> std::size_t {
    const std::uint32_t h = hops(v, dst);
    if (farthest_first) return h == kNone ? 0 : 1 + (deepest - h);
    return h == kNone ? deepest + 1 : h;
  };
  std::vector<std::uint32_t> first(static_cast<std::size_t>(deepest) + 3, 0);
  for (std::uint32_t v = 0; v < n; ++v) ++first[bucket(v) + 1];
  for (std::size_t i = 1; i < first.size(); ++i) first[i] += first[i - 1];
  out.resize(n);
  for (std::uint32_t v = 0; v < n; ++v) out[first[bucket(v)]++] = v;
}

std::vector<std::vector<std::uint32_t>> Routing::paths(std::uint32_t src, std::uint32_t dst,
                                                       std::size_t limit) const {
  std::vector<std::vector<std::uint32_t>> out;
  std::vector<std::uint32_t> path;
  std::function<void(std::uint32_t)> walk = [&](std::uint32_t v) {
    if (out.size() >= limit) return;
    if (v == dst) {
      out.push_back(path);
      return;
    }
    for (std::uint32_t p : next_ports(v, dst)) {
      path.push_back(p);
      walk(topo_->port(p).peer);
      path.pop_back();
    }
  };
  if (src != dst) walk(src);
  return out;
}

}  // namespace ptcp::exp
