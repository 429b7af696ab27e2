// The documentation example: +1 packet (wire bytes) per RTT, cut once per window on ECN or loss.
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

// cwnd counts wire bytes and ACKs count payload bytes (cc.h): one RTT of ACKs acknowledges
// cwnd * mss / packet_bytes payload bytes, and together they add one packet_bytes to the window.
TEST(Aimd, AddsOneWirePacketPerRtt) {
  auto cc = make({});
  const double mss = 1'000, packet = 1'048;  // test::context: packet_bytes = mss + 48
  const auto acks = static_cast<std::uint64_t>(kInit * mss / packet / mss + 0.5);  // one RTT
  double w = kInit;
  for (std::uint64_t k = 1; k <= acks; ++k) {
    cc->on_ack(ack(1, k * 1'000, 70'000));
    w += packet * (mss * packet / mss) / w;
  }
  EXPECT_NEAR(cc->cwnd_bytes(), w, 1e-6);
  EXPECT_NEAR(cc->cwnd_bytes() - kInit, packet, 10) << "one wire packet per RTT, not one MSS";
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
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), 1'048.0) << "one packet in wire bytes";
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
