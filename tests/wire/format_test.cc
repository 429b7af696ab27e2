#include "wire/format.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "wire/byte_order.h"
#include "wire/checksum.h"

namespace ptcp::wire {
namespace {

FrameAddr test_addr() {
  FrameAddr a;
  a.src_mac = node_mac(3);
  a.dst_mac = node_mac(7);
  a.src_ip = node_ip(3);
  a.dst_ip = node_ip(7);
  a.src_port = flow_src_port(42);
  return a;
}

Segment data_segment(bool with_int, std::uint16_t payload_len) {
  Segment s;
  s.type = PacketType::kData;
  s.flags = with_int ? flags::kHasInt : 0;
  s.flow_id = 42;
  s.seq = 0x1122334455667788ull;
  s.ack = 0;
  s.ts_ns = 987654321012345ull;
  s.payload_len = payload_len;
  return s;
}

std::vector<std::uint8_t> payload_bytes(std::size_t n) {
  std::vector<std::uint8_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(i * 31 + 5);
  return p;
}

TEST(WireFormat, DataPacketRoundTripsWithIntStack) {
  std::array<std::uint8_t, 2048> buf{};
  Segment s = data_segment(true, 1000);
  s.flags |= flags::kLast | flags::kRetransmit;
  s.int_stack.n_hops = 2;
  s.int_stack.hops[0] = {1000, 0xfffffff0u, 123, 25000};
  s.int_stack.hops[1] = {0, 77, 0xffffffffu, 100000};
  const auto payload = payload_bytes(1000);
  const std::size_t len = write_frame(buf, test_addr(), s, kEcnEct0, payload);
  ASSERT_EQ(len, kIntOffset + kIntLen + 1000);

  ParsedFrame f;
  ASSERT_EQ(parse_frame(std::span(buf).first(len), f), ParseStatus::kOk);
  EXPECT_EQ(f.kind, FrameKind::kTransport);
  EXPECT_EQ(f.src_ip, node_ip(3));
  EXPECT_EQ(f.dst_ip, node_ip(7));
  EXPECT_EQ(f.dst_port, kUdpPort);
  EXPECT_EQ(f.src_port, flow_src_port(42));
  EXPECT_EQ(f.ecn, kEcnEct0);
  EXPECT_EQ(f.seg.type, PacketType::kData);
  EXPECT_EQ(f.seg.flags, s.flags);
  EXPECT_EQ(f.seg.flow_id, 42u);
  EXPECT_EQ(f.seg.seq, s.seq);
  EXPECT_EQ(f.seg.ts_ns, s.ts_ns);
  EXPECT_EQ(f.seg.int_stack, s.int_stack);
  ASSERT_EQ(f.payload_offset, kIntOffset + kIntLen);
  EXPECT_EQ(0, std::memcmp(buf.data() + f.payload_offset, payload.data(), payload.size()));
}

TEST(WireFormat, FlowAddrNamesBothNodesAndTheFlowsSourcePort) {
  const FrameAddr a = flow_addr(3, 258, 42);
  EXPECT_EQ(a.src_mac, (MacAddr{0x02, 0, 0, 0, 0, 3}));
  EXPECT_EQ(a.dst_mac, (MacAddr{0x02, 0, 0, 0, 1, 2}));
  EXPECT_EQ(a.src_ip, 0x0a000004u);  // 10.0.0.4
  EXPECT_EQ(a.dst_ip, 0x0a000103u);  // 10.0.1.3
  EXPECT_EQ(a.src_port, flow_src_port(42));
  EXPECT_NE(flow_addr(3, 258, 43).src_port, a.src_port);
  EXPECT_EQ(a.dst_port, kUdpPort);
}

TEST(WireFormat, FieldsAreBigEndianAtDocumentedOffsets) {
  std::array<std::uint8_t, 256> buf{};
  const Segment s = data_segment(false, 0);
  const std::size_t len = write_frame(buf, test_addr(), s, kEcnNotEct, {});
  ASSERT_EQ(len, 78u);  // 14 + 20 + 8 + 36: already above the Ethernet minimum
  EXPECT_EQ(load16(buf.data() + 12), kEtherTypeIpv4);
  EXPECT_EQ(buf[kIpOffset], 0x45);
  EXPECT_EQ(buf[kIpOffset + 9], 17);
  EXPECT_EQ(load32(buf.data() + kIpOffset + 12), node_ip(3));
  EXPECT_EQ(load16(buf.data() + kUdpOffset + 2), kUdpPort);
  EXPECT_EQ(buf[kTransportOffset], kVersion);
  EXPECT_EQ(buf[kTransportOffset + 1], 1);  // DATA
  EXPECT_EQ(load32(buf.data() + kTransportOffset + 4), 42u);
  EXPECT_EQ(load64(buf.data() + kTransportOffset + 8), s.seq);
  EXPECT_EQ(load64(buf.data() + kTransportOffset + 24), s.ts_ns);
  EXPECT_EQ(internet_checksum({buf.data() + kIpOffset, kIpv4Len}), 0);
}

TEST(WireFormat, HeaderOnlyFramesAreNotPaddedWhenAlreadyLongEnough) {
  EXPECT_EQ(frame_len(false, 0), 78u);  // 14 + 20 + 8 + 36
  EXPECT_EQ(frame_len(true, 0), 162u);
  EXPECT_EQ(frame_len(true, 1000), 1162u);
  EXPECT_EQ(wire_bytes(1162), 1186u);
  EXPECT_EQ(wire_bytes(10), 84u);
}

TEST(WireFormat, EveryTruncationIsRejected) {
  std::array<std::uint8_t, 2048> buf{};
  const auto payload = payload_bytes(300);
  const std::size_t len = write_frame(buf, test_addr(), data_segment(true, 300), kEcnEct0, payload);
  ParsedFrame f;
  for (std::size_t n = 0; n < len; ++n) {
    // Copy into an exact-size vector so ASan catches any read past the end.
    std::vector<std::uint8_t> cut(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_NE(parse_frame(cut, f), ParseStatus::kOk) << "accepted a frame cut to " << n;
  }
  std::vector<std::uint8_t> whole(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
  EXPECT_EQ(parse_frame(whole, f), ParseStatus::kOk);
}

TEST(WireFormat, AnySingleBitFlipInHeaderOrPayloadIsCaught) {
  std::array<std::uint8_t, 2048> buf{};
  const auto payload = payload_bytes(200);
  const std::size_t len = write_frame(buf, test_addr(), data_segment(true, 200), kEcnEct0, payload);
  ParsedFrame f;
  int accepted = 0;
  for (std::size_t byte = kIpOffset; byte < len; ++byte) {
    // The INT region is rewritten by switches and deliberately not covered by the checksum;
    // the ECN bits are rewritten by switches too (covered by the IP checksum only).
    if (byte >= kIntOffset && byte < kIntOffset + kIntLen) continue;
    // The UDP source port only steers ECMP; with a zero UDP checksum nothing covers it.
    if (byte == kUdpOffset || byte == kUdpOffset + 1) continue;
    for (int bit = 0; bit < 8; ++bit) {
      auto copy = std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
      copy[byte] ^= static_cast<std::uint8_t>(1u << bit);
      if (parse_frame(copy, f) == ParseStatus::kOk) ++accepted;
    }
  }
  EXPECT_EQ(accepted, 0);
}

// The two-step parse (the transport's fused path) accepts exactly what parse_frame() accepts,
// and finish_frame_with_sum() writes the same bytes as finish_frame().
TEST(WireFormat, TwoStepParseAndSummedFinishAgreeWithTheOneStepCalls) {
  for (const std::uint16_t len : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{7},
                                  std::uint16_t{64}, std::uint16_t{1000}, std::uint16_t{1001}}) {
    for (const bool with_int : {false, true}) {
      std::array<std::uint8_t, 2048> a{}, b{};
      const auto payload = payload_bytes(len);
      const Segment seg = data_segment(with_int, len);
      const std::size_t off = header_len(with_int);
      std::copy(payload.begin(), payload.end(), a.begin() + static_cast<std::ptrdiff_t>(off));
      std::copy(payload.begin(), payload.end(), b.begin() + static_cast<std::ptrdiff_t>(off));
      const std::size_t n = finish_frame(a, test_addr(), seg, kEcnEct0);
      ASSERT_EQ(finish_frame_with_sum(b, test_addr(), seg, kEcnEct0,
                                      checksum_add(0, {payload.data(), len})),
                n);
      EXPECT_EQ(0, std::memcmp(a.data(), b.data(), n)) << len << " " << with_int;
      // A wrong payload sum gives a frame parse_frame() rejects.
      ASSERT_EQ(finish_frame_with_sum(b, test_addr(), seg, kEcnEct0, 12345), n);
      ParsedFrame f;
      EXPECT_EQ(parse_frame({b.data(), n}, f), ParseStatus::kBadChecksum);

      ParsedFrame g;
      ASSERT_EQ(parse_frame_headers({a.data(), n}, g), ParseStatus::kOk);
      EXPECT_EQ(g.payload_offset, off);
      EXPECT_EQ(g.seg.payload_len, len);
      EXPECT_TRUE(transport_checksum_ok({a.data(), n}, g, checksum_add(0, {a.data() + off, len})));
      a[off + len / 2] ^= len == 0 ? 0 : 0x10;  // a payload bit (header-only: nothing)
      EXPECT_EQ(transport_checksum_ok({a.data(), n}, g, checksum_add(0, {a.data() + off, len})),
                len == 0);
      a[off + len / 2] ^= len == 0 ? 0 : 0x10;  // payload restored
      a[kTransportOffset + 9] ^= 0x01;  // a sequence-number bit: covered as well
      ASSERT_EQ(parse_frame_headers({a.data(), n}, g), ParseStatus::kOk);
      EXPECT_FALSE(transport_checksum_ok({a.data(), n}, g, checksum_add(0, {a.data() + off, len})));
    }
  }
}

// An ACK may echo a data packet's INT region byte for byte; parse can skip decoding it.
TEST(WireFormat, RawIntRegionIsCopiedAndDecodingCanBeSkipped) {
  std::array<std::uint8_t, 2048> data{}, ack{};
  Segment d = data_segment(true, 0);
  d.int_stack.n_hops = 3;
  d.int_stack.overflow = 1;
  for (std::uint32_t i = 0; i < 3; ++i) d.int_stack.hops[i] = {i + 1, 0xfffffff0u + i, 77 * i, 25000};
  ASSERT_GT(finish_frame(data, test_addr(), d, kEcnEct0), 0u);
  Segment a = data_segment(true, 0);
  a.type = PacketType::kAck;
  a.ack = 5000;
  const std::size_t n =
      finish_frame_with_raw_int(ack, test_addr(), a, kEcnNotEct, 0, data.data() + kIntOffset);
  ASSERT_GT(n, 0u);
  ParsedFrame f;
  ASSERT_EQ(parse_frame({ack.data(), n}, f), ParseStatus::kOk);
  EXPECT_EQ(f.seg.int_stack, d.int_stack);
  ParsedFrame g;
  g.seg.int_stack.n_hops = 4;  // left alone without decoding
  ASSERT_EQ(parse_frame_headers({ack.data(), n}, g, /*decode_int=*/false), ParseStatus::kOk);
  EXPECT_EQ(g.seg.int_stack.n_hops, 4);
  EXPECT_TRUE(transport_checksum_ok({ack.data(), n}, g, 0));
}

TEST(WireFormat, SpecificErrors) {
  std::array<std::uint8_t, 2048> buf{};
  const auto payload = payload_bytes(100);
  const std::size_t len = write_frame(buf, test_addr(), data_segment(true, 100), kEcnEct0, payload);
  auto parse_mutated = [&](auto mutate) {
    std::vector<std::uint8_t> c(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
    mutate(c);
    ParsedFrame f;
    return parse_frame(c, f);
  };
  EXPECT_EQ(parse_mutated([](auto& c) { store16(c.data() + 12, 0x86dd); }),
            ParseStatus::kUnknownEtherType);
  EXPECT_EQ(parse_mutated([](auto& c) { c[kIpOffset + 12] ^= 1; }), ParseStatus::kBadIpChecksum);
  auto fix_ip = [](std::vector<std::uint8_t>& c) {
    store16(c.data() + kIpOffset + 10, 0);
    store16(c.data() + kIpOffset + 10, internet_checksum({c.data() + kIpOffset, kIpv4Len}));
  };
  EXPECT_EQ(parse_mutated([&](auto& c) { c[kIpOffset + 9] = 6; fix_ip(c); }), ParseStatus::kNotUdp);
  EXPECT_EQ(parse_mutated([&](auto& c) { store16(c.data() + kIpOffset + 2, 4000); fix_ip(c); }),
            ParseStatus::kBadIpLength);
  EXPECT_EQ(parse_mutated([](auto& c) { store16(c.data() + kUdpOffset + 2, 53); }),
            ParseStatus::kWrongPort);
  EXPECT_EQ(parse_mutated([](auto& c) { c[kTransportOffset] = 9; }), ParseStatus::kBadVersion);
  EXPECT_EQ(parse_mutated([](auto& c) { c[kTransportOffset + 1] = 0; }), ParseStatus::kBadType);
  EXPECT_EQ(parse_mutated([](auto& c) { c[kTransportOffset + 1] = 7; }), ParseStatus::kBadType);
  EXPECT_EQ(parse_mutated([](auto& c) { c[kTransportOffset + 2] |= 0x80; }), ParseStatus::kBadFlags);
  EXPECT_EQ(parse_mutated([](auto& c) { c[kIntOffset] = 6; }), ParseStatus::kBadIntHops);
  EXPECT_EQ(parse_mutated([](auto& c) { store16(c.data() + kTransportOffset + 32, 99); }),
            ParseStatus::kBadPayloadLength);
  EXPECT_EQ(parse_mutated([](auto& c) { c[c.size() - 1] ^= 0xff; }), ParseStatus::kBadChecksum);
}

TEST(WireFormat, NonZeroUdpChecksumMustBeCorrect) {
  std::array<std::uint8_t, 2048> buf{};
  const auto payload = payload_bytes(64);
  const std::size_t len = write_frame(buf, test_addr(), data_segment(false, 64), kEcnEct0, payload);
  std::vector<std::uint8_t> c(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
  // Compute a correct UDP checksum: pseudo-header + UDP segment.
  const std::size_t udp_len = load16(c.data() + kUdpOffset + 4);
  std::array<std::uint8_t, 12> pseudo{};
  std::memcpy(pseudo.data(), c.data() + kIpOffset + 12, 8);
  pseudo[9] = 17;
  store16(pseudo.data() + 10, static_cast<std::uint16_t>(udp_len));
  const auto sum = checksum_add(checksum_add(0, pseudo), {c.data() + kUdpOffset, udp_len});
  store16(c.data() + kUdpOffset + 6, checksum_finish(sum));
  ParsedFrame f;
  EXPECT_EQ(parse_frame(c, f), ParseStatus::kOk);
  store16(c.data() + kUdpOffset + 6, static_cast<std::uint16_t>(load16(c.data() + kUdpOffset + 6) ^ 0x0100));
  EXPECT_EQ(parse_frame(c, f), ParseStatus::kBadUdpChecksum);
}

TEST(WireFormat, MarkCeKeepsIpChecksumValidAndOnlyMarksEct) {
  std::array<std::uint8_t, 2048> buf{};
  const auto payload = payload_bytes(10);
  for (std::uint8_t ecn : {kEcnNotEct, kEcnEct1, kEcnEct0, kEcnCe}) {
    const std::size_t len = write_frame(buf, test_addr(), data_segment(false, 10), ecn, payload);
    std::span<std::uint8_t> frame(buf.data(), len);
    const bool marked = mark_ce(frame);
    EXPECT_EQ(marked, ecn == kEcnEct0 || ecn == kEcnEct1);
    ParsedFrame f;
    ASSERT_EQ(parse_frame(frame, f), ParseStatus::kOk);
    EXPECT_EQ(f.ecn, ecn == kEcnNotEct ? kEcnNotEct : kEcnCe);
  }
}

TEST(WireFormat, IntPushAppendsInOrderAndCapsAtFiveHops) {
  std::array<std::uint8_t, 2048> buf{};
  const auto payload = payload_bytes(50);
  const std::size_t len = write_frame(buf, test_addr(), data_segment(true, 50), kEcnEct0, payload);
  std::span<std::uint8_t> frame(buf.data(), len);
  for (std::uint32_t i = 0; i < kMaxIntHops; ++i) {
    EXPECT_EQ(push_int_hop(frame, IntHop{i, i * 10, i * 100, 25000}), IntPush::kPushed);
  }
  EXPECT_EQ(push_int_hop(frame, IntHop{99, 99, 99, 99}), IntPush::kFull);
  ParsedFrame f;
  ASSERT_EQ(parse_frame(frame, f), ParseStatus::kOk);  // INT rewrites keep the checksum valid
  EXPECT_EQ(f.seg.int_stack.n_hops, kMaxIntHops);
  EXPECT_EQ(f.seg.int_stack.overflow, 1);
  for (std::uint32_t i = 0; i < kMaxIntHops; ++i) {
    EXPECT_EQ(f.seg.int_stack.hops[i], (IntHop{i, i * 10, i * 100, 25000}));
  }
}

TEST(WireFormat, IntPushOnPacketWithoutIntRegionDoesNothing) {
  std::array<std::uint8_t, 2048> buf{};
  const std::size_t len = write_frame(buf, test_addr(), data_segment(false, 0), kEcnEct0, {});
  const std::vector<std::uint8_t> before(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
  EXPECT_EQ(push_int_hop(std::span(buf).first(len), IntHop{1, 2, 3, 4}), IntPush::kNoIntRegion);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), buf.begin()));
}

TEST(WireFormat, IntOnlyOnDataAndAck) {
  std::array<std::uint8_t, 2048> buf{};
  Segment s = data_segment(true, 0);
  s.type = PacketType::kCnp;
  const std::size_t len = write_frame(buf, test_addr(), s, kEcnNotEct, {});
  ParsedFrame f;
  EXPECT_EQ(parse_frame(std::span(buf).first(len), f), ParseStatus::kBadIntHops);
}

TEST(WireFormat, PfcPauseRoundTrips) {
  std::array<std::uint8_t, 64> buf{};
  PfcPause p;
  p.class_enable = 0x0001;
  p.quanta[0] = 0xffff;
  ASSERT_EQ(write_pfc_pause(buf, node_mac(9), p), kPfcFrameLen);
  ParsedFrame f;
  ASSERT_EQ(parse_frame(buf, f), ParseStatus::kOk);
  EXPECT_EQ(f.kind, FrameKind::kPfcPause);
  EXPECT_EQ(f.pause.class_enable, 1);
  EXPECT_EQ(f.pause.quanta[0], 0xffff);
  EXPECT_EQ(f.src_mac, node_mac(9));
  buf[kEthLen + 1] = 0x02;  // opcode 0x0102: not PFC
  EXPECT_EQ(parse_frame(buf, f), ParseStatus::kBadMacControl);
}

TEST(WireFormat, IntDeltaIsWrapSafe) {
  EXPECT_EQ(int_delta(5u, 0xfffffffbu), 10u);
  EXPECT_EQ(int_delta(100u, 40u), 60u);
}

TEST(WireFormat, FlowSourcePortsAreInDynamicRangeAndSpread) {
  std::array<int, 16> buckets{};
  for (std::uint32_t id = 0; id < 16000; ++id) {
    const std::uint16_t p = flow_src_port(id);
    ASSERT_GE(p, 49152);
    ++buckets[(p - 49152) / 1024];
  }
  for (int b : buckets) EXPECT_NEAR(b, 1000, 150);
}

}  // namespace
}  // namespace ptcp::wire
