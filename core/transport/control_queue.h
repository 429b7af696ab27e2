// Replies waiting for the NIC (ACK, NACK, CNP, probe and probe reply). They go before data, so
// the queue is short in practice; it is a bounded ring so that a pathological burst costs
// counted drops (the sender recovers them like lost packets), never an allocation.
#pragma once

#include <array>
#include <cstdint>

#include "transport/ring.h"
#include "wire/format.h"

namespace ptcp::transport {

struct ControlEntry {
  wire::PacketType type = wire::PacketType::kAck;
  std::uint8_t flags = 0;  // kEcnEcho, kHasInt (then int_region is copied into the frame)
  std::uint32_t flow_id = 0;
  std::uint64_t seq = 0;
  std::uint64_t ack = 0;
  std::uint64_t ts_ns = 0;  // echoed; kProbe: stamped when the probe leaves
  std::uint32_t dst_ip = 0;
  wire::MacAddr dst_mac{};
  // The data packet's INT region as received (wire format): echoed without decoding it.
  std::array<std::uint8_t, wire::kIntLen> int_region{};
};

using ControlQueue = Ring<ControlEntry>;

}  // namespace ptcp::transport
