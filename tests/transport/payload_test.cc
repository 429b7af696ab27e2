#include "transport/payload.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "wire/checksum.h"

namespace ptcp::transport {
namespace {

TEST(Payload, FillMatchesBytewiseDefinitionAtEveryAlignment) {
  for (std::uint64_t offset = 0; offset < 24; ++offset) {
    for (std::size_t len : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 100u, 1000u}) {
      std::vector<std::uint8_t> buf(len + 2, 0xee);
      fill_payload(42, offset, buf.data() + 1, len);
      for (std::size_t i = 0; i < len; ++i) {
        ASSERT_EQ(buf[1 + i], payload_byte(42, offset + i)) << "offset " << offset << " i " << i;
      }
      EXPECT_EQ(buf[0], 0xee);  // never writes outside the range
      EXPECT_EQ(buf[len + 1], 0xee);
      EXPECT_EQ(verify_payload(42, offset, buf.data() + 1, len), 0u);
    }
  }
}

TEST(Payload, ArbitrarySegmentationGivesTheSameStream) {
  // Fill a 64 KB stream whole, and again in random segments: identical bytes.
  constexpr std::size_t kSize = 65536;
  std::vector<std::uint8_t> whole(kSize), pieces(kSize);
  fill_payload(7, 0, whole.data(), kSize);
  std::mt19937 rng(3);
  std::size_t pos = 0;
  while (pos < kSize) {
    const std::size_t len = std::min<std::size_t>(kSize - pos, 1 + rng() % 1500);
    fill_payload(7, pos, pieces.data() + pos, len);
    EXPECT_EQ(verify_payload(7, pos, whole.data() + pos, len), 0u);
    pos += len;
  }
  EXPECT_EQ(whole, pieces);
}

TEST(Payload, VerifyCountsEveryWrongByte) {
  std::vector<std::uint8_t> buf(1000);
  fill_payload(1, 3, buf.data(), buf.size());
  buf[0] ^= 1;    // head (unaligned part)
  buf[500] ^= 0x80;  // body
  buf[501] ^= 0x01;
  buf[999] ^= 0xff;  // tail
  EXPECT_EQ(verify_payload(1, 3, buf.data(), buf.size()), 4u);
}

TEST(Payload, WrongFlowOrOffsetIsDetected) {
  std::vector<std::uint8_t> buf(1000);
  fill_payload(1, 0, buf.data(), buf.size());
  EXPECT_GT(verify_payload(2, 0, buf.data(), buf.size()), 900u);
  EXPECT_GT(verify_payload(1, 1000, buf.data(), buf.size()), 900u);
  EXPECT_GT(verify_payload(1, 1, buf.data(), buf.size()), 900u);  // off by one byte
}

// The fused passes (fill + checksum on send, verify + checksum on receive) return exactly the
// checksum sum of the bytes, at every stream alignment and length across the vector steps.
TEST(Payload, SummedFillAndVerifyReturnTheBytesChecksum) {
  for (std::uint64_t offset = 0; offset < 20; ++offset) {
    for (std::size_t len : {0u, 1u, 2u, 7u, 8u, 9u, 63u, 64u, 65u, 127u, 129u, 1000u, 1001u}) {
      std::vector<std::uint8_t> buf(len + 2, 0xee);
      const std::uint64_t sum = fill_payload_summed(9, offset, buf.data() + 1, len);
      const std::uint16_t want = wire::internet_checksum({buf.data() + 1, len});
      EXPECT_EQ(wire::checksum_finish(sum), want) << "offset " << offset << " len " << len;
      for (std::size_t i = 0; i < len; ++i) {
        ASSERT_EQ(buf[1 + i], payload_byte(9, offset + i)) << "offset " << offset << " i " << i;
      }
      EXPECT_EQ(buf[0], 0xee);
      EXPECT_EQ(buf[len + 1], 0xee);
      std::uint64_t vsum = 0;
      EXPECT_EQ(verify_payload_summed(9, offset, buf.data() + 1, len, vsum), 0u);
      EXPECT_EQ(wire::checksum_finish(vsum), want) << "offset " << offset << " len " << len;
      if (len == 0) continue;
      // A corrupted byte: counted once, and the sum is the corrupted bytes' sum.
      buf[1 + len / 2] ^= 0x24;
      EXPECT_EQ(verify_payload_summed(9, offset, buf.data() + 1, len, vsum), 1u);
      EXPECT_EQ(wire::checksum_finish(vsum), wire::internet_checksum({buf.data() + 1, len}));
      EXPECT_EQ(verify_payload(9, offset, buf.data() + 1, len), 1u);
    }
  }
}

}  // namespace
}  // namespace ptcp::transport
