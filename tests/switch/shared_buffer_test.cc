#include "switch/shared_buffer.h"

#include <gtest/gtest.h>

#include "test_frames.h"

namespace ptcp::sw {
namespace {

// A queue may grow to alpha * (buffer - used): check the limit at several occupancies.
TEST(SharedBuffer, DynamicThresholdAtSeveralOccupancies) {
  struct Case {
    double alpha;
    std::uint64_t used;
    std::uint64_t queue;
  };
  const std::uint64_t total = 1'000'000;
  for (const Case c : {Case{1.0, 0, 0}, Case{1.0, 500'000, 100'000}, Case{1.0, 900'000, 40'000},
                       Case{0.5, 200'000, 200'000}, Case{2.0, 700'000, 300'000},
                       Case{0.25, 999'000, 0}}) {
    SharedBuffer b(total, c.alpha);
    b.add(c.used);
    const double limit = c.alpha * static_cast<double>(total - c.used);
    EXPECT_DOUBLE_EQ(b.threshold(), limit);
    const auto room = static_cast<std::uint64_t>(limit) - std::min<std::uint64_t>(
                                                              c.queue, static_cast<std::uint64_t>(limit));
    const std::uint64_t fits = std::min(room, total - c.used);
    if (fits > 0) {
      EXPECT_TRUE(b.dt_admits(c.queue, fits)) << c.alpha << " " << c.used;
    }
    EXPECT_FALSE(b.dt_admits(c.queue, fits + 1)) << c.alpha << " " << c.used;
  }
}

TEST(SharedBuffer, NeverAdmitsBeyondTheWholeBuffer) {
  SharedBuffer b(10'000, 8.0);  // alpha so large the DT limit exceeds the buffer
  b.add(9'000);
  EXPECT_TRUE(b.dt_admits(0, 1'000));
  EXPECT_FALSE(b.dt_admits(0, 1'001));
  b.remove(9'000);
  EXPECT_EQ(b.used(), 0u);
}

// Through the switch: one congested egress settles where q = alpha * (B - q), i.e. B/2 at
// alpha = 1, and further packets are dropped and counted.
TEST(SharedBuffer, SwitchDropsAtTheDtLimitAndCounts) {
  const std::uint64_t total = 200'000;
  SwitchConfig cfg = testing::simple_config(2, gbps(25), total);
  Switch s(cfg);
  s.add_route(wire::node_ip(1), {1});
  testing::FramePool pool;
  int enq = 0, drop = 0;
  for (int i = 0; i < 400; ++i) {
    const Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
    const RxResult r = s.receive(0, 0, pool[h], h);
    (r == RxResult::kEnqueued ? enq : drop)++;
  }
  const std::uint64_t len = pool[0].size();
  const std::uint64_t q = s.queue_bytes(1);
  EXPECT_LE(q, total / 2);
  EXPECT_GT(q + len, total / 2);  // one more packet would cross alpha * free
  EXPECT_EQ(s.port_counters(1).dropped, static_cast<std::uint64_t>(drop));
  EXPECT_EQ(s.counters().buffer_drops, static_cast<std::uint64_t>(drop));
  EXPECT_EQ(s.buffer_used(), q);
  // A second egress still gets in: DT reserves room for others.
  s.add_route(wire::node_ip(2), {0});
  const Handle h = pool.add(testing::make_frame({.src_node = 1, .dst_node = 2}));
  EXPECT_EQ(s.receive(0, 1, pool[h], h), RxResult::kEnqueued);
}

}  // namespace
}  // namespace ptcp::sw
