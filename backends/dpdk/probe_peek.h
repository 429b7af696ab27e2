// Seeing probe packets on their way (multi-process runs carry the start barrier and the end of
// the run in probe ids): a one-byte check of the transport type first, so other frames cost
// nothing more, then the full parse, so a malformed frame is never taken for a probe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/format.h"

namespace ptcp::dpdk {

struct ProbeSeen {
  std::uint32_t src_node = 0;  // node indices (from the IPv4 addresses)
  std::uint32_t dst_node = 0;
  std::uint64_t id = 0;        // the probe id (transport seq)
};

inline bool peek_probe(std::span<const std::uint8_t> frame, ProbeSeen& out) {
  constexpr std::size_t kTypeOffset = wire::kTransportOffset + 1;
  if (frame.size() < wire::kIntOffset ||
      frame[kTypeOffset] != static_cast<std::uint8_t>(wire::PacketType::kProbe)) {
    return false;
  }
  wire::ParsedFrame pf;
  if (wire::parse_frame(frame, pf) != wire::ParseStatus::kOk ||
      pf.kind != wire::FrameKind::kTransport || pf.seg.type != wire::PacketType::kProbe) {
    return false;
  }
  out.src_node = pf.src_ip - wire::node_ip(0);
  out.dst_node = pf.dst_ip - wire::node_ip(0);
  out.id = pf.seg.seq;
  return true;
}

// cc.base_rtt = "measured" must measure what the CC needs: the unloaded RTT of a full-size data
// frame out and its ACK back (experiment/probe_rtt.h computes the same for simulators). So a
// host pads a probe it sends to `out_len` bytes and a probe reply to `back_len` (zeros after
// the IP datagram, which parse_frame ignores like Ethernet padding). `buf` is the writable
// buffer holding the `len`-byte frame. Returns the length to send (`len` for any other frame,
// at the cost of three byte compares).
inline std::size_t probe_padded_len(std::span<std::uint8_t> buf, std::size_t len,
                                    std::size_t out_len, std::size_t back_len) {
  constexpr std::size_t kTypeOffset = wire::kTransportOffset + 1;
  if (len <= kTypeOffset || len > buf.size() || buf[12] != 0x08 || buf[13] != 0x00) {
    return len;  // not IPv4 (e.g. PFC): never ours to pad
  }
  const std::uint8_t type = buf[kTypeOffset];
  const std::size_t want = type == static_cast<std::uint8_t>(wire::PacketType::kProbe) ? out_len
                           : type == static_cast<std::uint8_t>(wire::PacketType::kProbeReply)
                               ? back_len
                               : len;
  if (want <= len || want > buf.size()) return len;
  std::fill(buf.begin() + static_cast<std::ptrdiff_t>(len),
            buf.begin() + static_cast<std::ptrdiff_t>(want), std::uint8_t{0});
  return want;
}

}  // namespace ptcp::dpdk
