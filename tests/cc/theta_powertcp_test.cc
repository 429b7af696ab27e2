// theta-PowerTCP: RTT-gradient power, smoothing per sample, window once per RTT (reference 3).
#include "cc/theta_powertcp.h"

#include <gtest/gtest.h>

#include "cc_test_util.h"

namespace ptcp::cc {
namespace {

using test::ack;

constexpr TimeNs kTau = 20'000;
constexpr double kTauS = 20e-6;
constexpr double kMaxCwnd = 25e9 / 8 * kTauS;  // 62'500
constexpr double kBeta = 375;

TEST(ThetaPowerTcp, FirstSampleOnlyStores) {
  ThetaPowerTcp cc(test::context(25, kTau), 0.9, kBeta);
  cc.on_ack(ack(0, 1'000, 50'000, nullptr, 90'000));
  EXPECT_DOUBLE_EQ(cc.cwnd_bytes(), kMaxCwnd);
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), 1.0);
  // ACKs without an RTT sample are ignored entirely.
  cc.on_ack(ack(10, 60'000, 70'000));
  EXPECT_DOUBLE_EQ(cc.cwnd_bytes(), kMaxCwnd);
}

TEST(ThetaPowerTcp, GradientMathAndOneUpdatePerRtt) {
  ThetaPowerTcp cc(test::context(25, kTau), 0.9, kBeta);
  cc.on_ack(ack(0, 1'000, 50'000, nullptr, 20'000));
  // 2 us later the RTT grew by 2 us: gradient 1, power (1+1)*22/20 = 2.2, dT = 2 us.
  cc.on_ack(ack(2'000, 2'000, 51'000, nullptr, 22'000));
  const double g1 = (1.0 * 18'000 + 2.2 * 2'000) / 20'000;
  EXPECT_NEAR(cc.congestion_signal(), g1, 1e-12);
  EXPECT_DOUBLE_EQ(cc.cwnd_bytes(), kMaxCwnd) << "within the first RTT: no window update";
  // 3 us later the RTT fell by 1 us: gradient -1/3, power (2/3)*21/20 = 0.7. This ACK passes
  // snd_nxt = 50000 recorded at the first sample: the window updates once.
  cc.on_ack(ack(5'000, 50'001, 80'000, nullptr, 21'000));
  const double g2 = (g1 * 17'000 + 0.7 * 3'000) / 20'000;
  EXPECT_NEAR(cc.congestion_signal(), g2, 1e-12);
  const double w = 0.9 * (kMaxCwnd / g2 + kBeta) + 0.1 * kMaxCwnd;
  EXPECT_NEAR(cc.cwnd_bytes(), w, 1e-9);
  EXPECT_NEAR(cc.pacing_rate(), w / kTauS, 1e-3);
  // More samples within this RTT move Gamma_s but not the window.
  cc.on_ack(ack(9'000, 60'000, 81'000, nullptr, 40'000));
  EXPECT_GT(cc.congestion_signal(), g2);
  EXPECT_NEAR(cc.cwnd_bytes(), w, 1e-9);
  // Passing 80000 updates again, from the current Gamma_s.
  const double g3 = cc.congestion_signal();
  cc.on_ack(ack(9'000, 80'001, 90'000, nullptr, 40'000));  // dt = 0: no new gradient
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), g3);
  EXPECT_NEAR(cc.cwnd_bytes(), 0.9 * (w / g3 + kBeta) + 0.1 * w, 1e-9);
}

TEST(ThetaPowerTcp, NegativeFactorClampsToTheFloor) {
  ThetaPowerTcp cc(test::context(25, kTau), 0.9, kBeta);
  cc.on_ack(ack(0, 1'000, 50'000, nullptr, 60'000));
  // RTT fell 40 us in 20 us: gradient -2, factor clamped at 0, power floored at 0.01; dT = tau.
  cc.on_ack(ack(20'000, 2'000, 50'000, nullptr, 20'000));
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), 0.01);
}

TEST(ThetaPowerTcp, CapAndFloor) {
  ThetaPowerTcp cc(test::context(25, kTau), 0.9, 0.0);
  cc.on_ack(ack(0, 1'000, 2'000, nullptr, 20'000));
  // A standing RTT of 100 tau: power 100 per sample; many RTTs drive the window to one packet.
  TimeNs t = 0;
  std::uint64_t una = 1'000;
  for (int i = 0; i < 200; ++i) {
    t += kTau;
    una += 2'000;
    cc.on_ack(ack(t, una, una + 1'000, nullptr, 2'000'000));
  }
  EXPECT_DOUBLE_EQ(cc.cwnd_bytes(), 1'048.0);  // one packet: packet_bytes (wire bytes)
  // The RTT back at tau: power 1 (dT = tau), window grows back but never above HostBw*tau.
  ThetaPowerTcp up(test::context(25, kTau), 0.9, 5'000.0);
  up.on_ack(ack(0, 1'000, 2'000, nullptr, 20'000));
  t = 0;
  una = 1'000;
  for (int i = 0; i < 50; ++i) {
    t += kTau;
    una += 2'000;
    up.on_ack(ack(t, una, una + 1'000, nullptr, 20'000));
  }
  EXPECT_DOUBLE_EQ(up.cwnd_bytes(), kMaxCwnd);
}

}  // namespace
}  // namespace ptcp::cc
