// The header stage shared by the transport's parser (parse_frame) and the switch
// (sw::check_frame): every check of the Ethernet, IPv4, UDP and transport headers that needs no
// pass over the payload, reading nothing outside the frame. Inline so the switch's per-packet
// check stays straight-line code (bench/switch_bench.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "wire/byte_order.h"
#include "wire/checksum.h"
#include "wire/format.h"

namespace ptcp::wire {

// What the header stage found. Byte order: host.
struct HeaderView {
  FrameKind kind = FrameKind::kTransport;
  std::uint8_t ecn = 0;
  PacketType type = PacketType::kData;
  std::uint8_t flags = 0;
  bool has_int = false;
  std::uint16_t payload_len = 0;
  std::uint16_t udp_len = 0;
  // Non-zero: the sender filled in the UDP checksum. Checking it is a pass over the whole
  // datagram, left to the caller (parse_frame checks it; switches do not).
  std::uint16_t udp_checksum = 0;
  std::uint32_t src_ip = 0, dst_ip = 0;
  std::uint16_t src_port = 0, dst_port = 0;
  std::size_t header_len = 0;  // the payload starts here
  PfcPause pause{};            // kind == kPfcPause
};

// Transport header field offsets, relative to kTransportOffset (docs/wire-format.md).
namespace th {
inline constexpr std::size_t kVersion = 0, kType = 1, kFlags = 2, kReserved = 3, kFlow = 4,
                             kSeq = 8, kAck = 16, kTs = 24, kPayloadLen = 32, kChecksum = 34;
}  // namespace th

// The IPv4 header's running checksum sum as stored (checksum field included): checksum_finish()
// of it is 0 for a correct header. Native 8-byte loads (checksum.h).
inline std::uint64_t ipv4_header_sum(const std::uint8_t* ip) {
  std::uint64_t a, b;
  std::uint32_t c;
  std::memcpy(&a, ip, 8);
  std::memcpy(&b, ip + 8, 8);
  std::memcpy(&c, ip + 16, 4);
  return checksum_add_word(checksum_add_word(c, a), b);
}

inline void read_pfc_pause(const std::uint8_t* mac_control, PfcPause& out) {
  out.class_enable = load16(mac_control + 2);
  for (std::size_t i = 0; i < 8; ++i) out.quanta[i] = load16(mac_control + 4 + 2 * i);
}

// Returns kOk or the first problem found. For a PFC PAUSE, fills kind and pause only.
inline ParseStatus check_headers(std::span<const std::uint8_t> frame, HeaderView& out) {
  const std::uint8_t* p = frame.data();
  const std::size_t n = frame.size();
  if (n < kEthLen) return ParseStatus::kTruncated;
  const std::uint16_t ether_type = load16(p + 12);
  if (ether_type == kEtherTypeMacControl) {
    if (n < kEthLen + 20) return ParseStatus::kTruncated;
    if (load16(p + kEthLen) != kPfcOpcode) return ParseStatus::kBadMacControl;
    out.kind = FrameKind::kPfcPause;
    read_pfc_pause(p + kEthLen, out.pause);
    return ParseStatus::kOk;
  }
  if (ether_type != kEtherTypeIpv4) return ParseStatus::kUnknownEtherType;
  out.kind = FrameKind::kTransport;
  if (n < kTransportOffset) return ParseStatus::kTruncated;

  const std::uint8_t* ip = p + kIpOffset;
  if (ip[0] != 0x45) return ParseStatus::kBadIpHeader;                   // IPv4, no options
  if ((load16(ip + 6) & 0x3fff) != 0) return ParseStatus::kBadIpHeader;  // fragments
  if (checksum_finish(ipv4_header_sum(ip)) != 0) return ParseStatus::kBadIpChecksum;
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
  out.udp_len = static_cast<std::uint16_t>(udp_len);
  out.udp_checksum = load16(udp + 6);
  if (out.dst_port != kUdpPort) return ParseStatus::kWrongPort;
  if (udp_len < kUdpLen + kTransportLen) return ParseStatus::kTruncated;

  const std::uint8_t* t = p + kTransportOffset;
  if (t[th::kVersion] != kVersion) return ParseStatus::kBadVersion;
  if (t[th::kType] == 0 || t[th::kType] > kMaxPacketType) return ParseStatus::kBadType;
  out.type = static_cast<PacketType>(t[th::kType]);
  out.flags = t[th::kFlags];
  if ((out.flags & ~flags::kKnown) != 0 || t[th::kReserved] != 0) return ParseStatus::kBadFlags;
  out.payload_len = load16(t + th::kPayloadLen);
  out.has_int = (out.flags & flags::kHasInt) != 0;
  if (out.has_int) {
    if (!may_carry_int(out.type)) return ParseStatus::kBadIntHops;
    if (kUdpOffset + udp_len < kIntOffset + kIntLen) return ParseStatus::kTruncated;
    if (p[kIntOffset] > kMaxIntHops) return ParseStatus::kBadIntHops;
  }
  out.header_len = header_len(out.has_int);
  if (kUdpOffset + udp_len != out.header_len + out.payload_len) {
    return ParseStatus::kBadPayloadLength;
  }
  if (out.payload_len != 0 && out.type != PacketType::kData) return ParseStatus::kBadPayloadLength;
  return ParseStatus::kOk;
}

}  // namespace ptcp::wire
