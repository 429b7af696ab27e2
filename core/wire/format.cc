#include "wire/format.h"

#include <algorithm>
#include <cstring>

#include "wire/byte_order.h"
#include "wire/checksum.h"

namespace ptcp::wire {
namespace {

constexpr MacAddr kPfcDstMac{0x01, 0x80, 0xc2, 0x00, 0x00, 0x01};

// Transport header field offsets, relative to kTransportOffset.
constexpr std::size_t kThVersion = 0, kThType = 1, kThFlags = 2, kThReserved = 3, kThFlow = 4,
                      kThSeq = 8, kThAck = 16, kThTs = 24, kThPayloadLen = 32, kThChecksum = 34;

std::uint16_t transport_checksum(const std::uint8_t* frame, std::size_t payload_offset,
                                 std::size_t payload_len) {
  std::array<std::uint8_t, kTransportLen> th;
  std::memcpy(th.data(), frame + kTransportOffset, kTransportLen);
  th[kThChecksum] = 0;
  th[kThChecksum + 1] = 0;
  std::uint64_t sum = checksum_add(0, th);
  sum = checksum_add(sum, {frame + payload_offset, payload_len});
  return checksum_finish(sum);
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

bool may_carry_int(PacketType t) { return t == PacketType::kData || t == PacketType::kAck; }

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

ParseStatus parse_frame(std::span<const std::uint8_t> frame, ParsedFrame& out) {
  const std::uint8_t* p = frame.data();
  const std::size_t n = frame.size();
  if (n < kEthLen) return ParseStatus::kTruncated;
  std::memcpy(out.dst_mac.data(), p, 6);
  std::memcpy(out.src_mac.data(), p + 6, 6);
  const std::uint16_t ether_type = load16(p + 12);

  if (ether_type == kEtherTypeMacControl) {
    if (n < kEthLen + 20) return ParseStatus::kTruncated;
    if (load16(p + kEthLen) != kPfcOpcode) return ParseStatus::kBadMacControl;
    out.kind = FrameKind::kPfcPause;
    out.pause.class_enable = load16(p + kEthLen + 2);
    for (std::size_t i = 0; i < 8; ++i) out.pause.quanta[i] = load16(p + kEthLen + 4 + 2 * i);
    out.frame_len = kEthLen + 20;
    return ParseStatus::kOk;
  }
  if (ether_type != kEtherTypeIpv4) return ParseStatus::kUnknownEtherType;
  out.kind = FrameKind::kTransport;

  if (n < kTransportOffset) return ParseStatus::kTruncated;
  const std::uint8_t* ip = p + kIpOffset;
  if (ip[0] != 0x45) return ParseStatus::kBadIpHeader;  // IPv4, no options
  if ((load16(ip + 6) & 0x3fff) != 0) return ParseStatus::kBadIpHeader;  // fragments
  if (internet_checksum({ip, kIpv4Len}) != 0) return ParseStatus::kBadIpChecksum;
  const std::size_t ip_total = load16(ip + 2);
  if (ip_total < kIpv4Len + kUdpLen || kIpOffset + ip_total > n) return ParseStatus::kBadIpLength;
  if (ip[9] != 17) return ParseStatus::kNotUdp;
  out.ecn = ip[1] & 0x3;
  out.src_ip = load32(ip + 12);
  out.dst_ip = load32(ip + 16);

  const std::uint8_t* udp = p + kUdpOffset;
  out.src_port = load16(udp);
  out.dst_port = load16(udp + 2);
  const std::size_t udp_len = load16(udp + 4);
  if (udp_len != ip_total - kIpv4Len) return ParseStatus::kBadUdpLength;
  if (load16(udp + 6) != 0) {
    // A non-zero UDP checksum must be right: pseudo-header + UDP header + data.
    std::array<std::uint8_t, 12> pseudo{};
    std::memcpy(pseudo.data(), ip + 12, 8);
    pseudo[9] = 17;
    store16(pseudo.data() + 10, static_cast<std::uint16_t>(udp_len));
    std::uint64_t sum = checksum_add(0, pseudo);
    sum = checksum_add(sum, {udp, udp_len});
    if (checksum_finish(sum) != 0) return ParseStatus::kBadUdpChecksum;
  }
  if (out.dst_port != kUdpPort) return ParseStatus::kWrongPort;
  if (udp_len < kUdpLen + kTransportLen) return ParseStatus::kTruncated;

  const std::uint8_t* th = p + kTransportOffset;
  Segment& s = out.seg;
  if (th[kThVersion] != kVersion) return ParseStatus::kBadVersion;
  if (th[kThType] == 0 || th[kThType] > kMaxPacketType) return ParseStatus::kBadType;
  s.type = static_cast<PacketType>(th[kThType]);
  s.flags = th[kThFlags];
  if ((s.flags & ~flags::kKnown) != 0 || th[kThReserved] != 0) return ParseStatus::kBadFlags;
  s.flow_id = load32(th + kThFlow);
  s.seq = load64(th + kThSeq);
  s.ack = load64(th + kThAck);
  s.ts_ns = load64(th + kThTs);
  s.payload_len = load16(th + kThPayloadLen);

  const bool has_int = (s.flags & flags::kHasInt) != 0;
  const std::size_t hdr = header_len(has_int);
  if (has_int) {
    if (!may_carry_int(s.type)) return ParseStatus::kBadIntHops;
    if (kUdpOffset + udp_len < kIntOffset + kIntLen) return ParseStatus::kTruncated;
    read_int_stack(p + kIntOffset, s.int_stack);
    if (s.int_stack.n_hops > kMaxIntHops) return ParseStatus::kBadIntHops;
  } else {
    s.int_stack = IntStack{};
  }
  if (kUdpOffset + udp_len != hdr + s.payload_len) return ParseStatus::kBadPayloadLength;
  if (s.payload_len != 0 && s.type != PacketType::kData) return ParseStatus::kBadPayloadLength;
  out.payload_offset = hdr;
  out.frame_len = hdr + s.payload_len;
  if (transport_checksum(p, hdr, s.payload_len) != load16(th + kThChecksum)) {
    return ParseStatus::kBadChecksum;
  }
  return ParseStatus::kOk;
}

std::size_t finish_frame(std::span<std::uint8_t> out, const FrameAddr& addr, const Segment& seg,
                         std::uint8_t ecn) {
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
  store16(ip + 10, 0);
  store32(ip + 12, addr.src_ip);
  store32(ip + 16, addr.dst_ip);
  store16(ip + 10, internet_checksum({ip, kIpv4Len}));

  std::uint8_t* udp = p + kUdpOffset;
  store16(udp, addr.src_port);
  store16(udp + 2, addr.dst_port);
  store16(udp + 4, static_cast<std::uint16_t>(used - kUdpOffset));
  store16(udp + 6, 0);

  std::uint8_t* th = p + kTransportOffset;
  th[kThVersion] = kVersion;
  th[kThType] = static_cast<std::uint8_t>(seg.type);
  th[kThFlags] = seg.flags;
  th[kThReserved] = 0;
  store32(th + kThFlow, seg.flow_id);
  store64(th + kThSeq, seg.seq);
  store64(th + kThAck, seg.ack);
  store64(th + kThTs, seg.ts_ns);
  store16(th + kThPayloadLen, seg.payload_len);
  store16(th + kThChecksum, 0);
  if (has_int) write_int_stack(p + kIntOffset, seg.int_stack);
  store16(th + kThChecksum, transport_checksum(p, hdr, seg.payload_len));
  if (len > used) std::memset(p + used, 0, len - used);
  return len;
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
  if ((p[kTransportOffset + kThFlags] & flags::kHasInt) == 0) return IntPush::kNoIntRegion;
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

}  // namespace ptcp::wire
