#include "wire/checksum.h"

#include <bit>
#include <cstring>

namespace ptcp::wire {
namespace {

// One's-complement addition with end-around carry on 64-bit words.
inline std::uint64_t add_carry(std::uint64_t sum, std::uint64_t w) {
  sum += w;
  return sum + (sum < w ? 1u : 0u);
}

}  // namespace

// The running sum is kept in the machine's byte order: RFC 1071 section 2(B) shows the
// one's-complement sum is byte-order independent up to a final swap, so we add 8 bytes per
// step with plain loads and swap once in checksum_finish(). This is what makes the checksum
// of a 1000-byte payload cost tens of nanoseconds instead of a hundred.
std::uint64_t checksum_add(std::uint64_t sum, std::span<const std::uint8_t> data) {
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  while (n >= 32) {
    std::uint64_t w[4];
    std::memcpy(w, p, sizeof w);
    sum = add_carry(sum, w[0]);
    sum = add_carry(sum, w[1]);
    sum = add_carry(sum, w[2]);
    sum = add_carry(sum, w[3]);
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    sum = add_carry(sum, w);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    // The tail keeps its stream position inside a zero-padded word.
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    sum = add_carry(sum, w);
  }
  return sum;
}

std::uint16_t checksum_finish(std::uint64_t sum) {
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  auto folded = static_cast<std::uint16_t>(sum);
  if constexpr (std::endian::native == std::endian::little) folded = __builtin_bswap16(folded);
  return static_cast<std::uint16_t>(~folded);
}

}  // namespace ptcp::wire
