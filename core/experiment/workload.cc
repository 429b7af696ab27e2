#include "experiment/workload.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace ptcp::exp {

const char* to_string(WorkloadKind k) {
  switch (k) {
    case WorkloadKind::kPoisson: return "poisson";
    case WorkloadKind::kIncast: return "incast";
    case WorkloadKind::kFlows: return "flows";
    case WorkloadKind::kLongFlows: return "long-flows";
  }
  return "?";
}
const char* to_string(LoadBase b) {
  return b == LoadBase::kTorUplinks ? "tor-uplinks" : "host-links";
}
const char* to_string(Peers p) {
  switch (p) {
    case Peers::kUniform: return "uniform";
    case Peers::kOtherRack: return "other-rack";
    case Peers::kSameRack: return "same-rack";
  }
  return "?";
}

double uniform01(std::uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

namespace {

// Independent stream per workload: the seed mixed with the workload index (splitmix64).
std::mt19937_64 stream(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return std::mt19937_64(z ^ (z >> 31));
}

double exponential(std::mt19937_64& rng, double rate) {
  return -std::log1p(-uniform01(rng())) / rate;
}

std::uint32_t pick(std::mt19937_64& rng, const std::vector<std::uint32_t>& from) {
  return from[static_cast<std::size_t>(uniform01(rng()) * static_cast<double>(from.size()))];
}

// k distinct elements, chosen uniformly (partial Fisher-Yates on a copy).
std::vector<std::uint32_t> pick_distinct(std::mt19937_64& rng, std::vector<std::uint32_t> from,
                                         std::uint32_t k) {
  for (std::uint32_t i = 0; i < k; ++i) {
    const auto j = i + static_cast<std::size_t>(uniform01(rng()) *
                                                static_cast<double>(from.size() - i));
    std::swap(from[i], from[j]);
  }
  from.resize(k);
  return from;
}

TimeNs to_ns(double seconds) { return static_cast<TimeNs>(std::floor(seconds * 1e9)); }

struct Tagged {
  Flow flow;
  std::uint64_t order;
};

void poisson(const Experiment& e, std::uint32_t wi, std::vector<Tagged>& out) {
  const Workload& w = e.workloads[wi];
  const Topology& t = *e.topology;
  auto rng = stream(e.run.seed, wi);
  const std::vector<double> rates = arrival_rates(e, w);
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    if (rates[h] <= 0) continue;
    const std::vector<std::uint32_t> dsts = peers(t, h, w.destinations);
    double now = static_cast<double>(w.start) * 1e-9;
    const double stop = static_cast<double>(w.stop) * 1e-9;
    for (;;) {
      now += exponential(rng, rates[h]);
      if (now >= stop) break;
      Flow f;
      f.src = h;
      f.dst = pick(rng, dsts);
      f.size_bytes = w.cdf.sample(uniform01(rng()));
      f.start = to_ns(now);
      f.workload = wi;
      out.push_back({f, out.size()});
    }
  }
}

void incast(const Experiment& e, std::uint32_t wi, std::vector<Tagged>& out) {
  const Workload& w = e.workloads[wi];
  const Topology& t = *e.topology;
  auto rng = stream(e.run.seed, wi);
  auto emit = [&](std::uint32_t receiver, const std::vector<std::uint32_t>& senders, TimeNs at) {
    for (std::uint32_t s : senders) {
      Flow f;
      f.src = s;
      f.dst = receiver;
      f.size_bytes = w.bytes;
      f.start = at;
      f.workload = wi;
      out.push_back({f, out.size()});
    }
  };
  if (w.request_rate <= 0) {
    const std::uint32_t r = w.receiver.value_or(0);
    emit(r, w.senders.empty() ? pick_distinct(rng, peers(t, r, w.senders_from), w.fan_in) : w.senders,
         w.start);
    return;
  }
  for (std::uint32_t r = 0; r < t.host_count(); ++r) {
    const std::vector<std::uint32_t> from = peers(t, r, w.senders_from);
    double now = static_cast<double>(w.start) * 1e-9;
    const double stop = static_cast<double>(w.stop) * 1e-9;
    for (;;) {
      now += exponential(rng, w.request_rate);
      if (now >= stop) break;
      emit(r, pick_distinct(rng, from, w.fan_in), to_ns(now));
    }
  }
}

void listed(const Experiment& e, std::uint32_t wi, std::vector<Tagged>& out) {
  const Workload& w = e.workloads[wi];
  for (const FlowEntry& fe : w.flows) {
    Flow f;
    f.src = fe.src;
    f.dst = fe.dst;
    f.size_bytes = fe.size_bytes;
    f.start = fe.start;
    f.stop = fe.stop;
    f.workload = wi;
    if (f.size_bytes == 0) {
      // A long flow without a size: more bytes than its NIC can send before it stops, so it is
      // still running when the backend stops it at `stop`.
      const BitsPerSec rate = e.topology->port(e.topology->node(f.src).ports.front()).link.rate;
      const double secs = static_cast<double>(f.stop - f.start) * 1e-9;
      f.size_bytes = static_cast<std::uint64_t>(std::ceil(bytes_per_sec(rate) * secs)) + 1;
    }
    out.push_back({f, out.size()});
  }
}

}  // namespace

std::vector<std::uint32_t> peers(const Topology& t, std::uint32_t host, Peers p) {
  std::vector<std::uint32_t> out;
  const std::uint32_t rack = t.host_switch(host);
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    if (h == host) continue;
    const bool same = t.host_switch(h) == rack;
    if (p == Peers::kUniform || (p == Peers::kSameRack) == same) out.push_back(h);
  }
  return out;
}

std::vector<double> arrival_rates(const Experiment& e, const Workload& w) {
  const Topology& t = *e.topology;
  std::vector<double> rates(t.host_count(), 0.0);
  if (w.kind != WorkloadKind::kPoisson) return rates;
  const double mean_bits = w.cdf.mean() * 8.0;
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    const std::uint32_t sw = t.host_switch(h);
    double capacity = 0;
    if (w.load_on == LoadBase::kHostLinks) {
      capacity = static_cast<double>(t.port(t.node(h).ports.front()).link.rate);
    } else {
      capacity = static_cast<double>(t.uplink_capacity(sw)) / t.hosts_on(sw);
    }
    rates[h] = w.load * capacity / mean_bits;
  }
  return rates;
}

std::vector<double> offered_port_load(const Experiment& e) {
  // One destination at a time: column d of the host-to-host demand matrix is built from
  // per-host coefficients and pushed towards d, so memory stays O(nodes + ports) (the whole
  // matrix was 8 * hosts^2 bytes: 6 GB for a k=48 fat-tree). The sums and the order of every
  // addition are those of the matrix version, so the loads are the same to the last bit.
  const Topology& t = *e.topology;
  const Routing& r = *e.routing;
  const std::uint32_t hosts = t.host_count();
  const std::uint32_t n = static_cast<std::uint32_t>(t.nodes().size());
  // Racks as peers() sees them: host_switch(), unattached hosts (kNone) together as rack n.
  std::vector<std::uint32_t> rack(hosts);
  std::vector<std::uint32_t> rack_size(static_cast<std::size_t>(n) + 1, 0);
  for (std::uint32_t h = 0; h < hosts; ++h) {
    const std::uint32_t sw = t.host_switch(h);
    rack[h] = sw == kNone ? n : sw;
    ++rack_size[rack[h]];
  }
  // |peers(t, h, p)| and "b is in peers(t, a, p)" (a symmetric relation), without the lists.
  auto peer_count = [&](std::uint32_t h, Peers p) -> std::size_t {
    switch (p) {
      case Peers::kUniform: return hosts - 1;
      case Peers::kSameRack: return rack_size[rack[h]] - 1;
      case Peers::kOtherRack: return hosts - rack_size[rack[h]];
    }
    return 0;
  };
  auto is_peer = [&](std::uint32_t a, std::uint32_t b, Peers p) {
    return a != b && (p == Peers::kUniform || (p == Peers::kSameRack) == (rack[a] == rack[b]));
  };
  // Each rate-based workload as a coefficient per host: poisson, what source s sends to each
  // of its peers; incast requests, what each possible sender of d sends to d.
  struct Term {
    Peers peers;
    bool per_source;
    std::vector<double> coef;
  };
  std::vector<Term> terms;
  for (const Workload& w : e.workloads) {
    if (w.kind == WorkloadKind::kPoisson) {
      Term term{w.destinations, true, arrival_rates(e, w)};
      const double mean_bits = w.cdf.mean() * 8.0;
      for (std::uint32_t s = 0; s < hosts; ++s) {
        const std::size_t c = peer_count(s, w.destinations);
        term.coef[s] = c == 0 ? 0.0 : term.coef[s] * mean_bits / static_cast<double>(c);
      }
      terms.push_back(std::move(term));
    } else if (w.kind == WorkloadKind::kIncast && w.request_rate > 0) {
      Term term{w.senders_from, false, std::vector<double>(hosts, 0.0)};
      for (std::uint32_t d = 0; d < hosts; ++d) {
        const std::size_t c = peer_count(d, w.senders_from);
        term.coef[d] = c == 0 ? 0.0
                              : w.request_rate * static_cast<double>(w.bytes) * 8.0 * w.fan_in /
                                    static_cast<double>(c);
      }
      terms.push_back(std::move(term));
    }
  }
  std::vector<double> load(t.ports().size(), 0.0);
  if (terms.empty()) return load;
  std::vector<double> at(n, 0.0);
  std::vector<std::uint32_t> order;
  for (std::uint32_t d = 0; d < hosts; ++d) {
    bool any = false;
    std::fill(at.begin(), at.end(), 0.0);
    for (std::uint32_t s = 0; s < hosts; ++s) {
      double x = 0.0;
      for (const Term& term : terms) {
        if (is_peer(s, d, term.peers)) x += term.coef[term.per_source ? s : d];
      }
      at[s] = x;
      any = any || x > 0;
    }
    if (!any) continue;
    // Push traffic towards d, farthest nodes first (unreachable ones before all), ties by id,
    // splitting evenly over next hops.
    r.nodes_by_hops(d, true, order);
    for (std::uint32_t v : order) {
      if (v == d || at[v] <= 0) continue;
      const auto& next = r.next_ports(v, d);
      if (next.empty()) continue;
      const double share = at[v] / static_cast<double>(next.size());
      for (std::uint32_t p : next) {
        load[p] += share;
        at[t.port(p).peer] += share;
      }
    }
  }
  return load;
}

double expected_flow_count(const Experiment& e) {
  double n = 0;
  for (const Workload& w : e.workloads) {
    const double secs = static_cast<double>(w.stop - w.start) * 1e-9;
    switch (w.kind) {
      case WorkloadKind::kPoisson:
        for (double r : arrival_rates(e, w)) n += r * secs;
        break;
      case WorkloadKind::kIncast:
        n += w.request_rate > 0 ? w.request_rate * secs * e.topology->host_count() * w.fan_in
                                : static_cast<double>(w.senders.empty() ? w.fan_in : w.senders.size());
        break;
      case WorkloadKind::kFlows:
      case WorkloadKind::kLongFlows: n += static_cast<double>(w.flows.size()); break;
    }
  }
  return n;
}

std::vector<Flow> generate_flows(const Experiment& e) {
  std::vector<Tagged> all;
  for (std::uint32_t wi = 0; wi < e.workloads.size(); ++wi) {
    switch (e.workloads[wi].kind) {
      case WorkloadKind::kPoisson: poisson(e, wi, all); break;
      case WorkloadKind::kIncast: incast(e, wi, all); break;
      case WorkloadKind::kFlows:
      case WorkloadKind::kLongFlows: listed(e, wi, all); break;
    }
  }
  std::sort(all.begin(), all.end(), [](const Tagged& a, const Tagged& b) {
    if (a.flow.start != b.flow.start) return a.flow.start < b.flow.start;
    if (a.flow.workload != b.flow.workload) return a.flow.workload < b.flow.workload;
    return a.order < b.order;
  });
  std::vector<Flow> flows;
  flows.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    flows.push_back(all[i].flow);
    flows.back().id = static_cast<std::uint32_t>(i);
  }
  return flows;
}

}  // namespace ptcp::exp
