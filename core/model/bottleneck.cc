#include "model/bottleneck.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>

#include "wire/format.h"

namespace ptcp::model {

std::uint64_t data_wire_bytes(const exp::Experiment& e) {
  return wire::wire_bytes(wire::frame_len(e.cc.carries_int(), e.transport.payload_bytes));
}

std::uint64_t ack_wire_bytes(const exp::Experiment& e) {
  return wire::wire_bytes(wire::frame_len(e.cc.carries_int(), 0));
}

namespace {

std::string gbps(double bits_per_s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", bits_per_s / 1e9);
  return buf;
}

// Unloaded RTT over one path: each port's link both ways, a data packet out, an ACK back.
TimeNs path_rtt(const exp::Topology& t, const std::vector<std::uint32_t>& path, std::uint64_t data,
                std::uint64_t ack) {
  double ns = 0;
  for (const std::uint32_t p : path) {
    const auto& l = t.port(p).link;
    const auto& back = t.port(t.port(p).peer_port).link;
    ns += static_cast<double>(l.delay + back.delay);
    ns += static_cast<double>(data) * 8e9 / static_cast<double>(l.rate);
    ns += static_cast<double>(ack) * 8e9 / static_cast<double>(back.rate);
  }
  return static_cast<TimeNs>(ns);
}

}  // namespace

std::string reduce_to_bottleneck(const exp::Experiment& e, const std::vector<exp::Flow>& flows,
                                 Bottleneck& out) {
  const exp::Topology& t = *e.topology;
  if (flows.empty()) return "the experiment has no flows";
  out = Bottleneck{};
  const std::uint64_t data = data_wire_bytes(e), ack = ack_wire_bytes(e);
  std::vector<std::vector<std::vector<std::uint32_t>>> paths(flows.size());
  std::set<std::uint32_t> common;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    paths[i] = e.routing->paths(flows[i].src, flows[i].dst);
    if (paths[i].empty()) return "flow " + std::to_string(flows[i].id) + " has no path";
    std::set<std::uint32_t> on_all(paths[i][0].begin(), paths[i][0].end()), any;
    TimeNs best = kNever;
    for (const auto& p : paths[i]) {
      std::set<std::uint32_t> s(p.begin(), p.end()), keep;
      std::set_intersection(on_all.begin(), on_all.end(), s.begin(), s.end(),
                            std::inserter(keep, keep.begin()));
      on_all = std::move(keep);
      any.insert(p.begin(), p.end());
      best = std::min(best, path_rtt(t, p, data, ack));
    }
    out.flow_rtt.push_back(best);
    out.flow_ports.emplace_back(any.begin(), any.end());
    if (i == 0) {
      common = on_all;
    } else {
      std::set<std::uint32_t> keep;
      std::set_intersection(common.begin(), common.end(), on_all.begin(), on_all.end(),
                            std::inserter(keep, keep.begin()));
      common = std::move(keep);
    }
    if (common.empty()) {
      return "no port is crossed by every flow (flow " + std::to_string(flows[i].id) + " " +
             t.node(flows[i].src).name + "->" + t.node(flows[i].dst).name +
             " shares none with the flows before it): the fluid model needs one bottleneck";
    }
  }
  // The slowest shared port; among equals the first one on the first flow's path.
  const auto& first = paths[0][0];
  std::uint32_t best = *common.begin();
  bool found = false;
  for (const std::uint32_t p : first) {
    if (common.count(p) == 0) continue;
    if (!found || t.port(p).link.rate < t.port(best).link.rate) best = p;
    found = true;
  }
  out.port = best;
  out.node = t.port(best).node;
  const BitsPerSec b = t.port(best).link.rate;

  // Every other port the flows may cross must be unable to queue.
  std::map<std::uint32_t, std::vector<std::size_t>> users;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    for (const std::uint32_t p : out.flow_ports[i]) users[p].push_back(i);
  }
  for (const auto& [p, fl] : users) {
    if (p == best) continue;
    double offered = 0;
    bool after_bottleneck = true;
    for (const std::size_t i : fl) {
      offered += static_cast<double>(t.port(t.node(flows[i].src).ports.at(0)).link.rate);
      for (const auto& path : paths[i]) {
        const auto at_p = std::find(path.begin(), path.end(), p);
        const auto at_b = std::find(path.begin(), path.end(), best);
        if (at_p != path.end() && at_p < at_b) after_bottleneck = false;
      }
    }
    const BitsPerSec rate = t.port(p).link.rate;
    if (offered <= static_cast<double>(rate)) continue;
    if (after_bottleneck && rate >= b) continue;
    return "port " + t.port(p).name + " (" + gbps(static_cast<double>(rate)) + " Gb/s) may queue too: " +
           std::to_string(fl.size()) + " flow(s) with " + gbps(offered) + " Gb/s of NICs cross it " +
           (after_bottleneck ? "after" : "before or beside") + " the chosen bottleneck " +
           t.port(best).name + " (" + gbps(static_cast<double>(b)) +
           " Gb/s); the fluid model needs one bottleneck";
  }
  return "";
}

}  // namespace ptcp::model
