#include "switch/frame_check.h"

#include "wire/header_check.h"

namespace ptcp::sw {

// The header stage is wire's, shared with wire::parse_frame(), so the switch and the hosts
// accept exactly the same headers.
wire::ParseStatus check_frame(std::span<const std::uint8_t> frame, FrameInfo& out) {
  wire::HeaderView h;
  const wire::ParseStatus st = wire::check_headers(frame, h);
  if (st != wire::ParseStatus::kOk) return st;
  out.kind = h.kind;
  if (h.kind == wire::FrameKind::kPfcPause) {
    out.pause = h.pause;
    return st;
  }
  out.src_ip = h.src_ip;
  out.dst_ip = h.dst_ip;
  out.src_port = h.src_port;
  out.dst_port = h.dst_port;
  out.proto = 17;  // the header stage accepts UDP only
  out.type = h.type;
  out.has_int = h.has_int;
  return st;
}

}  // namespace ptcp::sw
