#include "experiment/derived.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "experiment/workload.h"

namespace ptcp::exp {
namespace {

TimeNs hop_weight(const Port& p, std::uint32_t payload) {
  return 2 * p.link.delay + serialization_ns(payload, p.link.rate);
}

// Longest (most = true) or shortest weighted shortest-hop path over all host pairs.
TimeNs extreme_path(const Topology& t, const Routing& r, std::uint32_t payload, bool most,
                    std::vector<std::string>* path_out) {
  const std::uint32_t hosts = t.host_count();
  const std::size_t n = t.nodes().size();
  std::vector<TimeNs> best(n);
  std::vector<std::uint32_t> via(n);
  std::vector<std::uint32_t> order(n);
  TimeNs result = most ? 0 : kNever;
  std::uint32_t best_src = 0, best_dst = 0;
  std::vector<std::uint32_t> best_via;
  for (std::uint32_t d = 0; d < hosts; ++d) {
    r.nodes_by_hops(d, false, order);  // nearest first: next hops are settled before use
    for (std::uint32_t v : order) {
      best[v] = v == d ? 0 : (most ? -1 : kNever);
      via[v] = kNone;
      if (v == d || r.hops(v, d) == kNone) continue;
      for (std::uint32_t p : r.next_ports(v, d)) {
        const TimeNs rest = best[t.port(p).peer];
        if (rest < 0 || rest == kNever) continue;
        const TimeNs cand = hop_weight(t.port(p), payload) + rest;
        if (most ? cand > best[v] : cand < best[v]) {
          best[v] = cand;
          via[v] = p;
        }
      }
    }
    for (std::uint32_t s = 0; s < hosts; ++s) {
      if (s == d || via[s] == kNone) continue;
      if (most ? best[s] > result : best[s] < result) {
        result = best[s];
        best_src = s;
        best_dst = d;
        best_via = via;
      }
    }
  }
  if (path_out != nullptr) {
    path_out->clear();
    std::uint32_t v = best_src;
    path_out->push_back(t.node(v).name);
    while (v != best_dst && best_via[v] != kNone) {
      v = t.port(best_via[v]).peer;
      path_out->push_back(t.node(v).name);
    }
  }
  return result;
}

int rank(NodeKind k) {
  switch (k) {
    case NodeKind::kHost: return 0;
    case NodeKind::kTor:
    case NodeKind::kSwitch: return 1;
    case NodeKind::kAgg: return 2;
    case NodeKind::kCore: return 3;
  }
  return 0;
}

}  // namespace

TimeNs topology_tau(const Topology& t, const Routing& r, std::uint32_t payload_bytes,
                    std::vector<std::string>* path_out) {
  return extreme_path(t, r, payload_bytes, true, path_out);
}

std::uint64_t bdp_bytes(BitsPerSec rate, TimeNs rtt) {
  const Uint128 bits = static_cast<Uint128>(rate) * static_cast<std::uint64_t>(rtt);
  return static_cast<std::uint64_t>((bits + 4'000'000'000u) / 8'000'000'000u);
}

Derived derive(const Experiment& e) {
  const Topology& t = *e.topology;
  Derived d;
  d.hosts = t.host_count();
  d.switches = t.switch_count();
  d.links = t.link_count();
  d.topology_tau = topology_tau(t, *e.routing, e.transport.payload_bytes, &d.longest_path);
  d.min_rtt = extreme_path(t, *e.routing, e.transport.payload_bytes, false, nullptr);
  d.base_rtt = e.cc.base_rtt;
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    d.max_host_rate = std::max(d.max_host_rate, t.port(t.node(h).ports.front()).link.rate);
  }
  d.max_bdp_bytes = bdp_bytes(d.max_host_rate, d.base_rtt);

  // Oversubscription: per switch, capacity towards lower tiers over capacity towards higher.
  std::map<std::string, double> over;
  for (std::uint32_t v = t.host_count(); v < t.nodes().size(); ++v) {
    double down = 0, up = 0;
    for (std::uint32_t p : t.node(v).ports) {
      const int rp = rank(t.node(t.port(p).peer).kind), rv = rank(t.node(v).kind);
      (rp < rv ? down : rp > rv ? up : up) += static_cast<double>(t.port(p).link.rate);
    }
    if (down > 0 && up > 0) {
      double& o = over[name_prefix(t.node(v).kind)];
      o = std::max(o, down / up);
    }
  }
  for (const auto& [tier, ratio] : over) d.oversubscription.push_back({tier, ratio});

  const std::vector<double> load = offered_port_load(e);
  std::map<std::string, TierLoad> tiers;
  for (std::uint32_t p = 0; p < t.ports().size(); ++p) {
    const Port& port = t.port(p);
    const std::string tier = std::string(name_prefix(t.node(port.node).kind)) + "->" +
                             name_prefix(t.node(port.peer).kind);
    TierLoad& tl = tiers[tier];
    tl.tier = tier;
    const double u = load[p] / static_cast<double>(port.link.rate);
    tl.mean_utilization += u;
    ++tl.ports;
    if (u > tl.max_utilization || tl.busiest_port.empty()) {
      tl.max_utilization = u;
      tl.busiest_port = port.name;
    }
  }
  for (auto& [name, tl] : tiers) {
    tl.mean_utilization /= tl.ports;
    d.tiers.push_back(tl);
  }
  d.expected_flows = expected_flow_count(e);
  return d;
}

}  // namespace ptcp::exp
