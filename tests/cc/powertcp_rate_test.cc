// powertcp-rate: the authors' simulator variant (reference section 4).
#include "cc/powertcp_rate.h"

#include <gtest/gtest.h>

#include "cc/registry.h"
#include "cc_test_util.h"

namespace ptcp::cc {
namespace {

using test::ack;
using test::hop;
using test::stack;

constexpr TimeNs kTau = 20'000;
constexpr double kTauS = 20e-6;
constexpr double kLine = 25e9 / 8;  // bytes/s
constexpr double kAi = 150e6 / 8;

std::unique_ptr<CongestionControl> make(const ParamValues& given) {
  const Algorithm* a = Registry::global().find("powertcp-rate");
  EXPECT_NE(a, nullptr);
  ParamValues p;
  EXPECT_FALSE(resolve_params(*a, given, p).has_value());
  return a->make(test::context(25, kTau), p);
}

TEST(PowerTcpRate, IntUpdateFromTheReferenceRate) {
  auto cc = make({});
  const wire::IntStack s1 = stack({hop(10'000, 1'000, 1'000, 10'000)});
  cc->on_ack(ack(0, 1'000, 50'000, &s1));
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), kLine) << "first ACK only stores";
  // 4 us: queue +6000, 5000 bytes sent: lambda = 1.5e9 + 1.25e9 bytes/s.
  const wire::IntStack s2 = stack({hop(16'000, 6'000, 5'000, 10'000)});
  cc->on_ack(ack(4'000, 2'000, 51'000, &s2));
  const double b = 1.25e9;
  const double u = 2.75e9 * (16'000 + b * kTauS) / (b * b * kTauS);
  const double us = (1.0 * 16'000 + u * 4'000) / 20'000;
  EXPECT_NEAR(cc->congestion_signal(), us, 1e-12);
  const double r = 0.9 * (kLine / (us / 0.95) + kAi) + 0.1 * kLine;
  EXPECT_NEAR(cc->pacing_rate(), r, 1e-3);
  EXPECT_NEAR(cc->cwnd_bytes(), r * kTauS, 1e-6);
  // Same RTT, same signal again: computed from the same reference rate (line rate), so the
  // rate does not compound even though Gamma_s moved.
  const wire::IntStack s3 = stack({hop(16'000, 6'000 + 5'000, 9'000, 10'000)});
  cc->on_ack(ack(8'000, 3'000, 52'000, &s3));
  const double u3 = 1.25e9 * (16'000 + b * kTauS) / (b * b * kTauS);
  const double us3 = (us * 16'000 + u3 * 4'000) / 20'000;
  EXPECT_NEAR(cc->pacing_rate(), 0.9 * (kLine / (us3 / 0.95) + kAi) + 0.1 * kLine, 1e-3);
  // Passing snd_nxt = 50000: the reference rate becomes the new rate.
  const wire::IntStack s4 = stack({hop(16'000, 11'000 + 5'000, 13'000, 10'000)});
  cc->on_ack(ack(12'000, 50'001, 60'000, &s4));
  auto& pr = dynamic_cast<PowerTcpRate&>(*cc);
  EXPECT_DOUBLE_EQ(pr.reference_rate(), cc->pacing_rate());
  EXPECT_LT(pr.reference_rate(), kLine);
}

TEST(PowerTcpRate, ArrivalRateFlooredAtHalfTheLink) {
  auto cc = make({});
  const wire::IntStack s1 = stack({hop(0, 0, 0, 10'000)});
  const wire::IntStack s2 = stack({hop(0, 0, 20'000, 10'000)});  // idle link, dt = tau
  cc->on_ack(ack(0, 1'000, 50'000, &s1));
  cc->on_ack(ack(1, 2'000, 50'000, &s2));
  EXPECT_NEAR(cc->congestion_signal(), 0.5, 1e-12);  // 0.5*b * b*tau / (b^2 tau)
}

TEST(PowerTcpRate, DelayVariantAndRateBounds) {
  auto cc = make({{"delay_based", 1}});
  cc->on_ack(ack(0, 1'000, 50'000, nullptr, 40'000));
  // RTT fell 19 us in 20 us: factor 0.05 floored at 0.5; power 0.5 * 21000 / (1.05 * 20000)
  // = 0.5; dT = tau.
  cc->on_ack(ack(20'000, 2'000, 50'000, nullptr, 21'000));
  EXPECT_NEAR(cc->congestion_signal(), 0.5, 1e-12);
  // 0.7*(line/0.5 + ai) + 0.3*line exceeds the line rate: clamped.
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), kLine);
  // A huge RTT and no additive increase: the rate falls to its floor, 100 Mb/s.
  auto slow = make({{"delay_based", 1}, {"ai_rate", 0}});
  slow->on_ack(ack(0, 1'000, 2'000, nullptr, 20'000));
  std::uint64_t una = 1'000;
  for (int i = 1; i < 100; ++i) {
    una += 2'000;
    slow->on_ack(ack(i * kTau, una, una + 1'000, nullptr, 20'000'000));
  }
  EXPECT_DOUBLE_EQ(slow->pacing_rate(), 100e6 / 8);
  EXPECT_DOUBLE_EQ(slow->cwnd_bytes(), 100e6 / 8 * kTauS);
}

TEST(PowerTcpRate, DelayVariantGammaIsPointSeven) {
  auto cc = make({{"delay_based", 1}});
  cc->on_ack(ack(0, 1'000, 50'000, nullptr, 20'000));
  // gradient +1: factor 2, power 2 * 40000 / (1.05 * 20000), dT = tau -> u = power.
  cc->on_ack(ack(20'000, 2'000, 50'000, nullptr, 40'000));
  const double u = 2.0 * 40'000 / 21'000;
  EXPECT_NEAR(cc->congestion_signal(), u, 1e-12);
  EXPECT_NEAR(cc->pacing_rate(), 0.7 * (kLine / u + kAi) + 0.3 * kLine, 1e-3);
}

}  // namespace
}  // namespace ptcp::cc
