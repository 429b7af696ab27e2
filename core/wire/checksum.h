// RFC 1071 Internet checksum, used for the IPv4 header and for our transport header + payload.
//
// A running sum is a 64-bit value in the machine's byte order: RFC 1071 section 2(B) shows the
// one's-complement sum is byte-order independent up to a final swap, so data is added as native
// 8-byte loads split into 32-bit halves (no carry chain: the loop vectorizes) and folded and
// swapped once in checksum_finish(). A running sum is only meaningful to these functions.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ptcp::wire {

// Adds `data` to a running sum. `data` must start at an even offset of the checksummed region
// (every caller here passes whole 2-byte-aligned regions). Any 64-bit `sum` is accepted.
std::uint64_t checksum_add(std::uint64_t sum, std::span<const std::uint8_t> data);

// Reduces a running sum below 2^33 without changing its value modulo 0xffff.
inline constexpr std::uint64_t checksum_reduce(std::uint64_t sum) {
  sum = (sum & 0xffffffffu) + (sum >> 32);
  return (sum & 0xffffffffu) + (sum >> 32);
}

// Folds a running sum to 16 bits and complements it: the value to store in the header, in
// host byte order (store it with store16). A region whose stored checksum is right sums to 0.
inline constexpr std::uint16_t checksum_finish(std::uint64_t sum) {
  sum = checksum_reduce(sum);
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  auto folded = static_cast<std::uint16_t>(sum);
  if constexpr (std::endian::native == std::endian::little) folded = __builtin_bswap16(folded);
  return static_cast<std::uint16_t>(~folded);
}

// Sums of 16-bit words taken as big-endian values (from header fields in registers, without
// reading back bytes just stored: a load spanning several recent stores stalls) live in their
// own domain. These convert and finish them.
// A running sum (native byte order) as a sum of big-endian values, or back: on little-endian
// machines the same byte rotation either way.
inline constexpr std::uint64_t checksum_swap_order(std::uint64_t sum);
// Folds a sum of big-endian values and complements it: the value to store16() in the header.
inline constexpr std::uint16_t checksum_finish_be(std::uint64_t be_sum) {
  be_sum = checksum_reduce(be_sum);
  be_sum = (be_sum & 0xffffu) + (be_sum >> 16);
  be_sum = (be_sum & 0xffffu) + (be_sum >> 16);
  be_sum = (be_sum & 0xffffu) + (be_sum >> 16);
  return static_cast<std::uint16_t>(~be_sum);
}

inline std::uint16_t internet_checksum(std::span<const std::uint8_t> data) {
  return checksum_finish(checksum_add(0, data));
}

// --- Building blocks for passes that checksum bytes while producing or checking them. ---

// Adds 8 bytes, as a native load of them, to a running sum below 2^63 (each call adds less
// than 2^33: reduce at least every 2^29 words).
inline constexpr std::uint64_t checksum_add_word(std::uint64_t sum, std::uint64_t native8) {
  return sum + (native8 & 0xffffffffu) + (native8 >> 32);
}

// The sum of two running sums (of adjacent regions that each start at an even offset).
inline constexpr std::uint64_t checksum_combine(std::uint64_t a, std::uint64_t b) {
  return checksum_reduce(a) + checksum_reduce(b);
}

// A region's running sum computed as if it started at an even offset, converted for the region
// actually starting at an odd one: every byte swaps its half of the 16-bit word, which
// multiplies the sum by 256 modulo 0xffff, i.e. swaps the bytes of the folded sum.
inline constexpr std::uint64_t checksum_shift_odd(std::uint64_t sum) {
  sum = checksum_reduce(sum);
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  return ((sum & 0xffu) << 8) | (sum >> 8);
}

inline constexpr std::uint64_t checksum_swap_order(std::uint64_t sum) {
  if constexpr (std::endian::native == std::endian::little) {
    return checksum_shift_odd(sum);  // every 16-bit word byte-swapped: the same rotation
  } else {
    return sum;
  }
}

}  // namespace ptcp::wire
