// The network as every backend sees it: nodes, bidirectional links and the ports they create.
// Names are part of the model and identical in every backend: hosts h0.., switches tor0..,
// agg0.., core0.. or sw0..; a port is named by its node and its neighbour ("tor0->h16").
// Hosts come first, so a host's node index is its number (h7 is node 7), which is also the
// index wire::node_ip()/node_mac() take.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.h"

namespace ptcp::exp {

enum class NodeKind : std::uint8_t { kHost, kTor, kAgg, kCore, kSwitch };
const char* name_prefix(NodeKind k);  // "h", "tor", "agg", "core", "sw"

struct LinkParams {
  BitsPerSec rate = 0;
  TimeNs delay = 0;  // one-way propagation
  friend bool operator==(const LinkParams&, const LinkParams&) = default;
};

inline constexpr std::uint32_t kNone = 0xffffffffu;

struct Node {
  std::string name;
  NodeKind kind = NodeKind::kHost;
  std::vector<std::uint32_t> ports;  // global port ids, in the order the links were added
  bool is_host() const { return kind == NodeKind::kHost; }
};

// One direction of a link: the egress of `node` towards `peer`.
struct Port {
  std::uint32_t node = 0;
  std::uint32_t peer = 0;
  std::uint32_t peer_port = 0;  // the global id of the opposite direction
  std::uint16_t local = 0;      // index among node's ports (the switch's PortId)
  LinkParams link;
  std::string name;             // "tor0->h16"
};

class Topology {
 public:
  // Adds a node; names must follow the naming rule and be unique (hosts before switches).
  std::uint32_t add_node(NodeKind kind);  // named by kind and count: h3, tor1, ...
  std::uint32_t add_named(std::string name, NodeKind kind);
  void add_link(std::uint32_t a, std::uint32_t b, LinkParams p);

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Port>& ports() const { return ports_; }
  const Node& node(std::uint32_t i) const { return nodes_[i]; }
  const Port& port(std::uint32_t i) const { return ports_[i]; }
  std::uint32_t host_count() const { return hosts_; }
  std::uint32_t switch_count() const { return static_cast<std::uint32_t>(nodes_.size()) - hosts_; }
  std::uint32_t link_count() const { return static_cast<std::uint32_t>(ports_.size() / 2); }

  std::optional<std::uint32_t> find_node(std::string_view name) const;
  std::optional<std::uint32_t> find_port(std::string_view name) const;
  // The switch a host is attached to (its rack), or kNone for an unattached host.
  std::uint32_t host_switch(std::uint32_t host) const;
  // Sum of the rates of a switch's links to other switches (a ToR's uplink capacity).
  BitsPerSec uplink_capacity(std::uint32_t sw) const;
  std::uint32_t hosts_on(std::uint32_t sw) const;

  // Scales every link: rates divided by s, delays multiplied by s (rounded to whole units).
  void scale_links(double s);

  // An empty string when the topology is usable; otherwise what is wrong with it (a host with
  // no link or more than one, a host that cannot reach another, a link to itself...).
  std::string check() const;

 private:
  std::vector<Node> nodes_;
  std::vector<Port> ports_;
  std::uint32_t hosts_ = 0;
  std::uint32_t counts_[5] = {};
};

// Whether `name` is a valid node name for `kind`: the prefix followed by a number.
bool valid_node_name(std::string_view name, NodeKind& kind_out);

}  // namespace ptcp::exp
