// Whole-host behaviour through the link harness: many flows, window and pacing as seen on the
// wire, ACK-every-N, probe RTT, and a real algorithm from the registry.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include "cc/registry.h"
#include "support/fixed_cc.h"
#include "support/link_harness.h"
#include "wire/format.h"

namespace ptcp::test {
namespace {

using transport::HostConfig;

HostConfig host_config(const cc::Algorithm* algo) {
  HostConfig c;
  c.link_rate = gbps(10);
  c.payload_bytes = 1000;
  c.rto = 500 * kNsPerUs;
  c.base_rtt = 5 * kNsPerUs;
  c.algorithm = algo;
  return c;
}

TEST(Scale, ThousandConcurrentFlowsOnOneHostAllComplete) {
  const cc::Algorithm algo = fixed_algorithm(8000, 0);
  HarnessOptions opt;
  opt.link.faults.loss = 0.001;  // a little loss so recovery runs at scale too
  LinkHarness h(host_config(&algo), host_config(&algo), opt);
  constexpr std::uint32_t kFlows = 1000;
  std::uint64_t total = 0;
  for (std::uint32_t i = 0; i < kFlows; ++i) {
    const std::uint64_t size = 500 + (i * 2654435761u) % 20'000;
    h.host(0).start_flow(0, {i + 1, 1, size});
    total += size;
  }
  EXPECT_EQ(h.host(0).active_flows(), kFlows);
  h.run_until_done(10 * kNsPerSec);
  ASSERT_EQ(h.completed().size(), kFlows);
  EXPECT_EQ(h.host(1).counters().bytes_delivered, total);
  EXPECT_EQ(h.host(1).counters().payload_errors, 0u);
  // Round robin: with every flow started at 0, the first data packet of each flow leaves
  // before any flow's second packet, so start times are spread over the first 1000 frames.
  TimeNs last_start = 0;
  for (const auto& r : h.completed()) last_start = std::max(last_start, r.start_ns);
  const TimeNs frame_ns = serialization_ns(wire::wire_bytes(wire::frame_len(false, 1000)), gbps(10));
  EXPECT_LE(last_start, static_cast<TimeNs>(kFlows) * frame_ns);
  std::printf("1000 flows, %llu bytes: done at %.3f ms (line rate would take %.3f ms), "
              "retransmits %llu\n",
              (unsigned long long)total, static_cast<double>(h.net().now()) / 1e6,
              static_cast<double>(total) * 8 / 10e9 * 1e3,
              (unsigned long long)h.host(0).counters().retransmits);
}

TEST(Scale, BytesInFlightNeverExceedCwndOnAnyDeparture) {
  // 5.5 full packets in wire bytes (the CC's unit): 5 fit.
  const double cwnd = 5.5 * static_cast<double>(wire::wire_bytes(wire::frame_len(false, 1000)));
  const cc::Algorithm algo = fixed_algorithm(cwnd, 0);
  HarnessOptions opt;
  opt.link.delay = 10 * kNsPerUs;  // a long RTT so the window, not the link, limits
  opt.link.faults.loss = 0.02;
  LinkHarness h(host_config(&algo), host_config(&algo), opt);
  for (std::uint32_t i = 0; i < 20; ++i) h.host(0).start_flow(0, {i + 1, 1, 50'000});
  std::uint64_t departures = 0, at_limit = 0;
  h.net().on_departure = [&](TimeNs, std::size_t node, std::size_t, std::span<const std::uint8_t>) {
    if (node != 0) return;
    ++departures;
    h.host(0).for_each_flow([&](const transport::FlowSample& s) {
      EXPECT_LE(s.bytes_in_flight, 5000u) << "flow " << s.flow_id;
      at_limit += s.bytes_in_flight == 5000;
    });
  };
  h.run_until_done(kNsPerSec);
  ASSERT_EQ(h.completed().size(), 20u);
  EXPECT_GT(at_limit, 0u);  // the window was reached, not just respected by accident
  EXPECT_GT(departures, 1000u);
}

TEST(Scale, PacedDeparturesOnTheWireAreExactlySpaced) {
  const double rate = 1.25e8;  // 1 Gb/s on a 10 Gb/s link
  const cc::Algorithm algo = fixed_algorithm(1e9, rate);
  LinkHarness h(host_config(&algo), host_config(&algo), {});
  h.host(0).start_flow(0, {1, 1, 100'000});
  std::vector<TimeNs> times;
  h.net().on_departure = [&](TimeNs now, std::size_t node, std::size_t, std::span<const std::uint8_t> f) {
    wire::ParsedFrame p;
    if (node == 0 && wire::parse_frame(f, p) == wire::ParseStatus::kOk &&
        p.seg.type == wire::PacketType::kData) {
      times.push_back(now);
    }
  };
  h.run_until_done(kNsPerSec);
  ASSERT_EQ(times.size(), 100u);
  const TimeNs gap = static_cast<TimeNs>(
      std::ceil(static_cast<double>(wire::wire_bytes(wire::frame_len(false, 1000))) * 1e9 / rate));
  for (std::size_t i = 1; i < times.size(); ++i) ASSERT_EQ(times[i] - times[i - 1], gap) << i;
}

TEST(Scale, AckEveryNThroughTheHarness) {
  const cc::Algorithm algo = fixed_algorithm(1e9, 0);
  HostConfig rx = host_config(&algo);
  rx.ack_every = 4;
  LinkHarness h(host_config(&algo), rx, {});
  h.host(0).start_flow(0, {1, 1, 10'500});  // 11 packets: ACKs after 4, 8 and the last
  h.run_until_done(kNsPerSec);
  ASSERT_EQ(h.completed().size(), 1u);
  EXPECT_EQ(h.host(1).counters().acks_sent, 3u);
  EXPECT_EQ(h.host(0).counters().acks_received, 3u);
}

TEST(Scale, ProbeRttEqualsTheHarnessRoundTrip) {
  const cc::Algorithm algo = fixed_algorithm(1e9, 0);
  HarnessOptions opt;
  opt.link.delay = 3 * kNsPerUs;
  LinkHarness h(host_config(&algo), host_config(&algo), opt);
  TimeNs rtt = -1;
  h.host(0).on_probe_rtt = [&](std::uint32_t node, std::uint64_t id, TimeNs r) {
    EXPECT_EQ(node, 1u);
    EXPECT_EQ(id, 9u);
    rtt = r;
  };
  h.host(0).send_probe(0, 1, 9);
  h.run(kNsPerMs);
  const TimeNs one_way =
      serialization_ns(wire::wire_bytes(wire::frame_len(false, 0)), opt.link.rate) + opt.link.delay;
  EXPECT_EQ(rtt, 2 * one_way);
  EXPECT_EQ(h.host(1).counters().probes_answered, 1u);
}

TEST(Scale, PowerTcpFlowsCompleteWhenRegistered) {
  const cc::Algorithm* algo = cc::Registry::global().find("powertcp");
  if (algo == nullptr) GTEST_SKIP() << "powertcp not registered yet";
  cc::ParamValues params;
  ASSERT_EQ(cc::resolve_params(*algo, {}, params), std::nullopt);
  HostConfig c = host_config(algo);
  c.cc_params = params;
  c.int_enabled = true;  // no switch stamps here: the INT stacks arrive empty
  HarnessOptions opt;
  opt.link.faults.loss = 0.01;
  LinkHarness h(c, c, opt);
  for (std::uint32_t i = 0; i < 10; ++i) h.host(0).start_flow(0, {i + 1, 1, 200'000});
  h.run_until_done(kNsPerSec);
  ASSERT_EQ(h.completed().size(), 10u);
  EXPECT_EQ(h.host(1).counters().bytes_delivered, 2'000'000u);
  EXPECT_EQ(h.host(1).counters().payload_errors, 0u);
  std::printf("powertcp, 10 x 200 KB, 1%% loss: done at %.3f ms, retransmits %llu\n",
              static_cast<double>(h.net().now()) / 1e6,
              (unsigned long long)h.host(0).counters().retransmits);
}

}  // namespace
}  // namespace ptcp::test
