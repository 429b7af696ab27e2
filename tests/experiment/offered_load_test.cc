// offered_port_load: the same loads as the host-to-host demand matrix it replaced, in memory that
// does not grow with hosts^2 (a k=48 fat-tree's matrix alone was 6 GB: std::bad_alloc).
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include "experiment/workload.h"
#include "test_util.h"

// Heap in use and its peak, for the memory bound (malloc_usable_size: no sizes to remember).
namespace {
std::atomic<std::size_t> g_in_use{0}, g_peak{0};
}  // namespace

[[gnu::noinline]] void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  const std::size_t now = g_in_use += malloc_usable_size(p);
  std::size_t peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
  return p;
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  g_in_use -= malloc_usable_size(p);
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
// std::stable_sort's buffer comes from the nothrow form: it must come from the same malloc too,
// or ASan sees its sanitizer-owned block handed to free() above (alloc-dealloc-mismatch).
[[gnu::noinline]] void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return operator new(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { operator delete(p); }

namespace ptcp::exp {
namespace {

// The specification: the whole demand matrix, then traffic pushed towards each destination,
// farthest nodes first (ties by id), split evenly over next hops.
std::vector<double> matrix_load(const Experiment& e) {
  const Topology& t = *e.topology;
  const Routing& r = *e.routing;
  const std::uint32_t hosts = t.host_count();
  std::vector<double> demand(static_cast<std::size_t>(hosts) * hosts, 0.0);
  for (const Workload& w : e.workloads) {
    if (w.kind == WorkloadKind::kPoisson) {
      const std::vector<double> rates = arrival_rates(e, w);
      for (std::uint32_t s = 0; s < hosts; ++s) {
        const auto dsts = peers(t, s, w.destinations);
        for (std::uint32_t d : dsts) {
          demand[s * hosts + d] += rates[s] * (w.cdf.mean() * 8.0) / static_cast<double>(dsts.size());
        }
      }
    } else if (w.kind == WorkloadKind::kIncast && w.request_rate > 0) {
      for (std::uint32_t d = 0; d < hosts; ++d) {
        const auto from = peers(t, d, w.senders_from);
        for (std::uint32_t s : from) {
          demand[s * hosts + d] += w.request_rate * static_cast<double>(w.bytes) * 8.0 * w.fan_in /
                                   static_cast<double>(from.size());
        }
      }
    }
  }
  std::vector<double> load(t.ports().size(), 0.0);
  for (std::uint32_t d = 0; d < hosts; ++d) {
    std::vector<double> at(t.nodes().size(), 0.0);
    for (std::uint32_t s = 0; s < hosts; ++s) at[s] = demand[s * hosts + d];
    std::vector<std::uint32_t> order(t.nodes().size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const std::uint32_t ha = r.hops(a, d), hb = r.hops(b, d);
      return ha != hb && (ha == kNone || (hb != kNone && ha > hb));
    });
    for (std::uint32_t v : order) {
      if (v == d || at[v] <= 0 || r.next_ports(v, d).empty()) continue;
      const double share = at[v] / static_cast<double>(r.next_ports(v, d).size());
      for (std::uint32_t p : r.next_ports(v, d)) {
        load[p] += share;
        at[t.port(p).peer] += share;
      }
    }
  }
  return load;
}

const char* kWorkloads = R"(
[[workload]]
kind = "poisson"
cdf = "experiments/cdf/websearch.txt"
load = 0.2
load_on = "host-links"
destinations = "other-rack"
[[workload]]
kind = "poisson"
cdf = "experiments/cdf/websearch.txt"
load = 0.1
load_on = "host-links"
destinations = "same-rack"
[[workload]]
kind = "incast"
request_rate = 20
fan_in = 3
bytes = 20000
senders_from = "uniform"
[run]
duration = "1ms"
)";

std::string with_source_cdf(std::string text) {
  const std::string rel = "experiments/cdf/websearch.txt";
  const std::string full = test::source_path(rel);
  for (std::size_t i = text.find(rel); i != std::string::npos; i = text.find(rel, i + full.size())) {
    text.replace(i, rel.size(), full);
  }
  return text;
}

TEST(OfferedLoad, SameAsTheDemandMatrixToTheLastBit) {
  for (const char* topo : {"[topology]\nkind = \"fat-tree\"\nk = 4\n",
                           "[topology]\nkind = \"fat-tree\"\nk = 8\n",
                           "[topology]\nkind = \"leaf-spine\"\n",
                           "[topology]\nkind = \"dumbbell\"\n"}) {
    const Experiment e = test::parse(with_source_cdf(std::string(topo) + kWorkloads));
    const std::vector<double> got = offered_port_load(e), want = matrix_load(e);
    ASSERT_EQ(got.size(), want.size()) << topo;
    std::size_t busy = 0;
    for (std::size_t p = 0; p < got.size(); ++p) {
      EXPECT_EQ(got[p], want[p]) << topo << " port " << e.topology->port(static_cast<std::uint32_t>(p)).name;
      busy += want[p] > 0;
    }
    EXPECT_GT(busy, got.size() / 2) << topo << ": most ports carry load";
  }
}

// 1,024 hosts: the matrix alone was 8.4 MB (95 MB at k=24, 6 GB at k=48). Now the loads take
// O(nodes + ports) memory. (k=16 keeps the Debug/ASan test quick: parsing builds the routing.)
TEST(OfferedLoad, LargeFatTreeInMemoryLinearInNodes) {
  const Experiment e = test::parse(with_source_cdf("[topology]\nkind = \"fat-tree\"\nk = 16\n" +
                                                   std::string(kWorkloads)));
  const std::size_t hosts = e.topology->host_count();
  ASSERT_EQ(hosts, 1024u);
  const std::size_t before = g_in_use.load();
  g_peak.store(before);
  const std::vector<double> load = offered_port_load(e);
  const std::size_t extra = g_peak.load() - before;
  std::printf("k=16 fat-tree (%zu hosts, %zu nodes, %zu ports): offered_port_load peak heap %.2f MB "
              "(the demand matrix was %.1f MB)\n",
              hosts, e.topology->nodes().size(), e.topology->ports().size(), extra / 1e6,
              8.0 * static_cast<double>(hosts * hosts) / 1e6);
  EXPECT_LT(extra, 1'000'000u);
  EXPECT_GT(*std::max_element(load.begin(), load.end()), 0.0);
}

}  // namespace
}  // namespace ptcp::exp
