// The switch's view of a frame: just what forwarding needs, found by wire::check_headers() (the
// header stage wire::parse_frame() runs too), which never reads outside the frame. Cheaper than
// wire::parse_frame() because it skips the end-to-end checksums over the payload (as a real
// switch does); SwitchConfig::verify_checksums adds them.
#pragma once

#include <cstdint>
#include <span>

#include "wire/format.h"

namespace ptcp::sw {

struct FrameInfo {
  wire::FrameKind kind = wire::FrameKind::kTransport;
  std::uint32_t src_ip = 0, dst_ip = 0;  // host byte order
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint8_t proto = 0;
  wire::PacketType type = wire::PacketType::kData;
  bool has_int = false;
  wire::PfcPause pause{};  // kind == kPfcPause
};

// Returns kOk or the first problem found, with the statuses of wire::parse_frame().
wire::ParseStatus check_frame(std::span<const std::uint8_t> frame, FrameInfo& out);

}  // namespace ptcp::sw
