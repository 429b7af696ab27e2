// Frames for the switch tests: real wire-format packets written by wire::write_frame, each in
// its own buffer that outlives the switch's hold on it.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include <gtest/gtest.h>

#include "switch/switch.h"
#include "wire/format.h"

namespace ptcp::sw::testing {

struct FrameSpec {
  std::uint32_t src_node = 0;
  std::uint32_t dst_node = 1;
  std::uint32_t flow_id = 1;
  wire::PacketType type = wire::PacketType::kData;
  std::uint16_t payload = 1000;
  bool with_int = true;
  std::uint8_t ecn = wire::kEcnEct0;
  std::uint64_t seq = 0;
};

inline std::vector<std::uint8_t> make_frame(const FrameSpec& s) {
  const wire::FrameAddr a = wire::flow_addr(s.src_node, s.dst_node, s.flow_id);
  wire::Segment seg;
  seg.type = s.type;
  seg.flow_id = s.flow_id;
  seg.seq = s.seq;
  const bool data = s.type == wire::PacketType::kData;
  seg.payload_len = data ? s.payload : 0;
  if (s.with_int && wire::may_carry_int(s.type)) seg.flags |= wire::flags::kHasInt;
  std::vector<std::uint8_t> payload(seg.payload_len, 0xab);
  std::vector<std::uint8_t> out(wire::frame_len(true, seg.payload_len));
  const std::size_t n = wire::write_frame(out, a, seg, s.ecn, payload);
  out.resize(n);
  return out;
}

// Keeps frames alive (stable addresses) while a switch holds them; handle = index.
class FramePool {
 public:
  Handle add(std::vector<std::uint8_t> f) {
    frames_.push_back(std::move(f));
    return frames_.size() - 1;
  }
  std::vector<std::uint8_t>& operator[](Handle h) { return frames_[h]; }
  std::size_t size() const { return frames_.size(); }

 private:
  std::deque<std::vector<std::uint8_t>> frames_;
};

inline wire::ParsedFrame parse(const std::vector<std::uint8_t>& f) {
  wire::ParsedFrame p;
  EXPECT_EQ(wire::parse_frame(f, p), wire::ParseStatus::kOk);
  return p;
}

// A switch config with `n` ports of `rate`, generous buffer, no ECN unless asked.
inline SwitchConfig simple_config(std::size_t n, BitsPerSec rate = gbps(25),
                                  std::uint64_t buffer = 4u << 20) {
  SwitchConfig c;
  c.buffer_bytes = buffer;
  c.ports.assign(n, PortConfig{rate, EcnThresholds{}, 1 * kNsPerUs, true});
  c.ecn_enabled = false;
  return c;
}

}  // namespace ptcp::sw::testing
