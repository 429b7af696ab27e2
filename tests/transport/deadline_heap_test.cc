#include "transport/deadline_heap.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace ptcp::transport {
namespace {

TEST(DeadlineHeap, MatchesAReferenceUnderRandomSetRemovePop) {
  DeadlineHeap h;
  h.reserve_ids(64);
  std::map<std::uint32_t, TimeNs> ref;
  std::mt19937 rng(5);
  for (int step = 0; step < 20000; ++step) {
    const std::uint32_t id = rng() % 64;
    switch (rng() % 4) {
      case 0:
      case 1: {
        const TimeNs t = static_cast<TimeNs>(rng() % 1000);
        h.set(id, t);
        ref[id] = t;
        break;
      }
      case 2:
        h.remove(id);
        ref.erase(id);
        break;
      case 3:
        if (!ref.empty()) {
          TimeNs best = kNever;
          for (const auto& [k, t] : ref) best = std::min(best, t);
          ASSERT_EQ(h.top_time(), best);
          const std::uint32_t got = h.pop();
          ASSERT_EQ(ref.at(got), best);
          ref.erase(got);
        }
        break;
    }
    ASSERT_EQ(h.size(), ref.size());
    for (std::uint32_t i = 0; i < 64; ++i) ASSERT_EQ(h.contains(i), ref.count(i) == 1);
  }
}

TEST(DeadlineHeap, NeverRemoves) {
  DeadlineHeap h;
  h.reserve_ids(2);
  h.set(1, 5);
  h.set(1, kNever);
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.top_time(), kNever);
}

}  // namespace
}  // namespace ptcp::transport
