// Seeing probe packets on their way (multi-process runs carry the start barrier and the end of
// the run in probe ids): a one-byte check of the transport type first, so other frames cost
// nothing more, then the full parse, so a malformed frame is never taken for a probe.
#pragma once

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

}  // namespace ptcp::dpdk
