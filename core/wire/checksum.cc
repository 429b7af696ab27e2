#include "wire/checksum.h"

#include <cstring>

namespace ptcp::wire {

std::uint64_t checksum_add(std::uint64_t sum, std::span<const std::uint8_t> data) {
  // Sum 32-bit big-endian words into a 64-bit accumulator: carries collect in the high half and
  // are folded once at the end, which is what makes this fast enough for every packet.
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  while (n >= 4) {
    sum += (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    sum += (std::uint32_t{p[0]} << 8) | std::uint32_t{p[1]};
    p += 2;
    n -= 2;
  }
  if (n == 1) sum += std::uint32_t{p[0]} << 8;
  return sum;
}

std::uint16_t checksum_finish(std::uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

}  // namespace ptcp::wire
