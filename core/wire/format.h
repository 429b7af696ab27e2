// The bytes on the wire, identical in every backend (docs/wire-format.md):
//   Ethernet II | IPv4 (ECN used) | UDP (dst port kUdpPort) | transport header | [INT region] | payload
// or an IEEE 802.1Qbb PFC PAUSE frame. All fields are in network byte order. Nothing here
// allocates: frames are written into and parsed from a caller's buffer (an mbuf's data area,
// an ns-3 packet's bytes, a test's array).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ptcp::wire {

inline constexpr std::uint16_t kUdpPort = 50000;  // destination port of every transport packet
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherTypeMacControl = 0x8808;
inline constexpr std::uint16_t kPfcOpcode = 0x0101;
inline constexpr std::uint8_t kVersion = 1;

inline constexpr std::size_t kEthLen = 14;
inline constexpr std::size_t kIpv4Len = 20;
inline constexpr std::size_t kUdpLen = 8;
inline constexpr std::size_t kTransportLen = 36;
inline constexpr std::size_t kMaxIntHops = 5;
inline constexpr std::size_t kIntHopLen = 16;
inline constexpr std::size_t kIntHeaderLen = 4;
// The INT region always reserves room for kMaxIntHops, so switches stamp in place and no
// length field changes on the way (as HPCC's INT header does).
inline constexpr std::size_t kIntLen = kIntHeaderLen + kMaxIntHops * kIntHopLen;
inline constexpr std::size_t kIpOffset = kEthLen;
inline constexpr std::size_t kUdpOffset = kEthLen + kIpv4Len;
inline constexpr std::size_t kTransportOffset = kUdpOffset + kUdpLen;
inline constexpr std::size_t kIntOffset = kTransportOffset + kTransportLen;
inline constexpr std::size_t kMinEthFrame = 60;  // without FCS; shorter frames are padded
inline constexpr std::size_t kPfcFrameLen = kMinEthFrame;
// Bytes a frame occupies on a link beyond what we write: preamble+SFD 8, FCS 4, inter-frame gap 12.
inline constexpr std::size_t kWireOverhead = 24;

enum class PacketType : std::uint8_t {
  kData = 1,
  kAck = 2,
  kNack = 3,        // ack = the next byte the receiver expects: resend from there
  kCnp = 4,         // DCQCN congestion notification, receiver to sender
  kProbe = 5,       // unloaded-RTT measurement and barriers (testbed)
  kProbeReply = 6,
};
inline constexpr std::uint8_t kMaxPacketType = 6;

namespace flags {
inline constexpr std::uint8_t kLast = 0x01;        // last segment of a flow: acknowledge at once
inline constexpr std::uint8_t kEcnEcho = 0x02;     // ACK: the acknowledged data packet was CE-marked
inline constexpr std::uint8_t kRetransmit = 0x04;  // DATA: a retransmission
inline constexpr std::uint8_t kHasInt = 0x08;      // an INT region follows the transport header
inline constexpr std::uint8_t kKnown = 0x0f;
}  // namespace flags

// IPv4 ECN codepoints (RFC 3168).
inline constexpr std::uint8_t kEcnNotEct = 0, kEcnEct1 = 1, kEcnEct0 = 2, kEcnCe = 3;

// One switch hop's telemetry. Every counter is 32 bits and wraps like a real switch's; readers
// take deltas modulo 2^32 (see int_delta()).
struct IntHop {
  std::uint32_t qlen_bytes = 0;  // egress queue length at dequeue
  std::uint32_t tx_bytes = 0;    // cumulative bytes transmitted by that egress port
  std::uint32_t ts_ns = 0;       // the switch's own clock at dequeue
  std::uint32_t rate_mbps = 0;   // egress link rate in Mb/s
  friend bool operator==(const IntHop&, const IntHop&) = default;
};

struct IntStack {
  std::uint8_t n_hops = 0;
  std::uint8_t overflow = 0;  // hops that found the stack full and left it as it was
  std::array<IntHop, kMaxIntHops> hops{};
  friend bool operator==(const IntStack&, const IntStack&) = default;
};

// Wrap-safe difference of two 32-bit counters (later minus earlier).
inline constexpr std::uint32_t int_delta(std::uint32_t later, std::uint32_t earlier) {
  return later - earlier;
}

// The transport header's fields (docs/wire-format.md has the byte layout).
struct Segment {
  PacketType type = PacketType::kData;
  std::uint8_t flags = 0;
  std::uint32_t flow_id = 0;
  std::uint64_t seq = 0;  // DATA: offset of the first payload byte. ACK/NACK: the seq it answers
  std::uint64_t ack = 0;  // ACK/NACK: cumulative, the next byte expected
  std::uint64_t ts_ns = 0;  // DATA: sender's send time. ACK/NACK: echoed from the DATA packet
  std::uint16_t payload_len = 0;
  IntStack int_stack{};  // meaningful when flags & kHasInt
};

using MacAddr = std::array<std::uint8_t, 6>;

struct FrameAddr {
  MacAddr src_mac{};
  MacAddr dst_mac{};
  std::uint32_t src_ip = 0;  // host byte order
  std::uint32_t dst_ip = 0;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = kUdpPort;
};

enum class FrameKind : std::uint8_t { kTransport, kPfcPause };

enum class ParseStatus : std::uint8_t {
  kOk,
  kTruncated,         // shorter than the headers its own fields announce
  kUnknownEtherType,  // neither IPv4 nor MAC control
  kBadMacControl,     // MAC control frame that is not a PFC PAUSE
  kBadIpHeader,       // version/IHL/fragmentation we do not speak
  kBadIpChecksum,
  kBadIpLength,       // total length disagrees with the frame
  kNotUdp,
  kBadUdpLength,
  kBadUdpChecksum,
  kWrongPort,
  kBadVersion,
  kBadType,
  kBadFlags,
  kBadPayloadLength,  // payload_len disagrees with the UDP length
  kBadIntHops,        // more than kMaxIntHops, or INT on a packet type that never carries it
  kBadChecksum,       // transport checksum: header + payload corrupted
  kCount_,
};
const char* to_string(ParseStatus s);

struct PfcPause {
  std::uint16_t class_enable = 0;
  std::array<std::uint16_t, 8> quanta{};  // per priority, in units of 512 bit times
};

struct ParsedFrame {
  FrameKind kind = FrameKind::kTransport;
  MacAddr src_mac{}, dst_mac{};
  std::uint32_t src_ip = 0, dst_ip = 0;
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint8_t ecn = 0;
  Segment seg{};
  std::size_t payload_offset = 0;  // payload bytes are frame[payload_offset, +seg.payload_len)
  std::size_t frame_len = 0;       // bytes used by the packet (excludes Ethernet padding)
  PfcPause pause{};                // kind == kPfcPause
};

// Parses and validates every length and checksum; never reads outside `frame`.
ParseStatus parse_frame(std::span<const std::uint8_t> frame, ParsedFrame& out);

// parse_frame() in two steps, for a caller that passes over the payload anyway (the transport
// verifies its content): every check but the transport checksum, then that checksum given the
// payload's running sum (wire/checksum.h) of frame[out.payload_offset, +out.seg.payload_len).
// `parsed` is what parse_frame_headers() returned for this frame: the header's share of the
// checksum comes from its fields, not from the bytes again.
// parse_frame(f, out) == kOk exactly when parse_frame_headers(f, out) == kOk and
// transport_checksum_ok(f, out, checksum_add(0, payload)).
// With decode_int false the INT region is checked but not decoded: out.seg.int_stack is left
// as it was (read it with read_int_stack() where needed; a host copies it raw into ACKs).
ParseStatus parse_frame_headers(std::span<const std::uint8_t> frame, ParsedFrame& out,
                                bool decode_int = true);
bool transport_checksum_ok(std::span<const std::uint8_t> frame, const ParsedFrame& parsed,
                           std::uint64_t payload_sum);

// Whether a packet type carries an INT region (DATA, ACK). The sender sets kHasInt on them
// only when INT is in use.
inline bool may_carry_int(PacketType t) {
  return t == PacketType::kData || t == PacketType::kAck;
}

inline constexpr std::size_t header_len(bool has_int) {
  return kIntOffset + (has_int ? kIntLen : 0);
}
inline constexpr std::size_t frame_len(bool has_int, std::size_t payload_len) {
  const std::size_t n = header_len(has_int) + payload_len;
  return n < kMinEthFrame ? kMinEthFrame : n;
}
// Bytes a frame of `len` costs on a link: at least the Ethernet minimum plus kWireOverhead.
inline constexpr std::size_t wire_bytes(std::size_t len) {
  return (len < kMinEthFrame ? kMinEthFrame : len) + kWireOverhead;
}

// Writes every header around a payload the caller has already placed at
// out[header_len(seg has INT)], computing the IPv4 and transport checksums (UDP checksum 0).
// Returns the frame length (padded to the Ethernet minimum), or 0 if `out` is too small.
std::size_t finish_frame(std::span<std::uint8_t> out, const FrameAddr& addr, const Segment& seg,
                         std::uint8_t ecn);

// finish_frame() for a caller that produced the payload and its running checksum sum
// (wire/checksum.h) in one pass: the payload is not read again.
std::size_t finish_frame_with_sum(std::span<std::uint8_t> out, const FrameAddr& addr,
                                  const Segment& seg, std::uint8_t ecn, std::uint64_t payload_sum);
// The same, with the INT region (when seg has kHasInt) copied from `int_region`, kIntLen bytes
// in wire format (e.g. from a received frame: an ACK echoes them without decoding), instead of
// encoded from seg.int_stack.
std::size_t finish_frame_with_raw_int(std::span<std::uint8_t> out, const FrameAddr& addr,
                                      const Segment& seg, std::uint8_t ecn,
                                      std::uint64_t payload_sum, const std::uint8_t* int_region);

// Convenience for tests and tools: copies `payload` into place, then finish_frame().
std::size_t write_frame(std::span<std::uint8_t> out, const FrameAddr& addr, const Segment& seg,
                        std::uint8_t ecn, std::span<const std::uint8_t> payload);

std::size_t write_pfc_pause(std::span<std::uint8_t> out, const MacAddr& src, const PfcPause& p);

// --- In-place rewrites done by switches on a frame that parse_frame() accepted. ---

// Sets the IPv4 ECN field to CE if the packet is ECN-capable (ECT(0)/ECT(1)), fixing the IPv4
// checksum incrementally. Returns true when the packet was marked.
bool mark_ce(std::span<std::uint8_t> frame);

enum class IntPush : std::uint8_t { kPushed, kFull, kNoIntRegion };
// Appends one hop record to the frame's INT stack. A full stack is left as it is and its
// overflow count is incremented. The transport checksum excludes the INT region, so nothing
// else changes.
IntPush push_int_hop(std::span<std::uint8_t> frame, const IntHop& hop);

// Reads/writes the INT region at kIntOffset (used by parse and by receivers copying it).
void read_int_stack(const std::uint8_t* p, IntStack& out);
void write_int_stack(std::uint8_t* p, const IntStack& in);

// Addresses derived from a node index: MAC 02:00:00:00:hi:lo, IPv4 10.0.0.0 + index + 1.
MacAddr node_mac(std::uint32_t node_index);
std::uint32_t node_ip(std::uint32_t node_index);
// ECMP-friendly source port from the flow id (in 49152..65535).
std::uint16_t flow_src_port(std::uint32_t flow_id);
// The addresses of flow `flow_id`'s frames from node `src` to node `dst`: node MACs and IPs,
// source port flow_src_port(flow_id), our UDP destination port.
FrameAddr flow_addr(std::uint32_t src, std::uint32_t dst, std::uint32_t flow_id);

}  // namespace ptcp::wire
