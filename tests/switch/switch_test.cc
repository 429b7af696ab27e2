#include "switch/switch.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "test_frames.h"

namespace ptcp::sw {
namespace {

// A data packet crossing a chain of switches collects one INT record per switch, in path
// order; the sixth switch finds the stack full, leaves it as it is and counts it.
TEST(Switch, IntRecordsInPathOrderCappedAtFiveHops) {
  std::vector<Switch> chain;
  for (std::uint32_t i = 0; i < 6; ++i) {
    SwitchConfig c = testing::simple_config(2, gbps(10.0 * (i + 1)));
    c.node_index = 100 + i;
    chain.emplace_back(c);
    chain.back().add_route(wire::node_ip(1), {1});
  }
  auto frame = testing::make_frame({.src_node = 0, .dst_node = 1});
  TimeNs now = 1000;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    ASSERT_EQ(chain[i].receive(now, 0, frame, 7), RxResult::kEnqueued);
    const auto d = chain[i].dequeue(1, now + 10);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->handle, 7u);
    now = d->done + 1000;
  }
  const wire::IntStack st = testing::parse(frame).seg.int_stack;
  ASSERT_EQ(st.n_hops, 5);
  EXPECT_EQ(st.overflow, 1);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(st.hops[i].rate_mbps, 10'000u * (i + 1)) << i;
    if (i > 0) {
      EXPECT_GT(st.hops[i].ts_ns, st.hops[i - 1].ts_ns) << i;
    }
    EXPECT_EQ(st.hops[i].tx_bytes, wire::wire_bytes(frame.size())) << i;
  }
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(chain[i].port_counters(1).int_full, 0u);
  EXPECT_EQ(chain[5].port_counters(1).int_full, 1u);
  // The frame is still valid for the receiver after all the in-place rewrites.
  wire::ParsedFrame p;
  EXPECT_EQ(wire::parse_frame(frame, p), wire::ParseStatus::kOk);
}

TEST(Switch, DataWithoutIntRegionIsForwardedUnstamped) {
  Switch s(testing::simple_config(2));
  s.add_route(wire::node_ip(1), {1});
  auto frame = testing::make_frame({.src_node = 0, .dst_node = 1, .with_int = false});
  ASSERT_EQ(s.receive(0, 0, frame, 1), RxResult::kEnqueued);
  ASSERT_TRUE(s.dequeue(1, 0));
  EXPECT_EQ(testing::parse(frame).seg.flags & wire::flags::kHasInt, 0);
  EXPECT_EQ(s.port_counters(1).int_full, 0u);
}

TEST(Switch, CountersAndSamplers) {
  SwitchConfig cfg = testing::simple_config(3);
  cfg.node_index = 12;
  Switch s(cfg);
  s.add_route(wire::node_ip(1), {1});
  s.add_route(wire::node_ip(2), {2});
  testing::FramePool pool;
  for (int i = 0; i < 4; ++i) {
    const Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
    ASSERT_EQ(s.receive(0, 0, pool[h], h), RxResult::kEnqueued);
  }
  const Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 2, .payload = 100}));
  ASSERT_EQ(s.receive(0, 0, pool[h], h), RxResult::kEnqueued);
  const std::uint64_t big = pool[0].size(), small = pool[h].size();
  EXPECT_EQ(s.queue_bytes(1), 4 * big);
  EXPECT_EQ(s.queue_bytes(2), small);
  EXPECT_EQ(s.buffer_used(), 4 * big + small);
  EXPECT_EQ(s.port_counters(0).rx_bytes, 4 * big + small);
  EXPECT_EQ(s.port_counters(1).enqueued, 4u);
  std::vector<QueueSample> samples;
  s.sample_queues(77, [&](const QueueSample& q) { samples.push_back(q); });
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[1].now, 77);
  EXPECT_EQ(samples[1].node, 12u);
  EXPECT_EQ(samples[1].port, 1);
  EXPECT_EQ(samples[1].bytes, 4 * big);
  ASSERT_TRUE(s.dequeue(1, 0));
  EXPECT_EQ(s.queue_bytes(1), 3 * big);
  EXPECT_EQ(s.buffer_used(), 3 * big + small);
  EXPECT_EQ(s.port_counters(1).dequeued, 1u);
}

// receive() with an egress out-parameter names the port that took the packet (event-driven
// backends kick only that one) and leaves it alone when nothing was enqueued.
TEST(Switch, ReceiveReportsTheEgressThatTookThePacket) {
  Switch s(testing::simple_config(4));
  s.add_route(wire::node_ip(1), {1});
  s.add_route(wire::node_ip(3), {3});
  testing::FramePool pool;
  PortId egress = 99;
  Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 3}));
  ASSERT_EQ(s.receive(0, 0, pool[h], h, egress), RxResult::kEnqueued);
  EXPECT_EQ(egress, 3);
  h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
  ASSERT_EQ(s.receive(0, 2, pool[h], h, egress), RxResult::kEnqueued);
  EXPECT_EQ(egress, 1);
  EXPECT_EQ(s.queue_bytes(1), pool[h].size());
  egress = 99;
  h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 2}));  // no route to node 2
  EXPECT_EQ(s.receive(0, 0, pool[h], h, egress), RxResult::kNoRoute);
  EXPECT_EQ(egress, 99);
}

TEST(Switch, RejectsConfigurationsItCannotRun) {
  EXPECT_THROW(Switch(SwitchConfig{}), std::invalid_argument);  // no ports
  SwitchConfig c = testing::simple_config(2);
  c.ports[1].rate = 0;
  EXPECT_THROW(Switch{c}, std::invalid_argument);
  c = testing::simple_config(2);
  c.buffer_bytes = 0;
  EXPECT_THROW(Switch{c}, std::invalid_argument);
  c = testing::simple_config(2);
  c.ports[0].ecn = EcnThresholds{10, 5, 0.1};
  EXPECT_THROW(Switch{c}, std::invalid_argument);
}

TEST(Switch, MovedSwitchKeepsWorking) {
  Switch a(testing::simple_config(2));
  a.add_route(wire::node_ip(1), {1});
  Switch b(std::move(a));
  auto frame = testing::make_frame({.src_node = 0, .dst_node = 1});
  EXPECT_EQ(b.receive(0, 0, frame, 1), RxResult::kEnqueued);
  EXPECT_TRUE(b.dequeue(1, 0));
}

}  // namespace
}  // namespace ptcp::sw
