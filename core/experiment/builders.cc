// Topology builders: fat-tree (k-ary or the paper's shape), leaf-spine, dumbbell, star, explicit.
#include <stdexcept>
#include <string>

#include "experiment/topology_spec.h"

namespace ptcp::exp {

const char* to_string(TopologyKind k) {
  switch (k) {
    case TopologyKind::kFatTree: return "fat-tree";
    case TopologyKind::kLeafSpine: return "leaf-spine";
    case TopologyKind::kDumbbell: return "dumbbell";
    case TopologyKind::kStar: return "star";
    case TopologyKind::kExplicit: return "explicit";
  }
  return "?";
}

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

Topology fat_tree(const TopologySpec& s) {
  std::uint32_t pods = s.pods, tpp = s.tors_per_pod, app = s.aggs_per_pod, cores = s.cores,
                spt = s.servers_per_tor;
  if (s.k != 0) {
    require(s.k % 2 == 0 && s.k >= 2, "k must be even and at least 2 (got " + std::to_string(s.k) + ")");
    pods = s.k;
    tpp = app = spt = s.k / 2;
    cores = (s.k / 2) * (s.k / 2);
  }
  require(pods >= 1 && tpp >= 1 && app >= 1 && cores >= 1 && spt >= 1,
          "a fat-tree needs at least one pod, ToR, aggregation switch, core and server per ToR");
  require(cores % app == 0, "cores (" + std::to_string(cores) +
                                ") must be a multiple of aggs_per_pod (" + std::to_string(app) +
                                ") so each aggregation switch reaches the same number of cores");
  require(static_cast<std::uint64_t>(pods) * tpp * spt <= 100000, "more than 100000 hosts");
  Topology t;
  const std::uint32_t hosts = pods * tpp * spt;
  for (std::uint32_t i = 0; i < hosts; ++i) t.add_node(NodeKind::kHost);
  const std::uint32_t tor0 = hosts;
  for (std::uint32_t i = 0; i < pods * tpp; ++i) t.add_node(NodeKind::kTor);
  const std::uint32_t agg0 = tor0 + pods * tpp;
  for (std::uint32_t i = 0; i < pods * app; ++i) t.add_node(NodeKind::kAgg);
  const std::uint32_t core0 = agg0 + pods * app;
  for (std::uint32_t i = 0; i < cores; ++i) t.add_node(NodeKind::kCore);
  // Host links first so a ToR's port i faces its i-th server, then uplinks.
  for (std::uint32_t tor = 0; tor < pods * tpp; ++tor) {
    for (std::uint32_t j = 0; j < spt; ++j) t.add_link(tor0 + tor, tor * spt + j, s.host_link);
  }
  for (std::uint32_t p = 0; p < pods; ++p) {
    for (std::uint32_t i = 0; i < tpp; ++i) {
      for (std::uint32_t a = 0; a < app; ++a) {
        t.add_link(tor0 + p * tpp + i, agg0 + p * app + a, s.tor_agg_link);
      }
    }
  }
  // Aggregation switch a of every pod reaches cores [a*c/app, (a+1)*c/app): the k-ary wiring.
  const std::uint32_t per_agg = cores / app;
  for (std::uint32_t p = 0; p < pods; ++p) {
    for (std::uint32_t a = 0; a < app; ++a) {
      for (std::uint32_t c = 0; c < per_agg; ++c) {
        t.add_link(agg0 + p * app + a, core0 + a * per_agg + c, s.agg_core_link);
      }
    }
  }
  return t;
}

Topology leaf_spine(const TopologySpec& s) {
  require(s.tors >= 1 && s.spines >= 1 && s.servers_per_tor >= 1,
          "a leaf-spine needs at least one ToR, one spine and one server per ToR");
  require(static_cast<std::uint64_t>(s.tors) * s.servers_per_tor <= 100000, "more than 100000 hosts");
  Topology t;
  const std::uint32_t hosts = s.tors * s.servers_per_tor;
  for (std::uint32_t i = 0; i < hosts; ++i) t.add_node(NodeKind::kHost);
  for (std::uint32_t i = 0; i < s.tors; ++i) t.add_node(NodeKind::kTor);
  for (std::uint32_t i = 0; i < s.spines; ++i) t.add_node(NodeKind::kCore);
  for (std::uint32_t tor = 0; tor < s.tors; ++tor) {
    for (std::uint32_t j = 0; j < s.servers_per_tor; ++j) {
      t.add_link(hosts + tor, tor * s.servers_per_tor + j, s.host_link);
    }
  }
  for (std::uint32_t tor = 0; tor < s.tors; ++tor) {
    for (std::uint32_t sp = 0; sp < s.spines; ++sp) {
      t.add_link(hosts + tor, hosts + s.tors + sp, s.tor_spine_link);
    }
  }
  return t;
}

Topology dumbbell(const TopologySpec& s) {
  require(s.hosts_left >= 1 && s.hosts_right >= 1, "a dumbbell needs hosts on both sides");
  Topology t;
  const std::uint32_t hosts = s.hosts_left + s.hosts_right;
  for (std::uint32_t i = 0; i < hosts; ++i) t.add_node(NodeKind::kHost);
  const std::uint32_t sw0 = t.add_node(NodeKind::kSwitch);
  const std::uint32_t sw1 = t.add_node(NodeKind::kSwitch);
  for (std::uint32_t i = 0; i < hosts; ++i) t.add_link(i < s.hosts_left ? sw0 : sw1, i, s.host_link);
  t.add_link(sw0, sw1, s.bottleneck_link);
  return t;
}

Topology star(const TopologySpec& s) {
  require(s.hosts >= 2, "a star needs at least two hosts");
  Topology t;
  for (std::uint32_t i = 0; i < s.hosts; ++i) t.add_node(NodeKind::kHost);
  const std::uint32_t sw = t.add_node(NodeKind::kSwitch);
  for (std::uint32_t i = 0; i < s.hosts; ++i) t.add_link(sw, i, s.host_link);
  return t;
}

Topology explicit_topology(const TopologySpec& s) {
  Topology t;
  for (std::uint32_t i = 0; i < s.hosts; ++i) t.add_node(NodeKind::kHost);
  for (const std::string& name : s.switches) {
    NodeKind kind{};
    require(valid_node_name(name, kind) && kind != NodeKind::kHost,
            "switch name '" + name + "' must be tor<N>, agg<N>, core<N> or sw<N>");
    require(!t.find_node(name), "switch " + name + " is listed twice");
    t.add_named(name, kind);
  }
  for (const ExplicitLink& l : s.links) {
    const auto a = t.find_node(l.a);
    const auto b = t.find_node(l.b);
    require(a.has_value(), "link endpoint '" + l.a + "' is not a node (hosts are h0..h" +
                               std::to_string(s.hosts == 0 ? 0 : s.hosts - 1) + ")");
    require(b.has_value(), "link endpoint '" + l.b + "' is not a node (hosts are h0..h" +
                               std::to_string(s.hosts == 0 ? 0 : s.hosts - 1) + ")");
    for (std::uint32_t p : t.node(*a).ports) {
      require(t.port(p).peer != *b, "link " + l.a + " - " + l.b + " is listed twice");
    }
    t.add_link(*a, *b, l.params);
  }
  return t;
}

}  // namespace

Topology build_topology(const TopologySpec& spec) {
  Topology t;
  switch (spec.kind) {
    case TopologyKind::kFatTree: t = fat_tree(spec); break;
    case TopologyKind::kLeafSpine: t = leaf_spine(spec); break;
    case TopologyKind::kDumbbell: t = dumbbell(spec); break;
    case TopologyKind::kStar: t = star(spec); break;
    case TopologyKind::kExplicit: t = explicit_topology(spec); break;
  }
  const std::string problem = t.check();
  require(problem.empty(), problem);
  return t;
}

}  // namespace ptcp::exp
