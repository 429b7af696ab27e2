#include "wire/format.h"

#include <algorithm>
#include <cstring>

#include "wire/byte_order.h"
#include "wire/checksum.h"
#include "wire/header_check.h"

namespace ptcp::wire {
namespace {

constexpr MacAddr kPfcDstMac{0x01, 0x80, 0xc2, 0x00, 0x00, 0x01};

// The transport header's share of the checksum from the segment's fields, as a sum of
// big-endian 16-bit values (2^16 and 2^32 are 1 modulo 0xffff, so 32-bit halves add as words).
std::uint64_t transport_header_be_sum(const Segment& seg) {
  const auto halves = [](std::uint64_t v) { return (v & 0xffffffffu) + (v >> 32); };
  return (std::uint64_t{kVersion} << 8) + static_cast<std::uint8_t>(seg.type) +
         (std::uint64_t{seg.flags} << 8) + (seg.flow_id >> 16) + (seg.flow_id & 0xffffu) +
         halves(seg.seq) + halves(seg.ack) + halves(seg.ts_ns) + seg.payload_len;
}

}  // namespace

const char* to_string(ParseStatus s) {
  switch (s) {
    case ParseStatus::kOk: return "ok";
    case ParseStatus::kTruncated: return "truncated";
    case ParseStatus::kUnknownEtherType: return "unknown ethertype";
    case ParseStatus::kBadMacControl: return "MAC control frame that is not PFC";
    case ParseStatus::kBadIpHeader: return "bad IPv4 header";
    case ParseStatus::kBadIpChecksum: return "bad IPv4 checksum";
    case ParseStatus::kBadIpLength: return "bad IPv4 total length";
    case ParseStatus::kNotUdp: return "not UDP";
    case ParseStatus::kBadUdpLength: return "bad UDP length";
    case ParseStatus::kBadUdpChecksum: return "bad UDP checksum";
    case ParseStatus::kWrongPort: return "wrong UDP port";
    case ParseStatus::kBadVersion: return "bad transport version";
    case ParseStatus::kBadType: return "bad packet type";
    case ParseStatus::kBadFlags: return "bad flags";
    case ParseStatus::kBadPayloadLength: return "bad payload length";
    case ParseStatus::kBadIntHops: return "bad INT stack";
    case ParseStatus::kBadChecksum: return "bad transport checksum";
    case ParseStatus::kCount_: break;
  }
  return "unknown";
}

void read_int_stack(const std::uint8_t* p, IntStack& out) {
  out.n_hops = p[0];
  out.overflow = p[1];
  const std::uint8_t* h = p + kIntHeaderLen;
  for (std::size_t i = 0; i < kMaxIntHops; ++i, h += kIntHopLen) {
    out.hops[i] = IntHop{load32(h), load32(h + 4), load32(h + 8), load32(h + 12)};
  }
}

void write_int_stack(std::uint8_t* p, const IntStack& in) {
  p[0] = in.n_hops;
  p[1] = in.overflow;
  p[2] = 0;
  p[3] = 0;
  std::uint8_t* h = p + kIntHeaderLen;
  for (std::size_t i = 0; i < kMaxIntHops; ++i, h += kIntHopLen) {
    store32(h, in.hops[i].qlen_bytes);
    store32(h + 4, in.hops[i].tx_bytes);
    store32(h + 8, in.hops[i].ts_ns);
    store32(h + 12, in.hops[i].rate_mbps);
  }
}

ParseStatus parse_frame_headers(std::span<const std::uint8_t> frame, ParsedFrame& out,
                                bool decode_int) {
  HeaderView h;
  const ParseStatus st = check_headers(frame, h);
  if (st != ParseStatus::kOk) return st;
  const std::uint8_t* p = frame.data();
  std::memcpy(out.dst_mac.data(), p, 6);
  std::memcpy(out.src_mac.data(), p + 6, 6);
  out.kind = h.kind;
  if (h.kind == FrameKind::kPfcPause) {
    out.pause = h.pause;
    out.frame_len = kEthLen + 20;
    return ParseStatus::kOk;
  }
  if (h.udp_checksum != 0) {
    // A non-zero UDP checksum must be right: pseudo-header + UDP header + data.
    std::array<std::uint8_t, 12> pseudo{};
    std::memcpy(pseudo.data(), p + kIpOffset + 12, 8);
    pseudo[9] = 17;
    store16(pseudo.data() + 10, h.udp_len);
    std::uint64_t sum = checksum_add(0, pseudo);
    sum = checksum_add(sum, {p + kUdpOffset, h.udp_len});
    if (checksum_finish(sum) != 0) return ParseStatus::kBadUdpChecksum;
  }
  out.ecn = h.ecn;
  out.src_ip = h.src_ip;
  out.dst_ip = h.dst_ip;
  out.src_port = h.src_port;
  out.dst_port = h.dst_port;
  const std::uint8_t* t = p + kTransportOffset;
  Segment& s = out.seg;
  s.type = h.type;
  s.flags = h.flags;
  s.flow_id = load32(t + th::kFlow);
  s.seq = load64(t + th::kSeq);
  s.ack = load64(t + th::kAck);
  s.ts_ns = load64(t + th::kTs);
  s.payload_len = h.payload_len;
  if (h.has_int) {
    if (decode_int) read_int_stack(p + kIntOffset, s.int_stack);
  } else {
    // No INT region: an empty stack (hop records past n_hops are never read; not clearing
    // all 88 bytes keeps a few ns off every parse).
    s.int_stack.n_hops = 0;
    s.int_stack.overflow = 0;
  }
  out.payload_offset = h.header_len;
  out.frame_len = h.header_len + h.payload_len;
  return ParseStatus::kOk;
}

bool transport_checksum_ok(std::span<const std::uint8_t> frame, const ParsedFrame& parsed,
                           std::uint64_t payload_sum) {
  // The parsed fields hold every header byte but the checksum (version and reserved are
  // constants the header stage checked), so the header's share comes from them: no reload of
  // bytes a sender may have just written.
  const std::uint64_t be_sum =
      transport_header_be_sum(parsed.seg) + checksum_swap_order(payload_sum);
  return checksum_finish_be(be_sum) == load16(frame.data() + kTransportOffset + th::kChecksum);
}

ParseStatus parse_frame(std::span<const std::uint8_t> frame, ParsedFrame& out) {
  const ParseStatus st = parse_frame_headers(frame, out);
  if (st != ParseStatus::kOk || out.kind != FrameKind::kTransport) return st;
  const std::uint64_t payload_sum =
      checksum_add(0, frame.subspan(out.payload_offset, out.seg.payload_len));
  return transport_checksum_ok(frame, out, payload_sum) ? ParseStatus::kOk
                                                        : ParseStatus::kBadChecksum;
}

namespace {

// Writes every header; the transport checksum is left for the caller. Returns the frame length
// (0 if `out` is too small).
// `raw_int`: the INT region's bytes to copy, or null to encode seg.int_stack.
std::size_t write_headers(std::span<std::uint8_t> out, const FrameAddr& addr, const Segment& seg,
                          std::uint8_t ecn, const std::uint8_t* raw_int) {
  const bool has_int = (seg.flags & flags::kHasInt) != 0;
  const std::size_t hdr = header_len(has_int);
  const std::size_t used = hdr + seg.payload_len;
  const std::size_t len = frame_len(has_int, seg.payload_len);
  if (out.size() < len) return 0;
  std::uint8_t* p = out.data();

  std::memcpy(p, addr.dst_mac.data(), 6);
  std::memcpy(p + 6, addr.src_mac.data(), 6);
  store16(p + 12, kEtherTypeIpv4);

  std::uint8_t* ip = p + kIpOffset;
  ip[0] = 0x45;
  ip[1] = ecn & 0x3;
  store16(ip + 2, static_cast<std::uint16_t>(used - kIpOffset));
  store16(ip + 4, 0);       // identification: unused, never fragmented
  store16(ip + 6, 0x4000);  // DF
  ip[8] = 64;
  ip[9] = 17;
  store32(ip + 12, addr.src_ip);
  store32(ip + 16, addr.dst_ip);
  // From the values, not the bytes just stored (see checksum_finish_be()).
  const std::uint64_t ip_sum = 0x4500u + (ecn & 0x3u) + (used - kIpOffset) + 0x4000u + (64u << 8) + 17u +
                               (addr.src_ip >> 16) + (addr.src_ip & 0xffffu) + (addr.dst_ip >> 16) +
                               (addr.dst_ip & 0xffffu);
  store16(ip + 10, checksum_finish_be(ip_sum));

  std::uint8_t* udp = p + kUdpOffset;
  store16(udp, addr.src_port);
  store16(udp + 2, addr.dst_port);
  store16(udp + 4, static_cast<std::uint16_t>(used - kUdpOffset));
  store16(udp + 6, 0);

  std::uint8_t* t = p + kTransportOffset;
  t[th::kVersion] = kVersion;
  t[th::kType] = static_cast<std::uint8_t>(seg.type);
  t[th::kFlags] = seg.flags;
  t[th::kReserved] = 0;
  store32(t + th::kFlow, seg.flow_id);
  store64(t + th::kSeq, seg.seq);
  store64(t + th::kAck, seg.ack);
  store64(t + th::kTs, seg.ts_ns);
  store16(t + th::kPayloadLen, seg.payload_len);
  store16(t + th::kChecksum, 0);
  if (has_int) {
    if (raw_int != nullptr) {
      std::memcpy(p + kIntOffset, raw_int, kIntLen);
    } else {
      write_int_stack(p + kIntOffset, seg.int_stack);
    }
  }
  if (len > used) std::memset(p + used, 0, len - used);
  return len;
}

}  // namespace

std::size_t finish_frame_with_sum(std::span<std::uint8_t> out, const FrameAddr& addr,
                                  const Segment& seg, std::uint8_t ecn, std::uint64_t payload_sum) {
  return finish_frame_with_raw_int(out, addr, seg, ecn, payload_sum, nullptr);
}

std::size_t finish_frame_with_raw_int(std::span<std::uint8_t> out, const FrameAddr& addr,
                                      const Segment& seg, std::uint8_t ecn,
                                      std::uint64_t payload_sum, const std::uint8_t* int_region) {
  const std::size_t len = write_headers(out, addr, seg, ecn, int_region);
  if (len == 0) return 0;
  // Everything in the big-endian domain: the payload's native sum converts with one rotation.
  const std::uint64_t be_sum =
      transport_header_be_sum(seg) + checksum_swap_order(payload_sum);
  store16(out.data() + kTransportOffset + th::kChecksum, checksum_finish_be(be_sum));
  return len;
}

std::size_t finish_frame(std::span<std::uint8_t> out, const FrameAddr& addr, const Segment& seg,
                         std::uint8_t ecn) {
  const std::size_t hdr = header_len((seg.flags & flags::kHasInt) != 0);
  if (out.size() < frame_len((seg.flags & flags::kHasInt) != 0, seg.payload_len)) return 0;
  return finish_frame_with_sum(out, addr, seg, ecn,
                               checksum_add(0, out.subspan(hdr, seg.payload_len)));
}

std::size_t write_frame(std::span<std::uint8_t> out, const FrameAddr& addr, const Segment& seg,
                        std::uint8_t ecn, std::span<const std::uint8_t> payload) {
  const std::size_t hdr = header_len((seg.flags & flags::kHasInt) != 0);
  if (payload.size() != seg.payload_len || out.size() < hdr + payload.size()) return 0;
  if (!payload.empty()) std::memcpy(out.data() + hdr, payload.data(), payload.size());
  return finish_frame(out, addr, seg, ecn);
}

std::size_t write_pfc_pause(std::span<std::uint8_t> out, const MacAddr& src, const PfcPause& p) {
  if (out.size() < kPfcFrameLen) return 0;
  std::uint8_t* f = out.data();
  std::memset(f, 0, kPfcFrameLen);
  std::memcpy(f, kPfcDstMac.data(), 6);
  std::memcpy(f + 6, src.data(), 6);
  store16(f + 12, kEtherTypeMacControl);
  store16(f + kEthLen, kPfcOpcode);
  store16(f + kEthLen + 2, p.class_enable);
  for (std::size_t i = 0; i < 8; ++i) store16(f + kEthLen + 4 + 2 * i, p.quanta[i]);
  return kPfcFrameLen;
}

bool mark_ce(std::span<std::uint8_t> frame) {
  if (frame.size() < kUdpOffset) return false;
  std::uint8_t* ip = frame.data() + kIpOffset;
  const std::uint8_t ecn = ip[1] & 0x3;
  if (ecn == kEcnNotEct || ecn == kEcnCe) return false;
  // RFC 1624 incremental update: HC' = ~(~HC + ~m + m') over the 16-bit word holding TOS.
  const std::uint16_t old_word = load16(ip);
  ip[1] = static_cast<std::uint8_t>(ip[1] | kEcnCe);
  const std::uint16_t new_word = load16(ip);
  std::uint32_t sum = static_cast<std::uint16_t>(~load16(ip + 10));
  sum += static_cast<std::uint16_t>(~old_word);
  sum += new_word;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  store16(ip + 10, static_cast<std::uint16_t>(~sum));
  return true;
}

IntPush push_int_hop(std::span<std::uint8_t> frame, const IntHop& hop) {
  if (frame.size() < kIntOffset + kIntLen) return IntPush::kNoIntRegion;
  std::uint8_t* p = frame.data();
  if ((p[kTransportOffset + th::kFlags] & flags::kHasInt) == 0) return IntPush::kNoIntRegion;
  std::uint8_t* region = p + kIntOffset;
  if (region[0] >= kMaxIntHops) {
    if (region[1] < 0xff) ++region[1];
    return IntPush::kFull;
  }
  std::uint8_t* h = region + kIntHeaderLen + region[0] * kIntHopLen;
  store32(h, hop.qlen_bytes);
  store32(h + 4, hop.tx_bytes);
  store32(h + 8, hop.ts_ns);
  store32(h + 12, hop.rate_mbps);
  ++region[0];
  return IntPush::kPushed;
}

MacAddr node_mac(std::uint32_t node_index) {
  return {0x02, 0x00, static_cast<std::uint8_t>(node_index >> 24),
          static_cast<std::uint8_t>(node_index >> 16), static_cast<std::uint8_t>(node_index >> 8),
          static_cast<std::uint8_t>(node_index)};
}

std::uint32_t node_ip(std::uint32_t node_index) { return 0x0a000000u + node_index + 1; }

std::uint16_t flow_src_port(std::uint32_t flow_id) {
  // A multiplicative hash so consecutive flow ids land on unrelated ports.
  const std::uint32_t h = flow_id * 2654435761u;
  return static_cast<std::uint16_t>(49152u + (h >> 18));
}

FrameAddr flow_addr(std::uint32_t src, std::uint32_t dst, std::uint32_t flow_id) {
  FrameAddr a;
  a.src_mac = node_mac(src);
  a.dst_mac = node_mac(dst);
  a.src_ip = node_ip(src);
  a.dst_ip = node_ip(dst);
  a.src_port = flow_src_port(flow_id);
  return a;
}

}  // namespace ptcp::wire
