#include "wire/checksum.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
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

// The vector loop takes 64 bytes per step: lengths across several steps, at every alignment of
// the start pointer, must still match the 16-bit reference.
TEST(Checksum, MatchesReferenceOnLongUnalignedRegions) {
  std::vector<std::uint8_t> d(3000 + 16);
  std::uint32_t x = 777;
  for (auto& b : d) {
    x = x * 1103515245u + 12345u;
    b = static_cast<std::uint8_t>(x >> 16);
  }
  for (std::size_t start = 0; start < 16; ++start) {
    for (std::size_t len : {63u, 64u, 65u, 127u, 1000u, 1036u, 1500u, 2999u, 3000u}) {
      const std::vector<std::uint8_t> part(d.begin() + static_cast<std::ptrdiff_t>(start),
                                           d.begin() + static_cast<std::ptrdiff_t>(start + len));
      EXPECT_EQ(internet_checksum({d.data() + start, len}), reference_checksum(part))
          << "start " << start << " length " << len;
    }
  }
}

// All-ones data is the worst case for the carries: the sum must fold, not overflow.
TEST(Checksum, AllOnesFoldsLikeTheReference) {
  const std::vector<std::uint8_t> d(9000, 0xff);
  EXPECT_EQ(internet_checksum(d), reference_checksum(d));
  EXPECT_EQ(checksum_finish(checksum_add(~std::uint64_t{0}, d)),
            checksum_finish(checksum_combine(~std::uint64_t{0}, checksum_add(0, d))));
}

TEST(Checksum, WordsCombineAndOddShiftMatchTheWholeSum) {
  std::vector<std::uint8_t> d(203);
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(i * 37 + 11);
  const std::span<const std::uint8_t> all(d);
  // Native 8-byte words, as fused passes add them.
  std::uint64_t words = 0;
  std::size_t i = 0;
  for (; i + 8 <= d.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, d.data() + i, 8);
    words = checksum_add_word(words, w);
  }
  EXPECT_EQ(checksum_finish(checksum_combine(words, checksum_add(0, all.subspan(i)))),
            internet_checksum(all));
  // A region starting at an odd offset, summed as if even, then shifted.
  for (std::size_t split = 1; split < d.size(); split += 2) {
    const auto sum = checksum_combine(checksum_add(0, all.first(split)),
                                      checksum_shift_odd(checksum_add(0, all.subspan(split))));
    EXPECT_EQ(checksum_finish(sum), internet_checksum(all)) << "split " << split;
  }
}

}  // namespace
}  // namespace ptcp::wire
