// theta-PowerTCP in closed loop (reference sections 3 and 5): N long flows from N 25G hosts
// through one switch into one 25G port, with the core's transport::Host and sw::Switch on the
// shared test network (tests/support). Equilibrium of the power law on RTTs: the flows hold
// sum(beta) in the queue beyond what makes the RTT equal tau; with tau = the path's unloaded
// RTT that is N*beta. The checks are for the steady state *and* its steadiness: the queue's
// swing over the last 10 tau, which is where the limit cycle of the reference's ACK-clock
// gradient and last-set cwnd_old shows (docs/powertcp.md, "theta-PowerTCP").
//
// Diagnostics: PTCP_THETA_TRACE=1 prints the queue and one flow every tau/2;
// PTCP_THETA_ACK_EVERY=N makes receivers ACK every N packets (default 1, as the experiments).
// With N = 4 the default still oscillates (N=8: queue +110% of N*beta, swing 221 KB; the
// 10-flow loop: swing 276 KB): a known limitation, docs/powertcp.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cc/registry.h"
#include "support/cc_star.h"
#include "switch/switch.h"
#include "transport/host.h"
#include "wire/format.h"

namespace ptcp {
namespace {

constexpr BitsPerSec kRate = gbps(25);
constexpr std::uint32_t kPayload = 1000;

using Star = test::CcStar;

// n senders and one receiver on one switch, every link `delay` long; theta-PowerTCP with tau.
test::CcStarSpec star_spec(int n, TimeNs delay, TimeNs tau) {
  test::CcStarSpec spec;
  spec.senders = n;
  spec.rate = kRate;
  spec.link_delay = delay;
  spec.payload = kPayload;
  spec.tau = tau;
  spec.switch_int = false;  // theta-PowerTCP needs no switch support
  if (const char* ae = std::getenv("PTCP_THETA_ACK_EVERY")) {
    spec.ack_every = static_cast<std::uint32_t>(std::max(1, std::atoi(ae)));
  }
  return spec;
}

std::unique_ptr<Star> make_star(int n, TimeNs delay, TimeNs tau, const cc::ParamValues& params) {
  auto s = std::make_unique<Star>();
  test::build_cc_star(*s, star_spec(n, delay, tau), "theta-powertcp", params);
  return s;
}

// First byte sent to ACK received for a 1-packet flow through the same topology.
TimeNs unloaded_rtt(TimeNs delay) {
  return test::cc_star_unloaded_rtt(star_spec(1, delay, 0), "theta-powertcp", {});
}

struct Figures {
  double mean = 0, min = 0, max = 0, util = 0, jain = 0;
};

// All n flows start at once at line rate (an incast of long flows); the queue is sampled every
// 100 ns from `from` to `to` (multiples of tau).
Figures run(int n, TimeNs delay, TimeNs tau, const cc::ParamValues& params, int from, int to) {
  auto s = make_star(n, delay, tau, params);
  for (int i = 0; i < n; ++i) {
    s->hosts[static_cast<std::size_t>(i)]->host().start_flow(
        0, {static_cast<std::uint32_t>(i + 1), static_cast<std::uint32_t>(n), 1ull << 40});
  }
  const auto out = static_cast<sw::PortId>(n);
  if (std::getenv("PTCP_THETA_TRACE") != nullptr) {
    for (TimeNs t = tau / 2; t < from * tau; t += tau / 2) {
      s->net.run(t);
      s->hosts[0]->host().for_each_flow([&](const transport::FlowSample& f) {
        std::printf("  t %6.1f tau queue %7llu | flow 0 cwnd %6.0f rtt %6.2f us power %6.3f\n",
                    static_cast<double>(t) / static_cast<double>(tau),
                    static_cast<unsigned long long>(s->sw->sw().queue_bytes(out)), f.cwnd_bytes,
                    static_cast<double>(f.rtt_ns) * 1e-3, f.congestion_signal);
      });
    }
  }
  s->net.run(from * tau);
  auto acked = [&](int i) {
    std::uint64_t b = 0;
    s->hosts[static_cast<std::size_t>(i)]->host().for_each_flow(
        [&](const transport::FlowSample& f) { b += f.acked_bytes; });
    return b;
  };
  std::vector<std::uint64_t> acked0;
  for (int i = 0; i < n; ++i) acked0.push_back(acked(i));
  const std::uint64_t tx0 = s->sw->sw().port_counters(out).tx_wire_bytes;
  Figures f;
  f.min = 1e18;
  double sum = 0;
  std::uint64_t samples = 0;
  for (TimeNs t = from * tau + 100; t <= to * tau; t += 100) {
    s->net.run(t);
    const auto q = static_cast<double>(s->sw->sw().queue_bytes(out));
    sum += q;
    f.min = std::min(f.min, q);
    f.max = std::max(f.max, q);
    ++samples;
  }
  f.mean = sum / static_cast<double>(samples);
  const double seconds = static_cast<double>((to - from) * tau) * 1e-9;
  f.util = static_cast<double>(s->sw->sw().port_counters(out).tx_wire_bytes - tx0) /
           (bytes_per_sec(kRate) * seconds);
  double sx = 0, sxx = 0;
  for (int i = 0; i < n; ++i) {
    const auto x = static_cast<double>(acked(i) - acked0[static_cast<std::size_t>(i)]);
    sx += x;
    sxx += x * x;
  }
  f.jain = sx * sx / (n * sxx);
  return f;
}

const cc::ParamValues kReference{{"gradient_clock", 0}, {"reference_window", 0}};

double packet_wire_bytes() {
  return static_cast<double>(wire::wire_bytes(wire::frame_len(false, kPayload)));
}

void print(const char* what, int n, double target, const Figures& f) {
  std::printf("%s N=%d: queue mean %.0f B (target %.0f, %+.1f%%), min %.0f, max %.0f, swing "
              "%.0f B | link %.2f%% | Jain %.4f\n",
              what, n, f.mean, target, 100 * (f.mean - target) / target, f.min, f.max,
              f.max - f.min, 100 * f.util, f.jain);
}

// tau = the unloaded RTT, beta = HostBw*tau/10: the queue settles at N*beta. Tolerance: 10%
// of N*beta or 2 packets, whichever is larger. The equilibrium itself is exact (Gamma_s =
// 1 + N*beta/(b*tau)), but the queue moves in whole packets and the window law's fixed point
// is reached from a packet-granular RTT: the measured offset is a few percent (-1% to -6%),
// and 2 packets bound it where N*beta is itself only a few packets. The swing over the last
// 10 tau must stay within N*beta (it is a few packets): a limit cycle swings by several BDPs.
class ThetaClosedLoop : public ::testing::TestWithParam<int> {};

TEST_P(ThetaClosedLoop, SettlesAtNBetaAndKeepsTheLinkFull) {
  const int n = GetParam();
  const TimeNs delay = 5 * kNsPerUs;
  const TimeNs tau = unloaded_rtt(delay);
  ASSERT_GT(tau, 20 * kNsPerUs);
  const double beta = bytes_per_sec(kRate) * static_cast<double>(tau) * 1e-9 / 10;
  const Figures f = run(n, delay, tau, {{"beta", beta}}, 40, 50);
  const double target = n * beta;
  print("theta-powertcp", n, target, f);
  EXPECT_LE(std::abs(f.mean - target), std::max(0.10 * target, 2 * packet_wire_bytes()));
  EXPECT_LE(f.max - f.min, target);
  EXPECT_GT(f.util, 0.90);
  EXPECT_GT(f.jain, 0.99);
}

INSTANTIATE_TEST_SUITE_P(Flows, ThetaClosedLoop, ::testing::Values(2, 4, 8));

// The demo's situation (experiments/incast-10to1): ten flows start at line rate at once with
// tau = 28.8 us, the topology-wide RTT, on a path whose own RTT is about 5 us, default beta
// (150 Mb/s * tau). With power read from RTT/tau, the RTT settles at tau: the queue holds
// b*(tau - unloaded RTT) + N*beta. It must get there without a limit cycle: after 40 tau the
// queue stays within 25% of that (a few packets per flow of the ~80 KB) and the swing over
// 20 tau under a quarter of it, with the link full. The reference as written
// (gradient_clock = 0, reference_window = 0) is run beside it and printed: it swings by
// hundreds of KB.
TEST(ThetaIncastLoop, TenFlowsWithATauLongerThanThePathSettle) {
  const int n = 10;
  const TimeNs delay = kNsPerUs;
  const TimeNs rtt0 = unloaded_rtt(delay);
  const TimeNs tau = 28'800;
  ASSERT_LT(rtt0, tau / 4);
  const double b = bytes_per_sec(kRate);
  const double beta = 150e6 / 8 * static_cast<double>(tau) * 1e-9;
  const double target = b * static_cast<double>(tau - rtt0) * 1e-9 + n * beta;
  const Figures ref = run(n, delay, tau, kReference, 40, 60);
  print("reference (ACK clock, last-set cwnd_old)", n, target, ref);
  print("send clock only", n, target,
        run(n, delay, tau, {{"gradient_clock", 1}, {"reference_window", 0}}, 40, 60));
  print("measured cwnd_old only", n, target,
        run(n, delay, tau, {{"gradient_clock", 0}, {"reference_window", 1}}, 40, 60));
  const Figures f = run(n, delay, tau, {}, 40, 60);
  print("default (send clock, measured cwnd_old)", n, target, f);
  EXPECT_NEAR(f.mean, target, 0.25 * target);
  EXPECT_LE(f.max - f.min, 0.25 * target);
  EXPECT_GT(f.util, 0.90);
  EXPECT_GT(f.jain, 0.95);
}

}  // namespace
}  // namespace ptcp
