#include "switch/ecmp.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "test_frames.h"
#include "wire/format.h"

namespace ptcp::sw {
namespace {

FiveTuple flow(std::uint32_t i) {
  return FiveTuple{wire::node_ip(i % 64), wire::node_ip(100), wire::flow_src_port(i),
                   wire::kUdpPort, 17};
}

TEST(Ecmp, SpreadsTenThousandFlowsEvenlyOverFourPorts) {
  RouteTable t;
  t.set(wire::node_ip(100), {0, 1, 2, 3});
  std::array<int, 4> count{};
  for (std::uint32_t i = 0; i < 10'000; ++i) ++count[t.select(flow(i), 7)];
  std::printf("ECMP 10000 flows over 4 ports: %d %d %d %d\n", count[0], count[1], count[2],
              count[3]);
  for (int c : count) EXPECT_NEAR(c, 2500, 125);  // within 5% of even
}

TEST(Ecmp, AFlowAlwaysTakesTheSamePort) {
  RouteTable t;
  t.set(wire::node_ip(100), {4, 5, 6, 7});
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const std::uint32_t first = t.select(flow(i), 3);
    for (int k = 0; k < 5; ++k) ASSERT_EQ(t.select(flow(i), 3), first);
  }
}

TEST(Ecmp, SaltChangesTheSplit) {
  RouteTable t;
  t.set(wire::node_ip(100), {0, 1});
  int differ = 0;
  for (std::uint32_t i = 0; i < 1000; ++i) differ += t.select(flow(i), 1) != t.select(flow(i), 2);
  EXPECT_GT(differ, 350);  // independent salts disagree about half the time
  EXPECT_LT(differ, 650);
}

TEST(Ecmp, EveryTupleFieldMatters) {
  const FiveTuple base = flow(1);
  const std::uint64_t h = ecmp_hash(base, 9);
  FiveTuple t = base;
  t.src_ip ^= 1;
  EXPECT_NE(ecmp_hash(t, 9), h);
  t = base;
  t.dst_ip ^= 1;
  EXPECT_NE(ecmp_hash(t, 9), h);
  t = base;
  t.src_port ^= 1;
  EXPECT_NE(ecmp_hash(t, 9), h);
  t = base;
  t.dst_port ^= 1;
  EXPECT_NE(ecmp_hash(t, 9), h);
  t = base;
  t.proto = 6;
  EXPECT_NE(ecmp_hash(t, 9), h);
}

TEST(Ecmp, DenseAndSparseAddressesAndMissingRoutes) {
  RouteTable t;
  t.set(wire::node_ip(3), {2});
  t.set(0xc0a80001u, {5});  // 192.168.0.1: outside the dense node range
  FiveTuple f = flow(1);
  f.dst_ip = wire::node_ip(3);
  EXPECT_EQ(t.select(f, 1), 2u);
  f.dst_ip = 0xc0a80001u;
  EXPECT_EQ(t.select(f, 1), 5u);
  f.dst_ip = wire::node_ip(4);
  EXPECT_EQ(t.select(f, 1), RouteTable::kNoPort);
  f.dst_ip = 0x01020304u;
  EXPECT_EQ(t.select(f, 1), RouteTable::kNoPort);
  t.set(wire::node_ip(3), {1});  // replaced
  f.dst_ip = wire::node_ip(3);
  EXPECT_EQ(t.select(f, 1), 1u);
}

TEST(Ecmp, SwitchRoutesByTheTableAndRejectsBadRoutes) {
  Switch s(testing::simple_config(4));
  EXPECT_THROW(s.add_route(wire::node_ip(1), {}), std::invalid_argument);
  EXPECT_THROW(s.add_route(wire::node_ip(1), {4}), std::invalid_argument);
  s.add_route(wire::node_ip(1), {0, 1, 2, 3});
  testing::FramePool pool;
  std::array<int, 4> per_port{};
  for (std::uint32_t f = 0; f < 400; ++f) {
    const Handle h = pool.add(testing::make_frame({.src_node = 9, .dst_node = 1, .flow_id = f}));
    ASSERT_EQ(s.receive(0, 0, pool[h], h), RxResult::kEnqueued);
  }
  for (PortId p = 0; p < 4; ++p) per_port[p] = static_cast<int>(s.port_counters(p).enqueued);
  for (int c : per_port) EXPECT_GT(c, 60);  // every port used
  const Handle h = pool.add(testing::make_frame({.src_node = 9, .dst_node = 2}));
  EXPECT_EQ(s.receive(0, 0, pool[h], h), RxResult::kNoRoute);
  EXPECT_EQ(s.counters().no_route, 1u);
}

TEST(Ecmp, FindGivesEachDestinationItsOwnSetWhenSetsAreShared) {
  RouteTable t;
  t.set(wire::node_ip(1), {0, 1, 2});
  t.set(wire::node_ip(2), {0, 1, 2});  // the same set: stored once
  t.set(wire::node_ip(3), {0, 1});     // a prefix of it: a set of its own
  t.set(wire::node_ip(4), {7});
  EXPECT_EQ(std::vector<RouteTable::PortId>(t.find(wire::node_ip(1)).begin(),
                                            t.find(wire::node_ip(1)).end()),
            (std::vector<RouteTable::PortId>{0, 1, 2}));
  EXPECT_EQ(t.find(wire::node_ip(1)).data(), t.find(wire::node_ip(2)).data());
  EXPECT_EQ(t.find(wire::node_ip(3)).size(), 2u);
  EXPECT_EQ(t.find(wire::node_ip(4)).size(), 1u);
  EXPECT_EQ(t.find(wire::node_ip(4))[0], 7u);
  EXPECT_TRUE(t.find(wire::node_ip(5)).empty());
  EXPECT_TRUE(t.find(0xc0a80001u).empty());
  t.set(wire::node_ip(2), {3});  // replacing one destination leaves the other alone
  EXPECT_EQ(t.find(wire::node_ip(1)).size(), 3u);
  EXPECT_EQ(t.find(wire::node_ip(2))[0], 3u);
  EXPECT_THROW(t.set(wire::node_ip(6), {}), std::invalid_argument);
}

TEST(Ecmp, MoreThan65535DistinctPortSetsIsAClearError) {
  RouteTable t;
  std::uint32_t dst = 0;
  for (RouteTable::PortId a = 0; a < 256; ++a) {
    for (RouteTable::PortId b = 0; b < 256; ++b) {
      if (dst == 65535) {
        EXPECT_THROW(t.set(wire::node_ip(dst), {a, b}), std::invalid_argument);
        t.set(wire::node_ip(dst), {0, 0});  // an existing set is still fine
        EXPECT_EQ(t.find(wire::node_ip(dst)).size(), 2u);
        return;
      }
      t.set(wire::node_ip(dst++), {a, b});
    }
  }
}

}  // namespace
}  // namespace ptcp::sw
