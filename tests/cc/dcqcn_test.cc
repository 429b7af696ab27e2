// DCQCN reaction point: cuts by alpha/2, alpha decay, recovery stages, timers as functions of now.
#include "cc/dcqcn.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cc/registry.h"
#include "cc_test_util.h"

namespace ptcp::cc {
namespace {

constexpr double kLine = 25e9 / 8;
constexpr double kG = 1.0 / 256;
constexpr double kRai = 40e6 / 8, kRhai = 100e6 / 8;
constexpr TimeNs kUs = 1'000;

std::unique_ptr<Dcqcn> make(const ParamValues& given) {
  const Algorithm* a = Registry::global().find("dcqcn");
  EXPECT_NE(a, nullptr);
  ParamValues p;
  EXPECT_FALSE(resolve_params(*a, given, p).has_value());
  auto cc = a->make(test::context(25, 20'000), p);
  return std::unique_ptr<Dcqcn>(dynamic_cast<Dcqcn*>(cc.release()));
}

TEST(Dcqcn, StartsAtLineRateWithUnlimitedWindowAndNoTimers) {
  auto cc = make({});
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), kLine);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kUnlimitedCwnd);
  EXPECT_EQ(cc->next_timer(), kNever);
  cc->on_ack(test::ack(1, 1'000, 2'000, nullptr, 10'000, true));  // ACKs do nothing
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), kLine);
}

TEST(Dcqcn, CnpCutsByAlphaOverTwoAndAlphaDecaysPerInterval) {
  auto cc = make({});
  const TimeNs t0 = 1'000'000;
  cc->on_cnp(t0);  // alpha starts at 1: the rate halves, alpha stays (1-g)*1 + g = 1
  EXPECT_DOUBLE_EQ(cc->current_rate(), kLine / 2);
  EXPECT_DOUBLE_EQ(cc->target_rate(), kLine);
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), kLine / 2);
  EXPECT_DOUBLE_EQ(cc->alpha_at(t0), 1.0);
  EXPECT_DOUBLE_EQ(cc->alpha_at(t0 + 54 * kUs), 1.0);
  EXPECT_DOUBLE_EQ(cc->alpha_at(t0 + 55 * kUs), 1.0 - kG);
  EXPECT_DOUBLE_EQ(cc->alpha_at(t0 + 3 * 55 * kUs + 7), std::pow(1.0 - kG, 3));
  EXPECT_EQ(cc->next_timer(), t0 + 55 * kUs) << "the rate-increase timer";
  // A CNP 300 us later: alpha has decayed 5 periods; cut with it, then bump it.
  const TimeNs t1 = t0 + 300 * kUs;
  cc->on_timer(t1);  // the backend runs the due timers first
  const double rc = cc->current_rate();
  cc->on_cnp(t1);
  const double a = std::pow(1.0 - kG, 5);
  EXPECT_DOUBLE_EQ(cc->current_rate(), rc * (1 - a / 2));
  EXPECT_DOUBLE_EQ(cc->target_rate(), rc);
  EXPECT_DOUBLE_EQ(cc->alpha_at(t1), (1 - kG) * a + kG);
}

TEST(Dcqcn, AtMostOneCutPerDecreaseInterval) {
  auto cc = make({});
  cc->on_cnp(0);
  const double after_first = cc->current_rate();
  cc->on_cnp(10 * kUs);  // inside 50 us: deferred
  EXPECT_DOUBLE_EQ(cc->current_rate(), after_first);
  EXPECT_EQ(cc->next_timer(), 50 * kUs);
  cc->on_timer(49 * kUs);
  EXPECT_DOUBLE_EQ(cc->current_rate(), after_first);
  cc->on_timer(50 * kUs);
  EXPECT_DOUBLE_EQ(cc->current_rate(), after_first / 2) << "alpha still 1 at 50 us";
  EXPECT_EQ(cc->next_timer(), 105 * kUs) << "increase timer restarted by the cut";
}

TEST(Dcqcn, RecoveryStagesFastAdditiveHyper) {
  auto cc = make({{"byte_counter", 0}});  // timer-driven only
  cc->on_cnp(0);                          // rc = R/2, rt = R
  cc->on_timer(55 * kUs);                 // one fast-recovery step: rc = 3R/4
  EXPECT_DOUBLE_EQ(cc->current_rate(), 0.75 * kLine);
  cc->on_cnp(60 * kUs);  // alpha decayed 1 period: rt = 3R/4, rc = 3R/4 * (1 - (1-g)/2)
  const double a = 1.0 - kG;
  double rt = 0.75 * kLine;
  double rc = rt * (1 - a / 2);
  ASSERT_DOUBLE_EQ(cc->current_rate(), rc);
  TimeNs t = 60 * kUs;
  for (int i = 0; i < 5; ++i) {  // fast recovery: rt unchanged
    t += 55 * kUs;
    EXPECT_EQ(cc->next_timer(), t);
    cc->on_timer(t);
    rc = (rt + rc) / 2;
    EXPECT_DOUBLE_EQ(cc->target_rate(), rt);
    EXPECT_NEAR(cc->current_rate(), rc, 1e-3) << "fast recovery step " << i;
  }
  t += 55 * kUs;  // event 6: additive increase
  cc->on_timer(t);
  rt += kRai;
  rc = (rt + rc) / 2;
  EXPECT_NEAR(cc->target_rate(), rt, 1e-3);
  EXPECT_NEAR(cc->current_rate(), rc, 1e-3);
  for (int i = 1; i <= 2; ++i) {  // then hyper increase: rt += i * R_HAI
    t += 55 * kUs;
    cc->on_timer(t);
    rt += i * kRhai;
    rc = (rt + rc) / 2;
    EXPECT_NEAR(cc->target_rate(), rt, 1e-3);
    EXPECT_NEAR(cc->current_rate(), rc, 1e-3);
  }
}

TEST(Dcqcn, LateTimerCallGivesTheSameResultAsPunctualCalls) {
  auto punctual = make({{"byte_counter", 0}});
  auto late = make({{"byte_counter", 0}});
  punctual->on_cnp(0);
  late->on_cnp(0);
  for (TimeNs t = 55 * kUs; t <= 20 * 55 * kUs; t += 55 * kUs) punctual->on_timer(t);
  late->on_timer(20 * 55 * kUs + 3);
  EXPECT_DOUBLE_EQ(late->current_rate(), punctual->current_rate());
  EXPECT_DOUBLE_EQ(late->target_rate(), punctual->target_rate());
  EXPECT_EQ(late->next_timer(), punctual->next_timer());
}

TEST(Dcqcn, ByteCounterDrivesIncreaseEvents) {
  auto cc = make({{"byte_counter", 10'000}, {"increase_interval", 1e9}});
  cc->on_cnp(0);
  for (int i = 0; i < 9; ++i) cc->on_send(kUs, 0, 1'000);
  EXPECT_DOUBLE_EQ(cc->current_rate(), kLine / 2);
  cc->on_send(kUs, 0, 1'000);  // 10000 bytes: one fast-recovery event
  EXPECT_DOUBLE_EQ(cc->current_rate(), 0.75 * kLine);
}

TEST(Dcqcn, RecoversToLineRateAndStopsTimersAndHonoursMinRate) {
  auto cc = make({{"byte_counter", 0}});
  cc->on_cnp(0);
  TimeNs t = 0;
  while (cc->next_timer() != kNever && t < 1'000'000'000) {
    t = cc->next_timer();
    cc->on_timer(t);
  }
  EXPECT_DOUBLE_EQ(cc->current_rate(), kLine);
  EXPECT_EQ(cc->next_timer(), kNever);
  auto low = make({});
  for (int i = 0; i < 100; ++i) low->on_cnp(i * 50 * kUs);
  EXPECT_DOUBLE_EQ(low->current_rate(), 100e6 / 8);
}

}  // namespace
}  // namespace ptcp::cc
