// TIMELY's regions (below t_low, above t_high, gradient), HAI and completion events.
#include "cc/timely.h"

#include <gtest/gtest.h>

#include "cc/registry.h"
#include "cc_test_util.h"

namespace ptcp::cc {
namespace {

using test::ack;

constexpr double kLine = 25e9 / 8;
constexpr double kDelta = 10e6 / 8;
constexpr TimeNs kUs = 1'000;

std::unique_ptr<Timely> make(const ParamValues& given) {
  const Algorithm* a = Registry::global().find("timely");
  EXPECT_NE(a, nullptr);
  ParamValues p;
  EXPECT_FALSE(resolve_params(*a, given, p).has_value());
  auto cc = a->make(test::context(25, 20 * kUs), p);
  return std::unique_ptr<Timely>(dynamic_cast<Timely*>(cc.release()));
}

// Feeds one completion event per call (segment_bytes = 0: every ACK).
struct Driver {
  Timely& cc;
  std::uint64_t una = 0;
  void rtt(TimeNs r) {
    una += 1'000;
    cc.on_ack(ack(static_cast<TimeNs>(una), una, una + 10'000, nullptr, r));
  }
};

TEST(Timely, RegionsAndHyperactiveIncrease) {
  auto cc = make({{"segment_bytes", 0}, {"min_rtt", 20e3}});
  Driver d{*cc};
  d.rtt(100 * kUs);  // first sample: stored
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), kLine);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kUnlimitedCwnd);

  d.rtt(1'000 * kUs);  // above t_high: rate *= 1 - 0.8*(1 - 500/1000) = 0.6
  double rate = 0.6 * kLine;
  double rd = 0.875 * 900'000.0;  // the EWMA weights the new difference by 0.875
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), rate);
  EXPECT_DOUBLE_EQ(cc->rtt_diff(), rd);

  d.rtt(30 * kUs);  // below t_low: += delta, whatever the gradient
  rate += kDelta;
  rd = 0.125 * rd + 0.875 * (30'000.0 - 1'000'000.0);
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), rate);
  EXPECT_DOUBLE_EQ(cc->rtt_diff(), rd);

  // Between the thresholds with a non-positive gradient: += delta for five events...
  const TimeNs rtts[] = {110 * kUs, 100 * kUs, 100 * kUs, 100 * kUs, 100 * kUs};
  TimeNs prev = 30 * kUs;
  for (TimeNs r : rtts) {
    d.rtt(r);
    rd = 0.125 * rd + 0.875 * static_cast<double>(r - prev);
    prev = r;
    ASSERT_LE(rd, 0);
    rate += kDelta;
    EXPECT_NEAR(cc->pacing_rate(), rate, 1e-3);
  }
  // ...then hyperactive increase, 5 * delta.
  d.rtt(100 * kUs);
  rd = 0.125 * rd;
  rate += 5 * kDelta;
  EXPECT_NEAR(cc->pacing_rate(), rate, 1e-3);

  // Positive gradient: rate *= 1 - beta * rtt_diff / min_rtt.
  d.rtt(104 * kUs);
  rd = 0.125 * rd + 0.875 * 4'000.0;
  const double grad = rd / 20'000.0;
  ASSERT_GT(grad, 0);
  rate *= 1 - 0.8 * grad;
  EXPECT_NEAR(cc->congestion_signal(), grad, 1e-12);
  EXPECT_NEAR(cc->pacing_rate(), rate, 1e-3);

  // A decrease resets the HAI count: the next non-positive gradient adds only delta.
  d.rtt(90 * kUs);
  ASSERT_LE(cc->rtt_diff(), 0);
  EXPECT_NEAR(cc->pacing_rate(), rate + kDelta, 1e-3);
}

TEST(Timely, CompletionEventsEverySegment) {
  auto cc = make({{"segment_bytes", 16'000}});
  cc->on_ack(ack(0, 1'000, 2'000, nullptr, 100 * kUs));
  // 15 ACKs of 1000 bytes with a huge RTT: not yet a completion event.
  for (std::uint64_t k = 2; k <= 16; ++k) cc->on_ack(ack(1, k * 1'000, 2'000, nullptr, 900 * kUs));
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), kLine);
  cc->on_ack(ack(2, 17'000, 20'000, nullptr, 900 * kUs));  // 16000 bytes since the first
  EXPECT_LT(cc->pacing_rate(), kLine);
}

TEST(Timely, MinRateAndDefaultMinRtt) {
  auto cc = make({{"segment_bytes", 0}});
  Driver d{*cc};
  d.rtt(100 * kUs);
  d.rtt(400 * kUs);  // gradient (0.875*300us)/tau(20us) = 13: factor < 0 -> 0 -> min rate
  EXPECT_NEAR(cc->congestion_signal(), 0.875 * 300'000 / 20'000, 1e-12);
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), 100e6 / 8);
}

}  // namespace
}  // namespace ptcp::cc
