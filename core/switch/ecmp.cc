#include "switch/ecmp.h"

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
  const auto [it, added] = offsets_.try_emplace(ports, static_cast<std::uint32_t>(ports_.size()));
  if (added) ports_.insert(ports_.end(), ports.begin(), ports.end());
  const Entry e{it->second, static_cast<std::uint32_t>(ports.size())};
  const std::uint32_t off = dst_ip - kDenseBase;
  if (dst_ip >= kDenseBase && off < kDenseSpan) {
    if (dense_.size() <= off) dense_.resize(std::size_t{off} + 1);
    dense_[off] = e;
  } else {
    sparse_[dst_ip] = e;
  }
}

RouteTable::Entry RouteTable::entry(std::uint32_t dst_ip) const {
  const std::uint32_t off = dst_ip - kDenseBase;
  if (dst_ip >= kDenseBase && off < kDenseSpan) {
    return off < dense_.size() ? dense_[off] : Entry{};
  }
  const auto it = sparse_.find(dst_ip);
  return it == sparse_.end() ? Entry{} : it->second;
}

std::span<const RouteTable::PortId> RouteTable::find(std::uint32_t dst_ip) const {
  const Entry e = entry(dst_ip);
  if (e.count == 0) return {};
  return std::span<const PortId>(ports_.data() + e.offset, e.count);
}

std::uint32_t RouteTable::select(const FiveTuple& t, std::uint64_t salt) const {
  const Entry e = entry(t.dst_ip);
  if (e.count == 0) return kNoPort;
  const PortId* ports = ports_.data() + e.offset;
  if (e.count == 1) return ports[0];
  // Lemire's multiply-shift maps the hash's top 32 bits onto [0, n) without a division.
  const std::uint64_t h = ecmp_hash(t, salt) >> 32;
  return ports[static_cast<std::size_t>((h * e.count) >> 32)];
}

}  // namespace ptcp::sw
