// Routing keeps tables per destination switch (a one-link host is reached through its switch):
// every hops() and next_ports() answer, in the same order, is the one of a breadth-first search
// from every destination host, and a k=48 fat-tree's routing fits in a few hundred MB.
#include "experiment/routing.h"

#include <algorithm>
#include <deque>

#include <gtest/gtest.h>

#include "test_util.h"

namespace ptcp::exp {
namespace {

// The specification: breadth-first from each destination host over reversed links, hosts other
// than the destination are leaves, every equal-cost next hop kept in the order found.
struct Reference {
  std::vector<std::vector<std::vector<std::uint32_t>>> next;  // [dst][node]
  std::vector<std::vector<std::uint32_t>> hops;              // [dst][node]
};

Reference reference(const Topology& t) {
  Reference r;
  const std::size_t n = t.nodes().size();
  for (std::uint32_t dst = 0; dst < t.host_count(); ++dst) {
    std::vector<std::uint32_t> hops(n, kNone);
    std::vector<std::vector<std::uint32_t>> next(n);
    hops[dst] = 0;
    std::deque<std::uint32_t> queue{dst};
    while (!queue.empty()) {
      const std::uint32_t v = queue.front();
      queue.pop_front();
      if (t.node(v).is_host() && v != dst) continue;
      for (std::uint32_t p : t.node(v).ports) {
        const std::uint32_t u = t.port(p).peer;
        if (hops[u] == kNone) {
          hops[u] = hops[v] + 1;
          queue.push_back(u);
        }
        if (hops[u] == hops[v] + 1) next[u].push_back(t.port(p).peer_port);
      }
    }
    r.next.push_back(std::move(next));
    r.hops.push_back(std::move(hops));
  }
  return r;
}

void expect_same_as_reference(const Topology& t, const std::string& what) {
  const Routing routing(t);
  const Reference want = reference(t);
  std::size_t pairs = 0, multipath = 0;
  for (std::uint32_t d = 0; d < t.host_count(); ++d) {
    for (std::uint32_t v = 0; v < t.nodes().size(); ++v) {
      ASSERT_EQ(routing.hops(v, d), want.hops[d][v]) << what << ": " << t.node(v).name << " -> h" << d;
      ASSERT_EQ(routing.next_ports(v, d), want.next[d][v]) << what << ": " << t.node(v).name << " -> h" << d;
      ++pairs;
      multipath += want.next[d][v].size() > 1;
    }
  }
  EXPECT_GT(pairs, 0u) << what;
  std::printf("%s: %zu (node, destination) pairs the same, %zu with ECMP\n", what.c_str(), pairs, multipath);
}

TEST(Routing, SameAsASearchFromEveryHost) {
  for (const char* topo : {"kind = \"fat-tree\"\nk = 4\n", "kind = \"fat-tree\"\n",
                           "kind = \"leaf-spine\"\n", "kind = \"dumbbell\"\n", "kind = \"star\"\n"}) {
    const Experiment e = test::parse(std::string("[topology]\n") + topo +
                                     "[[workload]]\nkind = \"flows\"\nflows = [{ src = \"h0\", dst = \"h1\", size = 1 }]\n");
    std::string label = topo;
    std::replace(label.begin(), label.end(), '\n', ' ');
    expect_same_as_reference(*e.topology, label);
  }
}

// Hosts with more than one link, or linked to a host, get tables of their own (the parser
// refuses such topologies, but Routing is not the place that relies on it).
TEST(Routing, HostsWithOtherLinksGetTablesOfTheirOwn) {
  Topology t;
  for (int i = 0; i < 5; ++i) t.add_node(NodeKind::kHost);
  const std::uint32_t s0 = t.add_node(NodeKind::kSwitch), s1 = t.add_node(NodeKind::kSwitch),
                      s2 = t.add_node(NodeKind::kSwitch);
  const LinkParams l{gbps(10), 1000};
  t.add_link(0, s0, l);
  t.add_link(1, s0, l);
  t.add_link(1, s1, l);  // h1: dual-homed
  t.add_link(2, s1, l);
  t.add_link(3, 2, l);   // h3: linked only to a host
  t.add_link(4, s2, l);
  t.add_link(s0, s2, l);
  t.add_link(s1, s2, l);
  t.add_link(s0, s1, l);
  expect_same_as_reference(t, "dual-homed and host-linked hosts");
}

// 27,648 hosts: nodes x hosts entries were about 24 GB; per destination switch they fit easily.
TEST(Routing, K48FatTreeRoutesFit) {
  const Experiment small = test::parse(
      "[topology]\nkind = \"fat-tree\"\nk = 4\n[[workload]]\nkind = \"flows\"\n"
      "flows = [{ src = \"h0\", dst = \"h1\", size = 1 }]\n");
  TopologySpec spec = small.topology_spec;
  spec.k = 48;
  const Topology t = build_topology(spec);
  ASSERT_EQ(t.host_count(), 27'648u);
  const Routing r(t);
  EXPECT_EQ(r.hops(0, 27'647), 6u);
  EXPECT_EQ(r.next_ports(0, 27'647).size(), 1u);
  EXPECT_EQ(r.paths(0, 27'647, 10'000).size(), 24u * 24u) << "k/2 aggregation x k/2 core choices";
}

}  // namespace
}  // namespace ptcp::exp
