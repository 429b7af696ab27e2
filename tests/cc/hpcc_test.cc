// HPCC on hand-made INT sequences: U, multiplicative decrease, additive stages.
#include "cc/hpcc.h"

#include <gtest/gtest.h>

#include "cc/registry.h"
#include "cc_test_util.h"

namespace ptcp::cc {
namespace {

using test::ack;
using test::hop;
using test::stack;

constexpr TimeNs kTau = 20'000;
constexpr double kMax = 25e9 / 8 * 20e-6;  // 62'500
constexpr double kWai = 50e6 / 8 * 20e-6;   // 125 bytes: default ai_rate * tau

std::unique_ptr<Hpcc> make_default() {
  const Algorithm* a = Registry::global().find("hpcc");
  EXPECT_NE(a, nullptr);
  ParamValues p;
  EXPECT_FALSE(resolve_params(*a, {}, p).has_value());
  auto cc = a->make(test::context(25, kTau), p);
  return std::unique_ptr<Hpcc>(dynamic_cast<Hpcc*>(cc.release()));
}

// A 10G hop: each call advances ts by dt and tx by `sent`, with the given queue.
struct Hop10G {
  std::uint32_t tx = 0, ts = 0;
  wire::IntStack next(std::uint32_t q, std::uint32_t sent, std::uint32_t dt) {
    tx += sent;
    ts += dt;
    return stack({hop(q, tx, ts, 10'000)});
  }
};

TEST(Hpcc, DefaultsAndFirstAck) {
  auto cc = make_default();
  EXPECT_DOUBLE_EQ(cc->w_ai(), kWai);
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kMax);
  Hop10G h;
  const wire::IntStack s = h.next(90'000, 0, 1'000);
  cc->on_ack(ack(0, 1'000, 10'000, &s));
  EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kMax);
  EXPECT_DOUBLE_EQ(cc->congestion_signal(), 1.0);
}

TEST(Hpcc, UtilizationAndMultiplicativeDecrease) {
  auto cc = make_default();
  Hop10G h;
  wire::IntStack s = h.next(30'000, 0, 1'000);
  cc->on_ack(ack(0, 1'000, 10'000, &s));
  // 4 us: 4000 bytes sent (1e9 B/s = 0.8 of 10G), queue 30000 -> 20000: min is 20000,
  // 20000 / (b*tau = 25000) = 0.8. u = 1.6.
  s = h.next(20'000, 4'000, 4'000);
  cc->on_ack(ack(4'000, 2'000, 11'000, &s));
  const double u = (1.0 * 16'000 + 1.6 * 4'000) / 20'000;
  EXPECT_NEAR(cc->congestion_signal(), u, 1e-12);
  const double w = kMax / (u / 0.95) + kWai;
  EXPECT_NEAR(cc->cwnd_bytes(), w, 1e-9);
  EXPECT_NEAR(cc->pacing_rate(), w / 20e-6, 1e-3);
  EXPECT_DOUBLE_EQ(cc->reference_window(), kMax) << "within the first RTT Wc is kept";
  // Passing snd_nxt = 10000 commits the reference window.
  s = h.next(20'000, 4'000, 4'000);
  cc->on_ack(ack(8'000, 10'001, 20'000, &s));
  EXPECT_DOUBLE_EQ(cc->reference_window(), cc->cwnd_bytes());
  EXPECT_EQ(cc->stage(), 0u);
}

TEST(Hpcc, AdditiveStagesThenMultiplicative) {
  auto cc = make_default();
  Hop10G h;
  std::uint64_t una = 1'000;
  wire::IntStack s = h.next(25'000, 0, 1'000);
  cc->on_ack(ack(0, una, una + 5'000, &s));
  // One RTT at U = 2 (queue b*tau in both records, full rate, dt = tau): Wc = 62500/(2/0.95) + W_AI.
  una += 10'000;
  s = h.next(25'000, 25'000, 20'000);
  cc->on_ack(ack(1, una, una + 5'000, &s));
  double wc = kMax / (2.0 / 0.95) + kWai;
  ASSERT_NEAR(cc->reference_window(), wc, 1e-9);
  // Now U = 0.5 (half rate, empty queue) on every RTT: five additive stages...
  for (std::uint32_t stage = 1; stage <= 5; ++stage) {
    una += 10'000;
    s = h.next(0, 12'500, 20'000);
    cc->on_ack(ack(2 + stage, una, una + 5'000, &s));
    wc += kWai;
    EXPECT_NEAR(cc->cwnd_bytes(), wc, 1e-9) << "stage " << stage;
    EXPECT_EQ(cc->stage(), stage);
  }
  // ...then, at max_stage, the multiplicative update towards eta (here an increase).
  una += 10'000;
  s = h.next(0, 12'500, 20'000);
  cc->on_ack(ack(10, una, una + 5'000, &s));
  EXPECT_NEAR(cc->cwnd_bytes(), wc / (0.5 / 0.95) + kWai, 1e-9);
  EXPECT_EQ(cc->stage(), 0u);
}

TEST(Hpcc, AcksWithinAnRttDoNotAdvanceTheStage) {
  auto cc = make_default();
  Hop10G h;
  wire::IntStack s = h.next(0, 0, 1'000);
  cc->on_ack(ack(0, 1'000, 50'000, &s));
  for (int i = 0; i < 4; ++i) {
    s = h.next(0, 12'500, 20'000);  // U = 0.5: additive
    cc->on_ack(ack(1 + i, 2'000 + 1'000 * static_cast<std::uint64_t>(i), 50'000, &s));
    EXPECT_EQ(cc->stage(), 0u);
    EXPECT_DOUBLE_EQ(cc->cwnd_bytes(), kMax) << "Wc + W_AI is capped at HostBw*tau";
  }
}

TEST(Hpcc, WaiOverridesAiRate) {
  const Algorithm* a = Registry::global().find("hpcc");
  ParamValues p;
  ASSERT_FALSE(resolve_params(*a, {{"w_ai", 80}, {"ai_rate", 1e9}}, p).has_value());
  auto cc = a->make(test::context(25, kTau), p);
  EXPECT_DOUBLE_EQ(dynamic_cast<Hpcc&>(*cc).w_ai(), 80.0);
}

}  // namespace
}  // namespace ptcp::cc
