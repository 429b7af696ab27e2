#include "switch/frame_check.h"

#include "wire/byte_order.h"
#include "wire/checksum.h"

namespace ptcp::sw {
namespace {

using wire::ParseStatus;

// Transport header offsets (docs/wire-format.md), relative to wire::kTransportOffset.
constexpr std::size_t kThVersion = 0, kThType = 1, kThFlags = 2, kThReserved = 3,
                      kThPayloadLen = 32;

}  // namespace

ParseStatus check_frame(std::span<const std::uint8_t> frame, FrameInfo& out) {
  using namespace wire;
  const std::uint8_t* p = frame.data();
  const std::size_t n = frame.size();
  if (n < kEthLen) return ParseStatus::kTruncated;
  const std::uint16_t ether_type = load16(p + 12);
  if (ether_type == kEtherTypeMacControl) {
    if (n < kEthLen + 20) return ParseStatus::kTruncated;
    if (load16(p + kEthLen) != kPfcOpcode) return ParseStatus::kBadMacControl;
    out.kind = FrameKind::kPfcPause;
    out.pause.class_enable = load16(p + kEthLen + 2);
    for (std::size_t i = 0; i < 8; ++i) out.pause.quanta[i] = load16(p + kEthLen + 4 + 2 * i);
    return ParseStatus::kOk;
  }
  if (ether_type != kEtherTypeIpv4) return ParseStatus::kUnknownEtherType;
  out.kind = FrameKind::kTransport;
  if (n < kTransportOffset + kTransportLen) return ParseStatus::kTruncated;

  const std::uint8_t* ip = p + kIpOffset;
  if (ip[0] != 0x45) return ParseStatus::kBadIpHeader;
  if ((load16(ip + 6) & 0x3fff) != 0) return ParseStatus::kBadIpHeader;
  if (internet_checksum({ip, kIpv4Len}) != 0) return ParseStatus::kBadIpChecksum;
  const std::size_t ip_total = load16(ip + 2);
  if (ip_total < kIpv4Len + kUdpLen || kIpOffset + ip_total > n) return ParseStatus::kBadIpLength;
  out.proto = ip[9];
  if (out.proto != 17) return ParseStatus::kNotUdp;
  out.src_ip = load32(ip + 12);
  out.dst_ip = load32(ip + 16);

  const std::uint8_t* udp = p + kUdpOffset;
  out.src_port = load16(udp);
  out.dst_port = load16(udp + 2);
  const std::size_t udp_len = load16(udp + 4);
  if (udp_len != ip_total - kIpv4Len) return ParseStatus::kBadUdpLength;
  if (out.dst_port != kUdpPort) return ParseStatus::kWrongPort;
  if (udp_len < kUdpLen + kTransportLen) return ParseStatus::kTruncated;

  const std::uint8_t* th = p + kTransportOffset;
  if (th[kThVersion] != kVersion) return ParseStatus::kBadVersion;
  if (th[kThType] == 0 || th[kThType] > kMaxPacketType) return ParseStatus::kBadType;
  out.type = static_cast<PacketType>(th[kThType]);
  const std::uint8_t fl = th[kThFlags];
  if ((fl & ~flags::kKnown) != 0 || th[kThReserved] != 0) return ParseStatus::kBadFlags;
  out.has_int = (fl & flags::kHasInt) != 0;
  const std::size_t payload_len = load16(th + kThPayloadLen);
  if (out.has_int) {
    if (!may_carry_int(out.type)) return ParseStatus::kBadIntHops;
    if (kUdpOffset + udp_len < kIntOffset + kIntLen) return ParseStatus::kTruncated;
    if (p[kIntOffset] > kMaxIntHops) return ParseStatus::kBadIntHops;
  }
  if (kUdpOffset + udp_len != header_len(out.has_int) + payload_len) {
    return ParseStatus::kBadPayloadLength;
  }
  if (payload_len != 0 && out.type != PacketType::kData) return ParseStatus::kBadPayloadLength;
  return ParseStatus::kOk;
}

}  // namespace ptcp::sw
