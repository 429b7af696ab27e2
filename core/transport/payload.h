// Deterministic payload content: the byte at offset `o` of flow `f` is a pure function of
// (f, o), so a receiver checks every delivered byte without a copy of what was sent, whatever
// the segment boundaries and however often a range is retransmitted.
//
// The stream is a sequence of little-endian 64-bit words: word w = flow_key(f) + w * kStep
// (mod 2^64) covers offsets [8w, 8w+8). One add per 8 bytes keeps fill and verify of a
// 1000-byte payload in the tens of nanoseconds (the loops vectorize).
//
// The *_summed variants also return the bytes' running Internet checksum sum
// (wire/checksum.h, as if they started at an even offset of the checksummed region): the host
// fills and checksums, or verifies and checksums, a payload in one pass over it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptcp::transport {

// Writes the flow's bytes [offset, offset + len) to `dst`.
void fill_payload(std::uint32_t flow_id, std::uint64_t offset, std::uint8_t* dst,
                  std::size_t len);

// Compares `src` with the flow's bytes [offset, offset + len); returns how many bytes differ.
std::uint64_t verify_payload(std::uint32_t flow_id, std::uint64_t offset, const std::uint8_t* src,
                             std::size_t len);

// fill_payload(), returning the running checksum sum of the bytes written.
std::uint64_t fill_payload_summed(std::uint32_t flow_id, std::uint64_t offset, std::uint8_t* dst,
                                  std::size_t len);

// verify_payload(), also storing the running checksum sum of `src` in `sum`.
std::uint64_t verify_payload_summed(std::uint32_t flow_id, std::uint64_t offset,
                                    const std::uint8_t* src, std::size_t len, std::uint64_t& sum);

// The expected byte at one offset (slow; for tests and error reports).
std::uint8_t payload_byte(std::uint32_t flow_id, std::uint64_t offset);

}  // namespace ptcp::transport
