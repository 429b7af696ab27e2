#include "backends/dpdk/ack_reflector.h"

#include <cstring>

#include "wire/byte_order.h"
#include "wire/checksum.h"
#include "wire/header_check.h"

namespace ptcp::dpdk {
namespace {
// A 64-bit field's share of a big-endian word sum: 2^16 and 2^32 are 1 modulo 0xffff.
constexpr std::uint64_t halves(std::uint64_t v) { return (v & 0xffffffffu) + (v >> 32); }
std::uint8_t* hop_at(std::uint8_t* frame, std::size_t i) {
  return frame + wire::kIntOffset + wire::kIntHeaderLen + i * wire::kIntHopLen;
}
}  // namespace

AckReflector::AckReflector(std::uint32_t sender_node, std::uint32_t receiver_node,
                           std::uint32_t flow_id, std::uint32_t rate_mbps)
    : flow_id_(flow_id) {
  const wire::FrameAddr addr = wire::flow_addr(receiver_node, sender_node, flow_id);
  wire::Segment seg;
  seg.type = wire::PacketType::kAck;
  seg.flags = wire::flags::kHasInt;
  seg.flow_id = flow_id;
  seg.int_stack.n_hops = static_cast<std::uint8_t>(wire::kMaxIntHops);
  for (wire::IntHop& h : seg.int_stack.hops) h.rate_mbps = rate_mbps;
  wire::finish_frame(template_, addr, seg, wire::kEcnNotEct);
  // seq, ack and ts are 0 in the template: the rest of the header is its constant share.
  const std::uint8_t* t = template_.data() + wire::kTransportOffset;
  for (std::size_t i = 0; i < wire::kTransportLen; i += 2) {
    if (i != wire::th::kChecksum) constant_be_sum_ += wire::load16(t + i);
  }
}

std::size_t AckReflector::reflect(std::span<const std::uint8_t> data, std::uint32_t now_ns,
                                  std::span<std::uint8_t> out) {
  const std::uint8_t* in = data.data() + wire::kTransportOffset;
  if (data.size() < wire::header_len(true) || out.size() < kAckLen ||
      in[wire::th::kType] != static_cast<std::uint8_t>(wire::PacketType::kData) ||
      (in[wire::th::kFlags] & wire::flags::kHasInt) == 0 ||
      wire::load32(in + wire::th::kFlow) != flow_id_) {
    ++ignored_;
    return 0;
  }
  const std::uint64_t seq = wire::load64(in + wire::th::kSeq);
  const std::uint64_t ts = wire::load64(in + wire::th::kTs);
  const std::uint64_t ack = seq + wire::load16(in + wire::th::kPayloadLen);
  tx_bytes_ += static_cast<std::uint32_t>(data.size());

  std::uint8_t* p = out.data();
  std::memcpy(p, template_.data(), kAckLen);
  std::uint8_t* t = p + wire::kTransportOffset;
  wire::store64(t + wire::th::kSeq, seq);
  wire::store64(t + wire::th::kAck, ack);
  wire::store64(t + wire::th::kTs, ts);
  wire::store16(t + wire::th::kChecksum,
                wire::checksum_finish_be(constant_be_sum_ + halves(seq) + halves(ack) + halves(ts)));
  for (std::size_t i = 0; i < wire::kMaxIntHops; ++i) {
    std::uint8_t* h = hop_at(p, i);
    wire::store32(h + 4, tx_bytes_);
    wire::store32(h + 8, now_ns);
  }
  ++reflected_;
  return kAckLen;
}

}  // namespace ptcp::dpdk
