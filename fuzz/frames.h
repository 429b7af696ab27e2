// Well-formed frames built from a few fuzzer bytes, so the targets reach the code behind the
// header checks (a random byte string almost never has two valid checksums). The bytes choose
// the packet type, flags, addresses, payload and INT stack; the targets then also flip bytes
// of some of them.
#pragma once

#include <cstdint>
#include <vector>

#include "fuzz_input.h"
#include "wire/format.h"

namespace ptcp::fuzz {

// A transport frame from `nodes` hosts' address space (src/dst chosen by the input).
inline std::vector<std::uint8_t> make_frame(Input& in, std::uint32_t nodes) {
  wire::FrameAddr a;
  const std::uint32_t src = in.u8() % nodes, dst = in.u8() % nodes;
  a.src_mac = wire::node_mac(src);
  a.dst_mac = wire::node_mac(dst);
  a.src_ip = wire::node_ip(src);
  a.dst_ip = wire::node_ip(dst);
  wire::Segment s;
  s.type = static_cast<wire::PacketType>(1 + in.u8() % wire::kMaxPacketType);
  s.flags = in.u8() & wire::flags::kKnown;
  if (!wire::may_carry_int(s.type)) s.flags &= static_cast<std::uint8_t>(~wire::flags::kHasInt);
  s.flow_id = in.u8() % 8;
  a.src_port = wire::flow_src_port(s.flow_id);
  s.seq = static_cast<std::uint64_t>(in.u16()) * 100;
  s.ack = static_cast<std::uint64_t>(in.u16()) * 100;
  s.ts_ns = in.u32();
  s.payload_len = s.type == wire::PacketType::kData ? static_cast<std::uint16_t>(in.u16() % 1500) : 0;
  if ((s.flags & wire::flags::kHasInt) != 0) {
    s.int_stack.n_hops = static_cast<std::uint8_t>(in.u8() % (wire::kMaxIntHops + 1));
    s.int_stack.overflow = in.u8();
    for (std::size_t h = 0; h < s.int_stack.n_hops; ++h) {
      s.int_stack.hops[h] = {in.u32(), in.u32(), in.u32(), in.u32()};
    }
  }
  const std::uint8_t ecn = in.u8() & 3;
  std::vector<std::uint8_t> payload(s.payload_len);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 131 + s.seq);
  std::vector<std::uint8_t> f(wire::frame_len((s.flags & wire::flags::kHasInt) != 0, s.payload_len));
  const std::size_t n = wire::write_frame(f, a, s, ecn, payload);
  PTCP_FUZZ_CHECK(n == f.size());
  return f;
}

inline std::vector<std::uint8_t> make_pause(Input& in, std::uint32_t nodes) {
  wire::PfcPause p;
  p.class_enable = in.u16();
  for (auto& q : p.quanta) q = in.u16();
  std::vector<std::uint8_t> f(wire::kPfcFrameLen);
  PTCP_FUZZ_CHECK(wire::write_pfc_pause(f, wire::node_mac(in.u8() % nodes), p) == f.size());
  return f;
}

// Flips up to 3 input-chosen bytes (offset, xor) of `f`.
inline void mutate(Input& in, std::vector<std::uint8_t>& f) {
  const int n = in.u8() % 4;
  for (int i = 0; i < n && !f.empty(); ++i) {
    const std::size_t off = in.u16() % f.size();
    f[off] ^= in.u8();
  }
}

}  // namespace ptcp::fuzz
