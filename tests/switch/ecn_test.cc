#include "switch/ecn.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "test_frames.h"

namespace ptcp::sw {
namespace {

const EcnThresholds k25g{100'000, 400'000, 0.2};

TEST(Ecn, PaperThresholdsPerRate) {
  const EcnThresholds a = paper_ecn_thresholds(gbps(25));
  EXPECT_EQ(a.kmin_bytes, 100'000u);
  EXPECT_EQ(a.kmax_bytes, 400'000u);
  EXPECT_DOUBLE_EQ(a.pmax, 0.2);
  const EcnThresholds b = paper_ecn_thresholds(gbps(100));
  EXPECT_EQ(b.kmin_bytes, 400'000u);
  EXPECT_EQ(b.kmax_bytes, 1'600'000u);
}

TEST(Ecn, ProbabilityCurve) {
  EXPECT_EQ(ecn_probability(k25g, 0), 0.0);
  EXPECT_EQ(ecn_probability(k25g, 100'000), 0.0);  // at Kmin
  EXPECT_NEAR(ecn_probability(k25g, 250'000), 0.1, 1e-12);
  EXPECT_NEAR(ecn_probability(k25g, 400'000), 0.2, 1e-12);  // at Kmax
  EXPECT_EQ(ecn_probability(k25g, 400'001), 1.0);
  const EcnThresholds step{1000, 1000, 0.5};  // kmin == kmax: a step
  EXPECT_EQ(ecn_probability(step, 1000), 0.0);
  EXPECT_EQ(ecn_probability(step, 1001), 1.0);
}

double empirical(EcnMarker& m, std::uint64_t q, int n) {
  int marks = 0;
  for (int i = 0; i < n; ++i) marks += m.should_mark(k25g, q);
  return static_cast<double>(marks) / n;
}

TEST(Ecn, EmpiricalMarkingRate) {
  EcnMarker m(42);
  const int n = 200'000;  // binomial sd at p=0.2 is 0.0009
  const double at_kmin = empirical(m, 100'000, n);
  const double below = empirical(m, 50'000, n);
  const double mid = empirical(m, 250'000, n);
  const double quarter = empirical(m, 175'000, n);
  const double at_kmax = empirical(m, 400'000, n);
  const double above = empirical(m, 500'000, n);
  std::printf("ECN marking: below %.4f at-Kmin %.4f 1/4 %.4f mid %.4f at-Kmax %.4f above %.4f\n",
              below, at_kmin, quarter, mid, at_kmax, above);
  EXPECT_EQ(below, 0.0);
  EXPECT_EQ(at_kmin, 0.0);
  EXPECT_NEAR(quarter, 0.05, 0.004);
  EXPECT_NEAR(mid, 0.10, 0.004);
  EXPECT_NEAR(at_kmax, 0.20, 0.004);
  EXPECT_EQ(above, 1.0);
}

TEST(Ecn, SameSeedSameMarks) {
  EcnMarker a(7), b(7), c(8);
  int same_ab = 0, same_ac = 0;
  for (int i = 0; i < 10'000; ++i) {
    const bool x = a.should_mark(k25g, 300'000);
    same_ab += x == b.should_mark(k25g, 300'000);
    same_ac += x == c.should_mark(k25g, 300'000);
  }
  EXPECT_EQ(same_ab, 10'000);
  EXPECT_LT(same_ac, 10'000);
}

// Through the switch: data packets are CE-marked by the egress queue length at enqueue; ACKs
// and non-ECT packets never are.
TEST(Ecn, SwitchMarksDataAtEnqueue) {
  SwitchConfig cfg = testing::simple_config(2);
  cfg.ecn_enabled = true;
  cfg.ports[1].ecn = EcnThresholds{5'000, 5'000, 1.0};  // step: mark once more than 5 KB wait
  Switch s(cfg);
  s.add_route(wire::node_ip(1), {1});
  testing::FramePool pool;
  for (int i = 0; i < 10; ++i) {
    const Handle h = pool.add(testing::make_frame({.src_node = 0, .dst_node = 1}));
    ASSERT_EQ(s.receive(0, 0, pool[h], h), RxResult::kEnqueued);
  }
  const Handle not_ect =
      pool.add(testing::make_frame({.src_node = 0, .dst_node = 1, .ecn = wire::kEcnNotEct}));
  ASSERT_EQ(s.receive(0, 0, pool[not_ect], not_ect), RxResult::kEnqueued);
  const Handle ack = pool.add(testing::make_frame(
      {.src_node = 0, .dst_node = 1, .type = wire::PacketType::kAck, .ecn = wire::kEcnEct0}));
  ASSERT_EQ(s.receive(0, 0, pool[ack], ack), RxResult::kEnqueued);
  // A frame is 1162 bytes: the first 5 see at most 4648 queued bytes, the next 5 are marked.
  for (Handle h = 0; h < 10; ++h) {
    const wire::ParsedFrame p = testing::parse(pool[h]);
    EXPECT_EQ(p.ecn, h < 5 ? wire::kEcnEct0 : wire::kEcnCe) << h;
  }
  EXPECT_EQ(testing::parse(pool[not_ect]).ecn, wire::kEcnNotEct);
  EXPECT_EQ(testing::parse(pool[ack]).ecn, wire::kEcnEct0);
  EXPECT_EQ(s.port_counters(1).marked, 5u);
}

}  // namespace
}  // namespace ptcp::sw
