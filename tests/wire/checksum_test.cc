#include "wire/checksum.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace ptcp::wire {
namespace {

// Straightforward 16-bit-word reference implementation of RFC 1071.
std::uint16_t reference_checksum(const std::vector<std::uint8_t>& d) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < d.size(); i += 2) sum += static_cast<std::uint32_t>(d[i] << 8 | d[i + 1]);
  if (d.size() % 2) sum += static_cast<std::uint32_t>(d.back() << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

TEST(Checksum, MatchesRfc1071Example) {
  // RFC 1071 section 3 example: the sum of these words is 0xddf2, so the checksum is 0x220d.
  const std::array<std::uint8_t, 8> data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(Checksum, MatchesReferenceForAllLengths) {
  std::vector<std::uint8_t> d;
  std::uint32_t x = 12345;
  for (int len = 0; len < 300; ++len) {
    EXPECT_EQ(internet_checksum(d), reference_checksum(d)) << "length " << len;
    x = x * 1103515245u + 12345u;
    d.push_back(static_cast<std::uint8_t>(x >> 16));
  }
}

TEST(Checksum, ChunkedSumEqualsWholeSumAtEvenSplits) {
  std::vector<std::uint8_t> d(101);
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(i * 7 + 3);
  const std::span<const std::uint8_t> all(d);
  for (std::size_t split = 0; split <= d.size(); split += 2) {
    const auto sum = checksum_add(checksum_add(0, all.first(split)), all.subspan(split));
    EXPECT_EQ(checksum_finish(sum), internet_checksum(all)) << "split " << split;
  }
}

}  // namespace
}  // namespace ptcp::wire
