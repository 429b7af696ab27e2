// wire::parse_frame over arbitrary bytes, and the in-place rewrites switches do on what it
// accepts. Inputs starting with 0xA5 are read as a recipe for a well-formed frame (any packet
// type, INT stacks of 0..5 hops) with a few bytes flipped, so the checks behind the checksums
// are reached too; anything else is parsed as it is.
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <vector>

#include "faults/faults.h"
#include "frames.h"
#include "fuzz_input.h"
#include "wire/format.h"

using namespace ptcp;

namespace {

void check_accepted(std::span<std::uint8_t> f, const wire::ParsedFrame& p) {
  PTCP_FUZZ_CHECK(p.frame_len <= f.size());
  if (p.kind == wire::FrameKind::kPfcPause) return;
  const wire::Segment& s = p.seg;
  const bool has_int = (s.flags & wire::flags::kHasInt) != 0;
  PTCP_FUZZ_CHECK(p.payload_offset == wire::header_len(has_int));
  PTCP_FUZZ_CHECK(p.payload_offset + s.payload_len == p.frame_len);
  PTCP_FUZZ_CHECK(!has_int || s.int_stack.n_hops <= wire::kMaxIntHops);
  PTCP_FUZZ_CHECK(!has_int || wire::may_carry_int(s.type));
  PTCP_FUZZ_CHECK((s.flags & ~wire::flags::kKnown) == 0);

  // Written again from the parsed fields, the frame parses to the same fields.
  wire::FrameAddr a{p.src_mac, p.dst_mac, p.src_ip, p.dst_ip, p.src_port, p.dst_port};
  std::vector<std::uint8_t> again(wire::frame_len(has_int, s.payload_len));
  PTCP_FUZZ_CHECK(wire::write_frame(again, a, s, p.ecn, f.subspan(p.payload_offset, s.payload_len)) ==
                  again.size());
  wire::ParsedFrame q;
  PTCP_FUZZ_CHECK(wire::parse_frame(again, q) == wire::ParseStatus::kOk);
  PTCP_FUZZ_CHECK(q.seg.type == s.type && q.seg.flags == s.flags && q.seg.flow_id == s.flow_id);
  PTCP_FUZZ_CHECK(q.seg.seq == s.seq && q.seg.ack == s.ack && q.seg.ts_ns == s.ts_ns);
  PTCP_FUZZ_CHECK(q.seg.payload_len == s.payload_len && q.ecn == p.ecn);
  PTCP_FUZZ_CHECK(!has_int || q.seg.int_stack == s.int_stack);
  PTCP_FUZZ_CHECK(std::memcmp(again.data() + q.payload_offset, f.data() + p.payload_offset, s.payload_len) == 0);

  // mark_ce keeps the frame valid and marks exactly the ECN-capable ones.
  std::vector<std::uint8_t> m(f.begin(), f.end());
  const bool ect = p.ecn == wire::kEcnEct0 || p.ecn == wire::kEcnEct1;
  PTCP_FUZZ_CHECK(wire::mark_ce(m) == ect);
  PTCP_FUZZ_CHECK(wire::parse_frame(m, q) == wire::ParseStatus::kOk);
  PTCP_FUZZ_CHECK(q.ecn == (ect ? wire::kEcnCe : p.ecn));

  // push_int_hop: the transport checksum excludes the INT region; a non-zero UDP checksum
  // covers it, so only frames written as ours (UDP checksum 0) must stay valid.
  std::vector<std::uint8_t> h(f.begin(), f.end());
  const wire::IntPush r = wire::push_int_hop(h, wire::IntHop{1, 2, 3, 4});
  if (!has_int) {
    PTCP_FUZZ_CHECK(r == wire::IntPush::kNoIntRegion);
    PTCP_FUZZ_CHECK(std::equal(h.begin(), h.end(), f.begin()));
    return;
  }
  PTCP_FUZZ_CHECK(r == (s.int_stack.n_hops < wire::kMaxIntHops ? wire::IntPush::kPushed : wire::IntPush::kFull));
  if (f[wire::kUdpOffset + 6] == 0 && f[wire::kUdpOffset + 7] == 0) {
    PTCP_FUZZ_CHECK(wire::parse_frame(h, q) == wire::ParseStatus::kOk);
    if (r == wire::IntPush::kPushed) {
      PTCP_FUZZ_CHECK(q.seg.int_stack.n_hops == s.int_stack.n_hops + 1);
      PTCP_FUZZ_CHECK((q.seg.int_stack.hops[s.int_stack.n_hops] == wire::IntHop{1, 2, 3, 4}));
    } else {
      PTCP_FUZZ_CHECK(q.seg.int_stack.n_hops == wire::kMaxIntHops);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> f;
  if (size > 0 && data[0] == 0xA5) {
    fuzz::Input in(data + 1, size - 1);
    f = (in.u8() % 8 == 0) ? fuzz::make_pause(in, 16) : fuzz::make_frame(in, 16);
    fuzz::mutate(in, f);
    // Trailing bytes: Ethernet padding or junk after the packet.
    const auto tail = in.bytes(64);
    f.insert(f.end(), tail.begin(), tail.end());
  } else {
    f.assign(data, data + size);
  }
  wire::ParsedFrame p;
  const wire::ParseStatus st = wire::parse_frame(f, p);
  PTCP_FUZZ_CHECK(st < wire::ParseStatus::kCount_);
  PTCP_FUZZ_CHECK(wire::to_string(st) != nullptr);
  if (st == wire::ParseStatus::kOk) check_accepted(f, p);

  // The fault injector's view of the same bytes stays inside them.
  const faults::Region r = faults::checksummed_region(f);
  PTCP_FUZZ_CHECK(r.bytes() == 0 || r.offset(r.bytes() - 1) < f.size());
  return 0;
}
