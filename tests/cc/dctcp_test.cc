// DCTCP: alpha from the marked fraction of one window, one cut per window, AI, loss.
#include "cc/dctcp.h"

#include <gtest/gtest.h>

#include "cc/registry.h"
#include "cc_test_util.h"

namespace ptcp::cc {
namespace {

using test::ack;

constexpr TimeNs kTau = 20'000;
constexpr double kInit = 25e9 / 8 * 20e-6;  // 62'500

std::unique_ptr<Dctcp> make(const ParamValues& given) {
  const Algorithm* a = Registry::global().find("dctcp");
  EXPECT_NE(a, nullptr);
  ParamValues p;
  EXPECT_FALSE(resolve_params(*a, given, p).has_value());
  auto cc = a->make(test::context(25, kTau), p);
  return std::unique_ptr<Dctcp>(dynamic_cast<Dctcp*>(cc.release()));
}

TEST(Dctcp, AlphaAfterOneWindowWithAKnownMarkFraction) {
  auto cc = make({{"alpha_init", 0}});
  // Window: snd_nxt = 10000 at the first ACK; 11 ACKs of 1000 bytes close it, 3 marked.
  for (std::uint64_t k = 1; k <= 11; ++k) {
    const bool mark = k == 2 || k == 5 || k == 8;
    cc->on_ack(ack(static_cast<TimeNs>(k), k * 1'000, 10'000, nullptr, kNoRttSample, mark));
    if (k <= 10) {
      EXPECT_DOUBLE_EQ(cc->alpha(), 0.0) << "alpha changes once per window";
    }
  }
  EXPECT_DOUBLE_EQ(cc->alpha(), (1.0 / 16) * (3.0 / 11));
  // A second window (snd_nxt was 10000 at the close: the next one ends past it) all marked.
  const double a1 = cc->alpha();
  cc->on_ack(ack(20, 12'000, 30'000, nullptr, kNoRttSample, true));
  EXPECT_DOUBLE_EQ(cc->alpha(), (15.0 / 16) * a1 + 1.0 / 16) << "window closed at 10000";
}

TEST(Dctcp, CutByHalfAlphaOncePerWindow) {
  auto cc = make({});  // alpha starts at 1
  cc->on_ack(ack(1, 1'000, 50'000, nullptr, kNoRttSample, true));
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit * 0.5);
  cc->on_ack(ack(2, 2'000, 51'000, nullptr, kNoRttSample, true));
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit * 0.5) << "second mark of the same window";
  cc->on_ack(ack(3, 3'000, 52'000, nullptr, kNoRttSample, false));
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit * 0.5) << "no increase while in CWR";
  // After snd_una passes 50000 (snd_nxt at the cut), a mark cuts with the current alpha.
  cc->on_ack(ack(4, 50'001, 80'000, nullptr, kNoRttSample, true));
  const double a = cc->alpha();
  EXPECT_LT(a, 1.0);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit * 0.5 * (1 - a / 2));
}

// cwnd counts wire bytes and ACKs count payload bytes (cc.h): one RTT of ACKs acknowledges
// cwnd * mss / packet_bytes payload bytes, and together they add one packet_bytes to the window.
TEST(Dctcp, AdditiveIncreaseOfOneWirePacketPerRtt) {
  auto cc = make({});
  const double mss = 1'000, packet = 1'048;  // test::context: packet_bytes = mss + 48
  const int acks = static_cast<int>(kInit * mss / packet / mss + 0.5);  // one RTT: 60 ACKs
  double w = kInit;
  std::uint64_t una = 0;
  for (int i = 0; i < acks; ++i) {
    una += 1'000;
    cc->on_ack(ack(i, una, una + 62'500, nullptr, kTau));
    w += packet * (mss * packet / mss) / w;
  }
  EXPECT_NEAR(cc->cwnd_bytes(), w, 1e-6);
  EXPECT_NEAR(cc->cwnd_bytes() - kInit, packet, 10.0) << "one wire packet per RTT, not one MSS";
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), 25e9 / 8) << "cwnd/srtt, capped at the line rate";
}

TEST(Dctcp, LossAndTimeoutHalve) {
  auto cc = make({});
  LossEvent loss;
  loss.snd_una = 1'000;
  loss.snd_nxt = 40'000;
  cc->on_loss(loss);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit / 2);
  cc->on_loss(loss);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit / 2) << "once per window";
  cc->on_timeout(100);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kInit / 4);
  for (int i = 0; i < 40; ++i) cc->on_timeout(200 + i);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), 1'048.0) << "floor: one packet in wire bytes";
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), 1'048.0 / 20e-6);
}

TEST(Dctcp, PacingUsesSmoothedRtt) {
  auto cc = make({});
  cc->on_ack(ack(1, 1'000, 2'000, nullptr, 100'000, true));  // srtt = 100 us; cut to half
  EXPECT_DOUBLE_EQ(cc->pacing_rate(), kInit * 0.5 / 100e-6);
}

}  // namespace
}  // namespace ptcp::cc
