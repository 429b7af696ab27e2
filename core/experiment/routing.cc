#include "experiment/routing.h"

#include <algorithm>
#include <deque>
#include <functional>

namespace ptcp::exp {

Routing::Routing(const Topology& t) : topo_(&t), hosts_(t.host_count()) {
  const std::size_t n = t.nodes().size();
  next_.assign(n * hosts_, {});
  hops_.assign(n * hosts_, kNone);
  std::deque<std::uint32_t> queue;
  for (std::uint32_t dst = 0; dst < hosts_; ++dst) {
    // Breadth-first from the destination over reversed links; hosts other than dst are leaves.
    hops_[static_cast<std::size_t>(dst) * hosts_ + dst] = 0;
    queue.assign(1, dst);
    while (!queue.empty()) {
      const std::uint32_t v = queue.front();
      queue.pop_front();
      if (t.node(v).is_host() && v != dst) continue;
      const std::uint32_t hv = hops(v, dst);
      for (std::uint32_t p : t.node(v).ports) {
        const std::uint32_t u = t.port(p).peer;
        const std::size_t iu = static_cast<std::size_t>(u) * hosts_ + dst;
        if (hops_[iu] == kNone) {
          hops_[iu] = hv + 1;
          queue.push_back(u);
        }
        if (hops_[iu] == hv + 1) next_[iu].push_back(t.port(p).peer_port);  // u -> v
      }
    }
  }
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
