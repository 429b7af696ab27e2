#include "switch/port.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "test_frames.h"

namespace ptcp::sw {
namespace {

// Back-to-back departures from a full queue are spaced by the exact serialization time of
// wire_bytes(len) at the port rate, and no packet leaves a nanosecond early.
void check_rate_spacing(BitsPerSec rate) {
  SCOPED_TRACE(rate);
  Switch s(testing::simple_config(2, rate));
  s.add_route(wire::node_ip(1), {1});
  testing::FramePool pool;
  for (int i = 0; i < 200; ++i) {
    const Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
    ASSERT_EQ(s.receive(0, 0, pool[h], h), RxResult::kEnqueued);
  }
  const double ser_ns = static_cast<double>(wire::wire_bytes(pool[0].size())) * 8e9 /
                        static_cast<double>(rate);
  const TimeNs start = 1000;
  EXPECT_EQ(s.next_departure(1), 0);  // free since the beginning: "now"
  for (int k = 0; k < 200; ++k) {
    const TimeNs t = k == 0 ? start : s.next_departure(1);
    const double exact = static_cast<double>(start) + k * ser_ns;
    // The next whole nanosecond at or after the exact time (1e-6 ns slack for the double).
    ASSERT_EQ(t, static_cast<TimeNs>(std::ceil(exact - 1e-6))) << k;
    if (k > 0) {
      ASSERT_FALSE(s.dequeue(1, t - 1).has_value()) << k;
    }
    const auto d = s.dequeue(1, t);
    ASSERT_TRUE(d.has_value()) << k;
    EXPECT_EQ(d->handle, static_cast<Handle>(k));  // FIFO
    EXPECT_EQ(d->done, static_cast<TimeNs>(std::ceil(exact + ser_ns - 1e-6))) << k;
  }
  EXPECT_EQ(s.next_departure(1), kNever);
  EXPECT_FALSE(s.dequeue(1, 1'000'000).has_value());
}

TEST(Port, DeparturesAreExactlyRateSpaced) {
  check_rate_spacing(gbps(25));
  check_rate_spacing(gbps(100));
  check_rate_spacing(gbps(7));  // serialization is not a whole number of picoseconds per byte
}

// Over a million back-to-back frames of mixed sizes the link time never drifts from the
// exact total: rounding to whole nanoseconds does not accumulate.
TEST(Port, NoDriftOverAMillionFrames) {
  for (BitsPerSec rate : {gbps(25), gbps(100), gbps(7), mbps(333)}) {
    EgressPort port(PortConfig{rate, {}, 0, true});
    const TimeNs start = 123;
    TimeNs now = start;
    std::uint64_t wire_total = 0;
    QueuedPacket out;
    for (int i = 0; i < 1'000'000; ++i) {
      const std::uint32_t len = 64 + static_cast<std::uint32_t>(i * 37 % 1437);
      port.enqueue_data(QueuedPacket{0, nullptr, len, 0, false, PfcPool::kNone});
      ASSERT_TRUE(port.pop(now, out, true));
      now = port.occupy_link(now, len);
      wire_total += wire::wire_bytes(len);
    }
    const double exact = static_cast<double>(start) +
                         static_cast<double>(wire_total) * 8e9 / static_cast<double>(rate);
    std::printf("rate %.3f Gb/s: 1e6 frames end at %lld ns, exact %.3f\n",
                static_cast<double>(rate) / 1e9, static_cast<long long>(now), exact);
    EXPECT_LT(std::abs(static_cast<double>(now) - exact), 1.0) << rate;
  }
}

TEST(Port, IdleLinkStartsAtNow) {
  Switch s(testing::simple_config(2));
  s.add_route(wire::node_ip(1), {1});
  testing::FramePool pool;
  const Handle a = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
  ASSERT_EQ(s.receive(0, 0, pool[a], a), RxResult::kEnqueued);
  const auto d = s.dequeue(1, 5000);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->done, 5000 + serialization_ns(wire::wire_bytes(d->len), gbps(25)));
  const Handle b = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
  ASSERT_EQ(s.receive(90'000, 0, pool[b], b), RxResult::kEnqueued);
  const auto e = s.dequeue(1, 90'000);  // long idle: starts at now, not back-to-back
  ASSERT_TRUE(e);
  EXPECT_EQ(e->done, 90'000 + serialization_ns(wire::wire_bytes(e->len), gbps(25)));
}

TEST(Port, ControlQueueGoesFirst) {
  Switch s(testing::simple_config(2));
  s.add_route(wire::node_ip(1), {1});
  testing::FramePool pool;
  for (int i = 0; i < 3; ++i) {
    const Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
    ASSERT_EQ(s.receive(0, 0, pool[h], h), RxResult::kEnqueued);
  }
  const Handle ack =
      pool.add(testing::make_frame({.src_node = 0, .dst_node = 1, .type = wire::PacketType::kAck}));
  const Handle cnp =
      pool.add(testing::make_frame({.src_node = 0, .dst_node = 1, .type = wire::PacketType::kCnp}));
  ASSERT_EQ(s.receive(0, 0, pool[ack], ack), RxResult::kEnqueued);
  ASSERT_EQ(s.receive(0, 0, pool[cnp], cnp), RxResult::kEnqueued);
  std::vector<Handle> order;
  TimeNs t = 0;
  while (auto d = s.dequeue(1, t)) {
    order.push_back(d->handle);
    t = s.next_departure(1);
    if (t == kNever) break;
  }
  EXPECT_EQ(order, (std::vector<Handle>{ack, cnp, 0, 1, 2}));
  // ACKs are not stamped even though they carry an INT region.
  EXPECT_EQ(testing::parse(pool[ack]).seg.int_stack.n_hops, 0);
  EXPECT_EQ(testing::parse(pool[0]).seg.int_stack.n_hops, 1);
}

TEST(Port, IntStampCarriesQueueTxBytesTimeAndRate) {
  SwitchConfig cfg = testing::simple_config(2);
  cfg.node_index = 3;
  Switch s(cfg);
  s.add_route(wire::node_ip(1), {1});
  testing::FramePool pool;
  for (int i = 0; i < 3; ++i) {
    const Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
    ASSERT_EQ(s.receive(0, 0, pool[h], h), RxResult::kEnqueued);
  }
  const std::uint32_t len = static_cast<std::uint32_t>(pool[0].size());
  const std::uint32_t wire_len = static_cast<std::uint32_t>(wire::wire_bytes(len));
  TimeNs t = 100;
  for (std::uint32_t k = 0; k < 3; ++k) {
    ASSERT_TRUE(s.dequeue(1, t));
    const wire::IntHop h = testing::parse(pool[k]).seg.int_stack.hops[0];
    EXPECT_EQ(h.qlen_bytes, (2 - k) * len);          // what still waits behind it
    EXPECT_EQ(h.tx_bytes, (k + 1) * wire_len);       // cumulative, this packet included
    EXPECT_EQ(h.ts_ns, static_cast<std::uint32_t>(t));
    EXPECT_EQ(h.rate_mbps, 25'000u);
    t = s.next_departure(1);
  }
  EXPECT_EQ(s.port_counters(1).tx_wire_bytes, 3u * wire_len);
  EXPECT_EQ(s.port_counters(1).tx_bytes, 3u * len);
  EXPECT_EQ(s.port_counters(1).dequeued, 3u);
}

TEST(Port, IntOffLeavesTheStackEmpty) {
  SwitchConfig cfg = testing::simple_config(2);
  cfg.int_enabled = false;
  Switch s(cfg);
  s.add_route(wire::node_ip(1), {1});
  testing::FramePool pool;
  const Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
  ASSERT_EQ(s.receive(0, 0, pool[h], h), RxResult::kEnqueued);
  ASSERT_TRUE(s.dequeue(1, 0));
  EXPECT_EQ(testing::parse(pool[h]).seg.int_stack.n_hops, 0);
}

// tx_bytes and ts are 32-bit counters that wrap; the sender's wrap-safe deltas stay right.
TEST(Port, IntCountersWrapAround) {
  PortConfig pc{gbps(100), {}, 0, true};
  EgressPort port(pc);
  auto frame = testing::make_frame({.src_node = 0, .dst_node = 1});
  const std::uint32_t len = static_cast<std::uint32_t>(frame.size());
  // Big non-INT packets push the tx counter close to 2^32.
  const std::uint32_t big = 60'000;
  const std::uint64_t big_wire = wire::wire_bytes(big);
  const std::uint64_t n_big = (1ull << 32) / big_wire - 1;
  TimeNs now = (1ll << 32) - 20'000;  // the clock wraps 32 bits during the test too
  QueuedPacket out;
  for (std::uint64_t i = 0; i < n_big; ++i) {
    port.enqueue_data(QueuedPacket{0, nullptr, big, 0, false, PfcPool::kNone});
    ASSERT_TRUE(port.pop(now, out, true));
    port.occupy_link(now, big);
  }
  std::uint32_t prev_tx = 0, prev_ts = 0;
  std::uint64_t true_tx = port.counters.tx_wire_bytes;
  bool wrapped_tx = false, wrapped_ts = false;
  for (int k = 0; k < 40; ++k) {
    frame = testing::make_frame({.src_node = 0, .dst_node = 1});
    port.enqueue_data(QueuedPacket{0, frame.data(), len, 0, true, PfcPool::kNone});
    ASSERT_TRUE(port.pop(now, out, true));
    port.occupy_link(now, len);
    // Each round also sends a big frame without INT.
    port.enqueue_data(QueuedPacket{0, nullptr, big, 0, false, PfcPool::kNone});
    ASSERT_TRUE(port.pop(now, out, true));
    port.occupy_link(now, big);
    const wire::IntHop h = testing::parse(frame).seg.int_stack.hops[0];
    EXPECT_EQ(h.ts_ns, static_cast<std::uint32_t>(now));
    EXPECT_EQ(h.tx_bytes, static_cast<std::uint32_t>(true_tx + wire::wire_bytes(len)));
    if (k > 0) {
      EXPECT_EQ(wire::int_delta(h.tx_bytes, prev_tx), wire::wire_bytes(len) + big_wire);
      EXPECT_EQ(wire::int_delta(h.ts_ns, prev_ts), 1000u);
      wrapped_tx |= h.tx_bytes < prev_tx;
      wrapped_ts |= h.ts_ns < prev_ts;
    }
    true_tx += wire::wire_bytes(len) + big_wire;
    prev_tx = h.tx_bytes;
    prev_ts = h.ts_ns;
    now += 1000;
  }
  EXPECT_TRUE(wrapped_tx);
  EXPECT_TRUE(wrapped_ts);
  EXPECT_GT(port.counters.tx_wire_bytes, 1ull << 32);  // the 64-bit counter does not wrap
}

TEST(Port, UnpacedPortIgnoresLinkTiming) {
  SwitchConfig cfg = testing::simple_config(2);
  cfg.ports[1].paced = false;
  Switch s(cfg);
  s.add_route(wire::node_ip(1), {1});
  testing::FramePool pool;
  for (int i = 0; i < 3; ++i) {
    const Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
    ASSERT_EQ(s.receive(0, 0, pool[h], h), RxResult::kEnqueued);
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(s.next_departure(1), 0);
    const auto d = s.dequeue(1, 50);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->done, 50);
  }
}

TEST(Port, RingGrowsAndKeepsOrder) {
  PacketRing r;
  for (Handle i = 0; i < 1000; ++i) {
    r.push(QueuedPacket{i, nullptr, 1, 0, false, PfcPool::kNone});
    if (i % 3 == 0) {
      static Handle expect = 0;
      EXPECT_EQ(r.pop().handle, expect++);
    }
  }
  Handle last = r.front().handle;
  while (!r.empty()) {
    const Handle h = r.pop().handle;
    EXPECT_EQ(h, last);
    last = h + 1;
  }
}

}  // namespace
}  // namespace ptcp::sw
