#include "transport/ring.h"

#include <gtest/gtest.h>

namespace ptcp::transport {
namespace {

TEST(Ring, FifoOrderAcrossWrapAndGrowth) {
  Ring<int> r(4);
  EXPECT_EQ(r.capacity(), 4u);
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 10; ++round) {
    while (r.push(next_in)) ++next_in;
    EXPECT_TRUE(r.full());
    r.pop();
    ++next_out;
    EXPECT_EQ(r.front(), next_out);
  }
  r.grow(9);  // keeps order, rounds up to a power of two
  EXPECT_EQ(r.capacity(), 16u);
  while (r.push(next_in)) ++next_in;
  while (!r.empty()) {
    EXPECT_EQ(r.front(), next_out++);
    r.pop();
  }
  EXPECT_EQ(next_out, next_in);
}

TEST(Ring, PushSlotReturnsNullWhenFull) {
  Ring<int> r(2);
  ASSERT_NE(r.push_slot(), nullptr);
  ASSERT_NE(r.push_slot(), nullptr);
  EXPECT_EQ(r.push_slot(), nullptr);
  EXPECT_EQ(r.size(), 2u);
}

TEST(Ring, PushSlotGrowingDoublesUpToTheLimitKeepingOrder) {
  Ring<int> r(2);
  for (int i = 0; i < 3; ++i) *r.push_slot_growing(10) = i;  // 2 -> 4
  EXPECT_EQ(r.capacity(), 4u);
  r.pop();  // wrap the ring before it grows again
  for (int i = 3; i < 16; ++i) *r.push_slot_growing(10) = i;
  // The limit rounds up to a power of two, as the constructor's capacity does.
  EXPECT_EQ(r.capacity(), 16u);
  EXPECT_EQ(r.size(), 15u);
  *r.push_slot_growing(10) = 16;
  EXPECT_EQ(r.push_slot_growing(10), nullptr);
  EXPECT_EQ(r.size(), 16u);
  for (int want = 1; want <= 16; ++want) {
    EXPECT_EQ(r.front(), want);
    r.pop();
  }
}

}  // namespace
}  // namespace ptcp::transport
