// The documentation example: +1 MSS per RTT, cut once per window on ECN or loss.
#include "cc/aimd.h"

#include <gtest/gtest.h>

#include "cc/registry.h"
#include "cc_test_util.h"

namespace ptcp::cc {
namespace {

using test::ack;

constexpr double kInit = 25e9 / 8 * 20e-6;  // 62'500 bytes: HostBw * tau

std::unique_ptr<CongestionControl> make(const ParamValues& given) {
  const Algorithm* a = Registry::global().find("aimd");
  EXPECT_NE(a, nullptr);
  ParamValues p;
  EXPECT_FALSE(resolve_params(*a, given, p).has_value());
  return a->make(test::context(25, 20'000), p);
}

TEST(Aimd, AddsOneMssPerWindowOfAcks) {
  auto cc = make({});
  double w = kInit;
  for (std::uint64_t k = 1; k <= 62; ++k) {
    cc->on_ack(ack(1, k * 1'000, 70'000));
    w += 1'000.0 * 1'000.0 / w;
  }
  EXPECT_NEAR(cc->cwnd_bytes(), w, 1e-6);
  EXPECT_NEAR(cc->cwnd_bytes(), kInit + 1'000, 20);
}

TEST(Aimd, CutsOncePerWindowOnEcnAndLoss) {
  auto cc = make({{"decrease", 0.8}});
  cc->on_ack(ack(1, 1'000, 50'000, nullptr, kNoRttSample, true));
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit * 0.8);
  cc->on_ack(ack(2, 2'000, 51'000, nullptr, kNoRttSample, true));
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit * 0.8) << "same window";
  LossEvent loss{3, 3'000, 52'000};
  cc->on_loss(loss);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit * 0.8) << "same window";
  loss.snd_una = 50'001;
  cc->on_loss(loss);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit * 0.64);
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), kInit * 0.64 / 20e-6);
  cc->on_timeout(10);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), 1'000.0);
}

TEST(Aimd, RejectsAnOutOfRangeDecrease) {
  const Algorithm* a = Registry::global().find("aimd");
  ParamValues p;
  const auto err = resolve_params(*a, {{"decrease", 1.5}}, p);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("decrease"), std::string::npos);
}

}  // namespace
}  // namespace ptcp::cc
