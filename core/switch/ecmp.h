// Forwarding: destination IPv4 -> set of equal-cost egress ports, one chosen per flow by a
// salted hash of the 5-tuple, so a flow always takes the same port (no reordering) while
// different switches (different salts) split flows independently.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <unordered_map>
#include <vector>

namespace ptcp::sw {

struct FiveTuple {
  std::uint32_t src_ip = 0, dst_ip = 0;
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint8_t proto = 0;
};

// 64-bit hash of the 5-tuple mixed with `salt` (splitmix64 finalizer rounds).
std::uint64_t ecmp_hash(const FiveTuple& t, std::uint64_t salt);

class RouteTable {
 public:
  using PortId = std::uint16_t;
  static constexpr std::uint32_t kNoPort = 0xffffffffu;

  // Replaces an earlier route to the same address. Throws std::invalid_argument for no ports
  // or more than 65535 distinct port sets in one table.
  void set(std::uint32_t dst_ip, const std::vector<PortId>& ports);
  // The port set for `dst_ip`, empty when there is no route.
  std::span<const PortId> find(std::uint32_t dst_ip) const;
  // The egress port for a flow, or kNoPort when there is no route.
  std::uint32_t select(const FiveTuple& t, std::uint64_t salt) const;

 private:
  // A distinct port set: where its ports are in ports_.
  struct PortSet {
    std::uint32_t offset = 0;
    std::uint32_t count = 0;
  };
  using SetId = std::uint16_t;  // 0: no route; otherwise sets_[id - 1]
  SetId set_of(std::uint32_t dst_ip) const;

  // Node addresses are dense (wire::node_ip: 10.0.0.1 + index), so they index a vector; any
  // other address falls back to a hash map. A destination holds only a 2-byte id of its port
  // set, and each distinct set lives once in one contiguous array (a fat-tree switch has about
  // k distinct sets for its thousand destinations): a k = 16 switch's table is 2.7 KB, small
  // enough to stay cached, where a heap vector per destination cost a cache miss or two a hop.
  static constexpr std::uint32_t kDenseBase = 0x0a000000u;
  static constexpr std::uint32_t kDenseSpan = 1u << 20;
  // What select() reads first, together.
  std::vector<SetId> dense_;
  std::vector<PortSet> sets_;
  std::vector<PortId> ports_;
  std::unordered_map<std::uint32_t, SetId> sparse_;
  std::map<std::vector<PortId>, SetId> ids_;  // set -> id, to store each set once
};

}  // namespace ptcp::sw
