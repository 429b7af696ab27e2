// RFC 1071 Internet checksum, used for the IPv4 header and for our transport header + payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ptcp::wire {

// Adds `data` to a running one's-complement sum. `data` must start at an even offset of the
// checksummed region (every caller here passes whole 2-byte-aligned regions).
std::uint64_t checksum_add(std::uint64_t sum, std::span<const std::uint8_t> data);

// Folds a running sum to 16 bits and complements it: the value to store in the header.
std::uint16_t checksum_finish(std::uint64_t sum);

inline std::uint16_t internet_checksum(std::span<const std::uint8_t> data) {
  return checksum_finish(checksum_add(0, data));
}

}  // namespace ptcp::wire
