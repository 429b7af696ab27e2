#include "experiment/topology.h"

#include <cmath>
#include <stdexcept>

namespace ptcp::exp {

const char* name_prefix(NodeKind k) {
  switch (k) {
    case NodeKind::kHost: return "h";
    case NodeKind::kTor: return "tor";
    case NodeKind::kAgg: return "agg";
    case NodeKind::kCore: return "core";
    case NodeKind::kSwitch: return "sw";
  }
  return "?";
}

bool valid_node_name(std::string_view name, NodeKind& kind_out) {
  for (NodeKind k : {NodeKind::kTor, NodeKind::kAgg, NodeKind::kCore, NodeKind::kSwitch,
                     NodeKind::kHost}) {
    const std::string_view p = name_prefix(k);
    if (name.size() <= p.size() || name.substr(0, p.size()) != p) continue;
    const std::string_view digits = name.substr(p.size());
    bool ok = digits.size() == 1 || digits.front() != '0';  // no leading zeros: "h01" != "h1"
    for (char c : digits) ok = ok && c >= '0' && c <= '9';
    if (ok) {
      kind_out = k;
      return true;
    }
  }
  return false;
}

std::uint32_t Topology::add_node(NodeKind kind) {
  auto& n = counts_[static_cast<int>(kind)];
  return add_named(name_prefix(kind) + std::to_string(n), kind);
}

std::uint32_t Topology::add_named(std::string name, NodeKind kind) {
  if (kind == NodeKind::kHost && hosts_ != nodes_.size()) {
    throw std::logic_error("hosts must be added before switches");
  }
  if (find_node(name)) throw std::invalid_argument("node " + name + " is defined twice");
  ++counts_[static_cast<int>(kind)];
  nodes_.push_back(Node{std::move(name), kind, {}});
  if (kind == NodeKind::kHost) ++hosts_;
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

void Topology::add_link(std::uint32_t a, std::uint32_t b, LinkParams p) {
  const auto pa = static_cast<std::uint32_t>(ports_.size());
  const auto pb = pa + 1;
  ports_.push_back(Port{a, b, pb, static_cast<std::uint16_t>(nodes_[a].ports.size()), p,
                        nodes_[a].name + "->" + nodes_[b].name});
  ports_.push_back(Port{b, a, pa, static_cast<std::uint16_t>(nodes_[b].ports.size()), p,
                        nodes_[b].name + "->" + nodes_[a].name});
  nodes_[a].ports.push_back(pa);
  nodes_[b].ports.push_back(pb);
}

std::optional<std::uint32_t> Topology::find_node(std::string_view name) const {
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].name == name) return i;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> Topology::find_port(std::string_view name) const {
  for (std::uint32_t i = 0; i < ports_.size(); ++i) {
    if (ports_[i].name == name) return i;
  }
  return std::nullopt;
}

std::uint32_t Topology::host_switch(std::uint32_t host) const {
  const Node& n = nodes_[host];
  return n.ports.empty() ? kNone : ports_[n.ports.front()].peer;
}

BitsPerSec Topology::uplink_capacity(std::uint32_t sw) const {
  BitsPerSec c = 0;
  for (std::uint32_t p : nodes_[sw].ports) {
    if (!nodes_[ports_[p].peer].is_host()) c += ports_[p].link.rate;
  }
  return c;
}

std::uint32_t Topology::hosts_on(std::uint32_t sw) const {
  std::uint32_t n = 0;
  for (std::uint32_t p : nodes_[sw].ports) n += nodes_[ports_[p].peer].is_host() ? 1u : 0u;
  return n;
}

void Topology::scale_links(double s) {
  for (Port& p : ports_) {
    p.link.rate = static_cast<BitsPerSec>(std::llround(static_cast<double>(p.link.rate) / s));
    p.link.delay = static_cast<TimeNs>(std::llround(static_cast<double>(p.link.delay) * s));
  }
}

std::string Topology::check() const {
  if (hosts_ < 2) return "a topology needs at least two hosts";
  for (const Port& p : ports_) {
    if (p.node == p.peer) return "link " + p.name + " connects a node to itself";
    if (p.link.rate == 0) return "link " + p.name + " has rate 0";
    if (p.link.delay < 0) return "link " + p.name + " has a negative delay";
    if (nodes_[p.node].is_host() && nodes_[p.peer].is_host()) {
      return "link " + p.name + " joins two hosts directly (hosts attach to switches)";
    }
  }
  for (std::uint32_t h = 0; h < hosts_; ++h) {
    if (nodes_[h].ports.size() != 1) {
      return "host " + nodes_[h].name + " has " + std::to_string(nodes_[h].ports.size()) +
             " links (a host has exactly one)";
    }
  }
  for (const Node& n : nodes_) {
    if (n.ports.size() > 65535) return "switch " + n.name + " has too many ports";
  }
  // Every host must reach every other through switches only.
  std::vector<char> seen(nodes_.size(), 0);
  std::vector<std::uint32_t> stack{0};
  seen[0] = 1;
  while (!stack.empty()) {
    const std::uint32_t n = stack.back();
    stack.pop_back();
    if (nodes_[n].is_host() && n != 0) continue;
    for (std::uint32_t p : nodes_[n].ports) {
      const std::uint32_t m = ports_[p].peer;
      if (seen[m] == 0) {
        seen[m] = 1;
        stack.push_back(m);
      }
    }
  }
  for (std::uint32_t h = 0; h < hosts_; ++h) {
    if (seen[h] == 0) return "host " + nodes_[h].name + " cannot reach h0";
  }
  return {};
}

}  // namespace ptcp::exp
