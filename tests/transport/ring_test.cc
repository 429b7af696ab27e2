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

}  // namespace
}  // namespace ptcp::transport
