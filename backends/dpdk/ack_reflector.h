// A light stand-in for a receiving host, for measuring a sending host's core alone (the host
// bench's "reflect" mode): for every data frame of one flow it writes the ACK a real receiver
// behind 5 INT switches would send, by patching a pre-built ACK frame instead of running a
// receiver Host. Patched per ACK: seq (the data's), the cumulative ack (the data's end: frames
// arrive in order on a ring pair, none are lost), the echoed send time, each hop's txBytes
// (advancing by the frame's bytes) and timestamp, and the transport checksum (incremental, from
// the template's constant fields). The sender's Host accepts the result as a real ACK: it goes
// through the same parse, checksum, INT decoding and CC as any other.
//
// Pure C++ (no DPDK): the bench hands it mbuf data areas, the test plain arrays.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "wire/format.h"

namespace ptcp::dpdk {

class AckReflector {
 public:
  static constexpr std::size_t kAckLen = wire::frame_len(true, 0);

  // ACKs from `receiver_node` to `sender_node` for flow `flow_id`; every INT hop reports a
  // link of `rate_mbps` with an empty queue.
  AckReflector(std::uint32_t sender_node, std::uint32_t receiver_node, std::uint32_t flow_id,
               std::uint32_t rate_mbps);

  // Writes the ACK of data frame `data` into `out` (at least kAckLen bytes), its hops stamped
  // at `now_ns`. Returns kAckLen, or 0 when `data` is not a data frame of this flow with an
  // INT region (counted in ignored(); nothing is written).
  std::size_t reflect(std::span<const std::uint8_t> data, std::uint32_t now_ns,
                      std::span<std::uint8_t> out);

  std::uint64_t reflected() const { return reflected_; }
  std::uint64_t ignored() const { return ignored_; }

 private:
  std::array<std::uint8_t, kAckLen> template_{};
  std::uint32_t flow_id_;
  // The transport checksum's share of the template's constant header fields (big-endian
  // domain, wire/checksum.h): seq, ack and ts are added per ACK.
  std::uint64_t constant_be_sum_ = 0;
  std::uint32_t tx_bytes_ = 0;  // every hop's cumulative transmitted bytes (wraps, as INT does)
  std::uint64_t reflected_ = 0, ignored_ = 0;
};

}  // namespace ptcp::dpdk
