#include "switch/ecmp.h"

#include <limits>
#include <stdexcept>

namespace ptcp::sw {
namespace {

constexpr std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t ecmp_hash(const FiveTuple& t, std::uint64_t salt) {
  const std::uint64_t a = (std::uint64_t{t.src_ip} << 32) | t.dst_ip;
  const std::uint64_t b =
      (std::uint64_t{t.src_port} << 32) | (std::uint64_t{t.dst_port} << 16) | t.proto;
  return mix(mix(a ^ mix(salt + 0x9e3779b97f4a7c15ull)) ^ b);
}

void RouteTable::set(std::uint32_t dst_ip, const std::vector<PortId>& ports) {
  if (ports.empty()) throw std::invalid_argument("RouteTable::set: no ports");
  auto it = ids_.find(ports);
  if (it == ids_.end()) {
    if (sets_.size() >= std::numeric_limits<SetId>::max()) {
      throw std::invalid_argument("RouteTable::set: more than 65535 distinct port sets");
    }
    sets_.push_back(PortSet{static_cast<std::uint32_t>(ports_.size()),
                            static_cast<std::uint32_t>(ports.size())});
    ports_.insert(ports_.end(), ports.begin(), ports.end());
    it = ids_.emplace(ports, static_cast<SetId>(sets_.size())).first;
  }
  const std::uint32_t off = dst_ip - kDenseBase;
  if (dst_ip >= kDenseBase && off < kDenseSpan) {
    if (dense_.size() <= off) dense_.resize(std::size_t{off} + 1);
    dense_[off] = it->second;
  } else {
    sparse_[dst_ip] = it->second;
  }
}

RouteTable::SetId RouteTable::set_of(std::uint32_t dst_ip) const {
  const std::uint32_t off = dst_ip - kDenseBase;
  if (dst_ip >= kDenseBase && off < kDenseSpan) return off < dense_.size() ? dense_[off] : 0;
  const auto it = sparse_.find(dst_ip);
  return it == sparse_.end() ? 0 : it->second;
}

std::span<const RouteTable::PortId> RouteTable::find(std::uint32_t dst_ip) const {
  const SetId id = set_of(dst_ip);
  if (id == 0) return {};
  const PortSet& s = sets_[id - 1u];
  return std::span<const PortId>(ports_.data() + s.offset, s.count);
}

std::uint32_t RouteTable::select(const FiveTuple& t, std::uint64_t salt) const {
  const SetId id = set_of(t.dst_ip);
  if (id == 0) return kNoPort;
  const PortSet& s = sets_[id - 1u];
  const PortId* ports = ports_.data() + s.offset;
  if (s.count == 1) return ports[0];
  // Lemire's multiply-shift maps the hash's top 32 bits onto [0, n) without a division.
  const std::uint64_t h = ecmp_hash(t, salt) >> 32;
  return ports[static_cast<std::size_t>((h * s.count) >> 32)];
}

}  // namespace ptcp::sw
