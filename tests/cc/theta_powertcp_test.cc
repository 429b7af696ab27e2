// theta-PowerTCP: RTT-gradient power, smoothing per sample, window once per RTT (reference 3).
#include "cc/theta_powertcp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

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

// The reference's clock (gradient over ACK arrival intervals): the per-sample math.
TEST(ThetaPowerTcp, GradientMathAndOneUpdatePerRtt) {
  ThetaPowerTcp cc(test::context(25, kTau), 0.9, kBeta, GradientClock::kAckArrival);
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
  // Passing 80000 updates again, from the current Gamma_s. Its samples are of packets sent
  // before the last update, under the first window (kMaxCwnd): that is cwnd_old.
  const double g3 = cc.congestion_signal();
  cc.on_ack(ack(9'000, 80'001, 90'000, nullptr, 40'000));  // dt = 0: no new gradient
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), g3);
  const double w2 = 0.9 * (kMaxCwnd / g3 + kBeta) + 0.1 * w;
  EXPECT_NEAR(cc.cwnd_bytes(), w2, 1e-9);
  // The next update's cwnd_old is w, the window set at the first update.
  cc.on_ack(ack(12'000, 90'001, 95'000, nullptr, 40'000));
  const double g4 = cc.congestion_signal();
  EXPECT_NEAR(cc.cwnd_bytes(), 0.9 * (w / g4 + kBeta) + 0.1 * w2, 1e-9);
}

// reference_window = 0 (kLastSet): cwnd_old is the window set at the last update.
TEST(ThetaPowerTcp, LastSetReferenceWindowUsesTheCurrentWindow) {
  ThetaPowerTcp cc(test::context(25, kTau), 0.9, kBeta, GradientClock::kAckArrival,
                   ReferenceWindow::kLastSet);
  cc.on_ack(ack(0, 1'000, 50'000, nullptr, 20'000));
  cc.on_ack(ack(2'000, 50'001, 80'000, nullptr, 30'000));  // gradient 5: power 9
  const double w = cc.cwnd_bytes();
  EXPECT_LT(w, kMaxCwnd);
  cc.on_ack(ack(4'000, 80'001, 90'000, nullptr, 30'000));
  const double g = cc.congestion_signal();
  EXPECT_NEAR(cc.cwnd_bytes(), 0.9 * (w / g + kBeta) + 0.1 * w, 1e-9);
}

// The send clock's gradient from ACK times and RTTs: the departures are now - rtt.
TEST(ThetaPowerTcp, SendClockGradientMath) {
  ThetaPowerTcp cc(test::context(25, kTau), 0.9, kBeta);  // defaults: send clock, measured
  EXPECT_EQ(cc.gradient_clock(), GradientClock::kSendTime);
  cc.on_ack(ack(20'000, 1'000, 50'000, nullptr, 20'000));  // sent at 0
  // Sent 1 us later, RTT 3 us longer: ACK 4 us later. Gradient 3 on the send clock (0.75 on
  // the ACK clock); power (1+3)*23/20 = 4.6, weighted by the ACK interval (4 us).
  cc.on_ack(ack(24'000, 2'000, 50'000, nullptr, 23'000));
  EXPECT_NEAR(cc.congestion_signal(), (1.0 * 16'000 + 4.6 * 4'000) / 20'000, 1e-12);
  // A sample whose packet left before the previous one's (a retransmission) is skipped.
  const double g = cc.congestion_signal();
  cc.on_ack(ack(25'000, 3'000, 50'000, nullptr, 24'500));  // sent at 500 < 1000
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), g);
}

TEST(ThetaPowerTcp, NegativeFactorClampsToTheFloor) {
  ThetaPowerTcp cc(test::context(25, kTau), 0.9, kBeta, GradientClock::kAckArrival);
  cc.on_ack(ack(0, 1'000, 50'000, nullptr, 60'000));
  // RTT fell 40 us in 20 us: gradient -2, factor clamped at 0, power floored at 0.01; dT = tau.
  cc.on_ack(ack(20'000, 2'000, 50'000, nullptr, 20'000));
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), 0.01);
}

// One packet every 1 us of send time into a queue whose delay changes at slope g per unit of
// time (g = lambda/b - 1) for 40 tau: the packet sent at s has RTT rtt0 + g*s, its ACK arrives
// at s + rtt. snd_una never passes snd_nxt: no window update, only Gamma_s moves.
constexpr double kRtt0 = 2'000'000;  // 100 tau of queue: large against the RTT's change per tau
constexpr TimeNs kRamp = 40 * kTau;

double power_after_a_ramp(GradientClock clock, double g) {
  ThetaPowerTcp cc(test::context(25, kTau), 0.9, kBeta, clock);
  for (TimeNs s = 0; s <= kRamp; s += 1'000) {
    const auto rtt = static_cast<TimeNs>(kRtt0 + g * static_cast<double>(s));
    cc.on_ack(ack(s + rtt, 1'000, 1'000'000, nullptr, rtt));
  }
  return cc.congestion_signal();
}

TEST(ThetaPowerTcp, SendClockMeasuresTheQueueSlopeAckClockStretchesIt) {
  for (const double g : {9.0, 1.0, -0.3, -0.5, -0.7}) {
    const double rtt_last = kRtt0 + g * static_cast<double>(kRamp);
    const double send = power_after_a_ramp(GradientClock::kSendTime, g);
    const double ackc = power_after_a_ramp(GradientClock::kAckArrival, g);
    // Gamma_s is an exponential average with time constant tau of ACK time (either clock): on
    // a ramp it equals factor*rtt/tau of the sample one tau of ACK time back, tau/(1+g) of send
    // time (the arrivals are stretched by 1 + g).
    const double rtt_lagged = rtt_last - g * kTau / (1 + g);
    // Send clock: the factor is 1 + g = lambda/b, the arrival rate over the link rate.
    const double send_expected = (1 + g) * rtt_lagged / kTau;
    EXPECT_NEAR(send, send_expected, 0.01 * send_expected) << "g " << g;
    // ACK clock: the factor is 1 + g/(1+g) = 2 - b/lambda: at most 2 for any growth (g = 9
    // reads 1.9, not 10), and at or below 0 (clamped, power floored) once lambda <= b/2.
    const double f = 1 + g / (1 + g);
    if (f <= 0) {
      EXPECT_LT(ackc, 0.0101) << "g " << g;
    } else {
      const double ack_expected = f * rtt_lagged / kTau;
      EXPECT_NEAR(ackc, ack_expected, 0.01 * ack_expected) << "g " << g;
    }
    std::printf("queue slope g %+.1f (lambda/b %.1f): Gamma_s send clock %.3f, ACK clock %.3f\n",
                g, 1 + g, send, ackc);
  }
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
