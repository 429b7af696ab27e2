// PowerTCP's law on hand-made INT sequences (reference sections 1, 2, 5).
#include "cc/powertcp.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cc/registry.h"
#include "cc_test_util.h"

namespace ptcp::cc {
namespace {

using test::ack;
using test::hop;
using test::stack;

constexpr TimeNs kTau = 20'000;            // 20 us
constexpr double kTauS = 20e-6;
constexpr double kHostBps = 25e9 / 8;      // 25 Gb/s in bytes/s
constexpr double kMaxCwnd = kHostBps * kTauS;  // 62'500 bytes
constexpr double kBetaDefault = 150e6 / 8 * kTauS;  // 375 bytes

// A 10G bottleneck hop whose counters advance by the given amounts.
struct Bottleneck {
  std::uint32_t qlen = 0, tx = 0, ts = 0;
  std::uint32_t rate_mbps = 10'000;
  wire::IntHop advance(std::uint32_t new_qlen, std::uint32_t dtx, std::uint32_t dts) {
    qlen = new_qlen;
    tx += dtx;
    ts += dts;
    return hop(qlen, tx, ts, rate_mbps);
  }
};

// normalized power of one hop, written from the paper's formula (bytes, seconds)
double norm_power(double qlen, double qlen_prev, double dtx, double dt_s, double b) {
  const double lambda = (qlen - qlen_prev) / dt_s + dtx / dt_s;
  return lambda * (qlen + b * kTauS) / (b * b * kTauS);
}

TEST(PowerTcp, StartsAtLineRateWithUnitPower) {
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  EXPECT_DOUBLE_EQ(cc.cwnd_bytes(), kMaxCwnd);
  EXPECT_DOUBLE_EQ(cc.pacing_rate(), kHostBps);
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), 1.0);
}

TEST(PowerTcp, FirstAckOnlyStoresItsRecord) {
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  // A heavily congested record: were it used, the window would drop.
  const wire::IntStack s = stack({hop(500'000, 123'456, 1'000'000, 10'000)});
  cc.on_ack(ack(1'000, 1'000, 40'000, &s));
  EXPECT_DOUBLE_EQ(cc.cwnd_bytes(), kMaxCwnd);
  EXPECT_DOUBLE_EQ(cc.pacing_rate(), kHostBps);
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), 1.0);
}

// Two hops: 100G with no queue, 10G with a growing queue. Returns the resulting object.
struct TwoHopCase {
  std::uint32_t tx0_prev, tx1_prev, ts_prev;
};

void run_two_hop(PowerTcp& cc, const TwoHopCase& c) {
  const wire::IntStack s1 = stack({hop(0, c.tx0_prev, c.ts_prev, 100'000),
                                   hop(20'000, c.tx1_prev, c.ts_prev + 700, 10'000)});
  cc.on_ack(ack(10'000, 1'000, 60'000, &s1));
  // 4 us later: hop 0 sent 8000 bytes, hop 1 sent 5000 bytes and its queue grew by 6000.
  const wire::IntStack s2 = stack({hop(0, c.tx0_prev + 8'000u, c.ts_prev + 4'000u, 100'000),
                                   hop(26'000, c.tx1_prev + 5'000u, c.ts_prev + 4'700u, 10'000)});
  cc.on_ack(ack(14'000, 2'000, 61'000, &s2));
}

TEST(PowerTcp, SecondAckGivesTheExactWindow) {
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  run_two_hop(cc, {7'000'000, 1'000'000, 5'000'000});
  const double n0 = norm_power(0, 0, 8'000, 4e-6, 12.5e9);
  const double n1 = norm_power(26'000, 20'000, 5'000, 4e-6, 1.25e9);
  ASSERT_GT(n1, n0);
  EXPECT_NEAR(n1, 4.488, 1e-12);  // (1.5e9 + 1.25e9) * (26000 + 25000) / (1.25e9^2 * 20e-6)
  const double gs = (1.0 * (20'000 - 4'000) + n1 * 4'000) / 20'000;
  EXPECT_NEAR(cc.congestion_signal(), gs, 1e-12);
  const double w = 0.9 * (kMaxCwnd / gs + kBetaDefault) + 0.1 * kMaxCwnd;
  EXPECT_NEAR(cc.cwnd_bytes(), w, 1e-9);
  EXPECT_NEAR(cc.pacing_rate(), w / kTauS, 1e-3);
  std::printf("second ACK: Gamma_norm=%.4f Gamma_s=%.4f cwnd=%.2f bytes\n", n1, gs, w);
}

TEST(PowerTcp, WrappedCountersGiveTheUnwrappedResult) {
  PowerTcp plain(test::context(25, kTau), 0.9, kBetaDefault);
  run_two_hop(plain, {7'000'000, 1'000'000, 5'000'000});
  PowerTcp wrapped(test::context(25, kTau), 0.9, kBetaDefault);
  // tx and ts of both hops cross 2^32 between the two records.
  run_two_hop(wrapped, {0xFFFFF000u, 0xFFFFFF00u, 0xFFFFF200u});
  EXPECT_DOUBLE_EQ(wrapped.congestion_signal(), plain.congestion_signal());
  EXPECT_DOUBLE_EQ(wrapped.cwnd_bytes(), plain.cwnd_bytes());
  EXPECT_LT(wrapped.cwnd_bytes(), kMaxCwnd);
}

TEST(PowerTcp, MaxOverHopsPicksTheCongestedHopAndItsDt) {
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  // Hop 0 (10G): steady queue 5000, full rate, dt 2 us. Hop 1 (10G): empty, half rate, dt 6 us.
  const wire::IntStack s1 = stack({hop(5'000, 100, 1'000, 10'000), hop(0, 100, 1'000, 10'000)});
  const wire::IntStack s2 =
      stack({hop(5'000, 100 + 2'500, 3'000, 10'000), hop(0, 100 + 3'750, 7'000, 10'000)});
  cc.on_ack(ack(1, 1'000, 9'000, &s1));
  cc.on_ack(ack(2, 2'000, 9'000, &s2));
  const double n0 = norm_power(5'000, 5'000, 2'500, 2e-6, 1.25e9);  // (5000+25000)/25000 = 1.2
  const double n1 = norm_power(0, 0, 3'750, 6e-6, 1.25e9);          // 0.5
  EXPECT_NEAR(n0, 1.2, 1e-12);
  EXPECT_NEAR(n1, 0.5, 1e-12);
  // dT is hop 0's 2 us, not hop 1's 6 us.
  EXPECT_NEAR(cc.congestion_signal(), (18'000 + 1.2 * 2'000) / 20'000, 1e-12);
}

TEST(PowerTcp, HopWithZeroDtIsSkipped) {
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  const wire::IntStack s1 = stack({hop(90'000, 0, 1'000, 10'000), hop(0, 0, 1'000, 10'000)});
  // Hop 0 reports the same timestamp (no new sample, huge queue); hop 1 gives norm 0.5.
  const wire::IntStack s2 = stack({hop(90'000, 0, 1'000, 10'000), hop(0, 2'500, 5'000, 10'000)});
  cc.on_ack(ack(1, 1'000, 9'000, &s1));
  cc.on_ack(ack(2, 2'000, 9'000, &s2));
  EXPECT_NEAR(cc.congestion_signal(), (16'000 + 0.5 * 4'000) / 20'000, 1e-12);
  EXPECT_TRUE(std::isfinite(cc.cwnd_bytes()));
  // Every hop with dt == 0: nothing changes.
  const double w = cc.cwnd_bytes(), g = cc.congestion_signal();
  cc.on_ack(ack(3, 3'000, 9'000, &s2));
  EXPECT_EQ(cc.cwnd_bytes(), w);
  EXPECT_EQ(cc.congestion_signal(), g);
}

TEST(PowerTcp, ChangedHopCountOnlyStores) {
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  const wire::IntStack one = stack({hop(0, 0, 1'000, 10'000)});
  const wire::IntStack two = stack({hop(50'000, 5'000, 5'000, 10'000), hop(0, 0, 5'000, 10'000)});
  cc.on_ack(ack(1, 1'000, 9'000, &one));
  cc.on_ack(ack(2, 2'000, 9'000, &two));
  EXPECT_DOUBLE_EQ(cc.cwnd_bytes(), kMaxCwnd);
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), 1.0);
  // The two-hop record is now stored: the next two-hop ACK updates.
  const wire::IntStack two_b =
      stack({hop(50'000, 5'000 + 5'000, 9'000, 10'000), hop(0, 1'000, 9'000, 10'000)});
  cc.on_ack(ack(3, 3'000, 9'000, &two_b));
  EXPECT_GT(cc.congestion_signal(), 1.0);
}

// Feeds a 10G hop whose queue is `q` and which transmits at line rate, with dt = tau so that
// Gamma_s equals that ACK's normalized power (q + b*tau) / (b*tau) exactly.
class SteadySignal {
 public:
  explicit SteadySignal(std::uint32_t q) : q_(q) {}
  wire::IntStack next() { return stack({bn_.advance(q_, 25'000, static_cast<std::uint32_t>(kTau))}); }
  void set_queue(std::uint32_t q) { q_ = q; }
  static double norm(double q) { return (q + 25'000.0) / 25'000.0; }

 private:
  Bottleneck bn_;
  std::uint32_t q_;
};

TEST(PowerTcp, CwndOldIsSnapshottedOncePerRttAndErrorShrinksByOneMinusGamma) {
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  SteadySignal sig(25'000);  // norm = 2
  wire::IntStack s = sig.next();
  TimeNs t = 0;
  cc.on_ack(ack(t, 1'000, 50'000, &s));  // first ACK: store; snapshot cwnd_old = 62500 @ 50000
  EXPECT_DOUBLE_EQ(cc.cwnd_old(), kMaxCwnd);
  const double target = kMaxCwnd / 2.0 + kBetaDefault;  // cwnd_old/Gamma_s + beta, held
  double err = cc.cwnd_bytes() - target;
  for (int i = 0; i < 5; ++i) {  // ACKs within the RTT: snd_una <= 50000
    s = sig.next();
    t += kTau;
    cc.on_ack(ack(t, 2'000 + 1'000 * static_cast<std::uint64_t>(i), 55'000, &s));
    EXPECT_DOUBLE_EQ(cc.congestion_signal(), 2.0);
    EXPECT_DOUBLE_EQ(cc.cwnd_old(), kMaxCwnd) << "no compounding within one RTT";
    const double new_err = cc.cwnd_bytes() - target;
    EXPECT_NEAR(new_err / err, 0.1, 1e-9) << "error shrinks by (1-gamma) per update";
    err = new_err;
  }
  // snd_una passes 50000: this update still uses the old snapshot, then a new one is taken.
  s = sig.next();
  t += kTau;
  const double before = cc.cwnd_bytes();
  cc.on_ack(ack(t, 50'001, 70'000, &s));
  const double expect = 0.9 * target + 0.1 * before;
  EXPECT_NEAR(cc.cwnd_bytes(), expect, 1e-9);
  EXPECT_DOUBLE_EQ(cc.cwnd_old(), cc.cwnd_bytes());
  // The next ACK uses the new snapshot.
  const double old2 = cc.cwnd_old();
  s = sig.next();
  t += kTau;
  const double before2 = cc.cwnd_bytes();
  cc.on_ack(ack(t, 51'000, 71'000, &s));
  EXPECT_NEAR(cc.cwnd_bytes(), 0.9 * (old2 / 2.0 + kBetaDefault) + 0.1 * before2, 1e-9);
  EXPECT_DOUBLE_EQ(cc.cwnd_old(), old2);  // 51000 < 70000: no new snapshot
}

// ACKs 1 us apart on a hop whose queue holds 25 KB (normalized power 2 once smoothed).
struct DenseAcks {
  Bottleneck bn;
  TimeNs t = 0;
  std::uint64_t una = 0;
  void feed(PowerTcp& cc) {
    t += 1'000;
    una += 1'000;
    const wire::IntStack s = stack({bn.advance(25'000, 1'250, 1'000)});
    cc.on_ack(ack(t, una, una + 60'000, &s));
  }
};

TEST(PowerTcp, WindowUpdatesAtMostOncePerTauByDefault) {
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  EXPECT_EQ(cc.update_interval(), kTau);
  DenseAcks a;
  a.feed(cc);  // first ACK: store only
  a.feed(cc);  // first sample: the window updates at once
  const double w1 = cc.cwnd_bytes();
  EXPECT_LT(w1, kMaxCwnd);
  double g = cc.congestion_signal();
  int updates = 0;
  double last = w1;
  for (int i = 0; i < 60; ++i) {  // 60 us: updates at 20 us and 40 us of ACK time after w1
    a.feed(cc);
    EXPECT_GT(cc.congestion_signal(), g) << "Gamma_s is smoothed on every ACK";
    g = cc.congestion_signal();
    if (cc.cwnd_bytes() != last) ++updates;
    last = cc.cwnd_bytes();
  }
  EXPECT_EQ(updates, 3);
}

TEST(PowerTcp, ZeroUpdateIntervalIsThePerAckLaw) {
  const Algorithm* a = Registry::global().find("powertcp");
  ASSERT_NE(a, nullptr);
  ParamValues resolved;
  ASSERT_FALSE(resolve_params(*a, {{"update_interval", 0}}, resolved).has_value());
  auto made = a->make(test::context(25, kTau), resolved);
  auto& cc = dynamic_cast<PowerTcp&>(*made);
  EXPECT_EQ(cc.update_interval(), 0);
  DenseAcks d;
  d.feed(cc);
  for (int i = 0; i < 10; ++i) {
    const double before = cc.cwnd_bytes();
    d.feed(cc);
    // Every ACK applies the law against the same snapshot: the window follows
    // cwnd_old/Gamma_s + beta within a few ACKs (the compounding the default avoids).
    const double law = 0.9 * (cc.cwnd_old() / cc.congestion_signal() + kBetaDefault) + 0.1 * before;
    EXPECT_NEAR(cc.cwnd_bytes(), std::clamp(law, 1'048.0, kMaxCwnd), 1e-9);
  }
  ParamValues defaults;
  ASSERT_FALSE(resolve_params(*a, {}, defaults).has_value());
  EXPECT_EQ(dynamic_cast<PowerTcp&>(*a->make(test::context(25, kTau), defaults)).update_interval(),
            kTau);
  EXPECT_THROW(PowerTcp(test::context(25, kTau), 0.9, 100, -5), std::invalid_argument);
}

TEST(PowerTcp, CapAtHostBdpAndFloorAtOnePacket) {
  // An idle path (lambda = 0): normalized power floored at 0.01, window capped at HostBw*tau.
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  Bottleneck bn;
  wire::IntStack s = stack({bn.advance(0, 0, 1'000)});
  cc.on_ack(ack(0, 1'000, 9'000, &s));
  s = stack({bn.advance(0, 0, static_cast<std::uint32_t>(kTau))});
  cc.on_ack(ack(1, 2'000, 9'000, &s));
  EXPECT_DOUBLE_EQ(cc.congestion_signal(), kPowerMinNorm);
  EXPECT_DOUBLE_EQ(cc.cwnd_bytes(), kMaxCwnd);
  EXPECT_DOUBLE_EQ(cc.pacing_rate(), kHostBps);

  // A huge standing queue with beta = 0: the window falls to one packet (packet_bytes, the
  // window's unit being wire bytes) and stays there.
  PowerTcp low(test::context(25, kTau, 1'000), 0.9, 0.0);
  SteadySignal sig(4'000'000'000u);
  std::uint64_t una = 1'000;
  for (int i = 0; i < 50; ++i) {
    s = sig.next();
    low.on_ack(ack(i * kTau, una, una + 500, &s));  // one tau apart: every ACK updates
    una += 1'000;  // every ACK passes the last snapshot: one update per "RTT"
  }
  // One packet is the context's packet_bytes (wire bytes of a full packet), not the mss.
  EXPECT_DOUBLE_EQ(low.cwnd_bytes(), 1'048.0);
  EXPECT_DOUBLE_EQ(low.pacing_rate(), 1'048.0 / kTauS);
}

TEST(PowerTcp, OpenLoopFixedPointIsBTauPlusBeta) {
  // One flow on a 10G bottleneck (b*tau = 25000 bytes) whose queue holds beta: normalized power
  // (beta + b*tau)/(b*tau). The window must settle at b*tau + beta and stay (reference 5).
  PowerTcp cc(test::context(25, kTau), 0.9, kBetaDefault);
  SteadySignal sig(static_cast<std::uint32_t>(kBetaDefault));
  const double we = 25'000 + kBetaDefault;
  std::uint64_t una = 0, nxt = 10'000;
  TimeNs t = 0;
  for (int rtt = 0; rtt < 3'000; ++rtt) {
    for (int k = 0; k < 3; ++k) {
      wire::IntStack s = sig.next();
      una += 1'000;
      cc.on_ack(ack(t += kTau, una, nxt, &s));  // a tau apart: every ACK updates the window
    }
    una = nxt;
    nxt += 10'000;
  }
  EXPECT_NEAR(cc.congestion_signal(), SteadySignal::norm(kBetaDefault), 1e-12);
  EXPECT_NEAR(cc.cwnd_bytes(), we, 1e-6);
  const double w = cc.cwnd_bytes();
  for (int k = 0; k < 4; ++k) {
    wire::IntStack s = sig.next();
    cc.on_ack(ack(t += kTau, una += 3'000, nxt += 3'000, &s));
  }
  EXPECT_NEAR(cc.cwnd_bytes(), w, 1e-7) << "b*tau + beta is a fixed point";
  std::printf("open-loop equilibrium: cwnd=%.6f, b*tau+beta=%.6f\n", w, we);
}

TEST(PowerTcp, BetaPrecedenceThroughTheRegistry) {
  const Algorithm* a = Registry::global().find("powertcp");
  ASSERT_NE(a, nullptr);
  const FlowContext ctx = test::context(25, kTau);
  auto beta_of = [&](const ParamValues& given) {
    ParamValues resolved;
    EXPECT_FALSE(resolve_params(*a, given, resolved).has_value());
    auto cc = a->make(ctx, resolved);
    return dynamic_cast<PowerTcp&>(*cc).beta_bytes();
  };
  EXPECT_DOUBLE_EQ(beta_of({}), kBetaDefault);
  EXPECT_DOUBLE_EQ(beta_of({{"ai_rate", 1e9}}), 1e9 / 8 * kTauS);
  EXPECT_DOUBLE_EQ(beta_of({{"ai_rate", 1e9}, {"expected_flows", 10}}), kMaxCwnd / 10);
  EXPECT_DOUBLE_EQ(beta_of({{"ai_rate", 1e9}, {"expected_flows", 10}, {"beta", 1234}}), 1234.0);
}

TEST(PowerTcp, NeedsTau) {
  EXPECT_THROW(PowerTcp(test::context(25, 0), 0.9, 100), std::invalid_argument);
}

}  // namespace
}  // namespace ptcp::cc
