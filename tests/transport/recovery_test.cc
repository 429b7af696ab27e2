// Loss recovery end to end through the link harness: whatever the faults, every flow
// completes, every byte arrives exactly once in order and verifies.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

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
  c.rto = 200 * kNsPerUs;
  c.rto_max = 2 * kNsPerMs;
  c.base_rtt = 5 * kNsPerUs;
  c.algorithm = algo;
  return c;
}

struct Case {
  std::string name;
  Faults forward;
  Faults reverse;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class Recovery : public ::testing::TestWithParam<Case> {};

TEST_P(Recovery, EveryFlowCompletesByteExact) {
  const Case& c = GetParam();
  auto log = std::make_shared<CcLog>();
  const cc::Algorithm algo = fixed_algorithm(20'000, 0, log);  // 20 packets in flight
  HarnessOptions opt;
  opt.link.rate = gbps(10);
  opt.link.delay = 2 * kNsPerUs;
  opt.link.faults = c.forward;
  opt.reverse_faults = c.reverse;
  opt.seed = 11;
  LinkHarness h(host_config(&algo), host_config(&algo), opt);
  std::uint64_t received_bytes = 0, received_flows = 0;
  std::map<std::uint32_t, TimeNs> received_at;
  h.host(1).on_flow_received = [&](std::uint32_t src, std::uint32_t flow, std::uint64_t bytes) {
    received_at[flow] = h.net().now();
    EXPECT_EQ(src, 0u);
    received_bytes += bytes;
    ++received_flows;
  };
  constexpr int kFlows = 20;
  std::uint64_t total = 0;
  for (int i = 0; i < kFlows; ++i) {
    const std::uint64_t size = 1000 + static_cast<std::uint64_t>(i) * 7919;  // odd sizes, up to 150 KB
    h.host(0).start_flow(0, {static_cast<std::uint32_t>(i + 1), 1, size});
    total += size;
  }
  h.run_until_done(10 * kNsPerSec);

  const transport::HostCounters& tx = h.host(0).counters();
  const transport::HostCounters& rx = h.host(1).counters();
  ASSERT_EQ(h.completed().size(), static_cast<std::size_t>(kFlows)) << "flows did not finish";
  EXPECT_EQ(h.host(0).active_flows(), 0u);
  EXPECT_EQ(rx.bytes_delivered, total);
  EXPECT_EQ(received_bytes, total);
  EXPECT_EQ(received_flows, static_cast<std::uint64_t>(kFlows));
  EXPECT_EQ(rx.payload_errors, 0u);
  std::uint64_t retransmits = 0;
  for (const auto& r : h.completed()) {
    EXPECT_GE(r.end_ns, r.start_ns);
    retransmits += r.retransmits;
    if (r.timeouts > 0) {
      // Received in full long before the sender finished: the final ACK was lost (the RTO's
      // job); otherwise the data never fully arrived before the RTO.
      std::printf("  [%s] flow %u (%llu B) needed %llu RTO(s): sender done %.1f us after its "
                  "start, receiver done %.1f us before that\n",
                  c.name.c_str(), r.flow_id, (unsigned long long)r.size_bytes,
                  (unsigned long long)r.timeouts, static_cast<double>(r.end_ns - r.start_ns) / 1e3,
                  static_cast<double>(r.end_ns - received_at[r.flow_id]) / 1e3);
    }
  }
  EXPECT_EQ(retransmits, tx.retransmits);

  const ChannelStats& fw = h.forward().stats();
  const ChannelStats& bw = h.reverse().stats();
  std::printf("[%s] data sent %llu, retransmits %llu, timeouts %llu, NACKs %llu (tail %llu), dup data %llu, "
              "malformed rx %llu / tx %llu; forward lost %llu reordered %llu duplicated %llu "
              "corrupted %llu; reverse lost %llu corrupted %llu; done at %.3f ms\n",
              c.name.c_str(), (unsigned long long)tx.data_sent, (unsigned long long)tx.retransmits,
              (unsigned long long)tx.timeouts, (unsigned long long)rx.nacks_sent,
              (unsigned long long)rx.tail_nacks_sent, (unsigned long long)rx.duplicates_received, (unsigned long long)rx.malformed,
              (unsigned long long)tx.malformed, (unsigned long long)fw.lost,
              (unsigned long long)fw.reordered, (unsigned long long)fw.duplicated,
              (unsigned long long)fw.corrupted, (unsigned long long)bw.lost,
              (unsigned long long)bw.corrupted, static_cast<double>(h.net().now()) / 1e6);

  if (c.forward.loss > 0 || c.forward.reorder > 0) {
    EXPECT_GT(tx.retransmits, 0u);
  }
  if (c.forward.duplicate > 0) {
    EXPECT_GT(rx.duplicates_received, 0u);
  }
  if (c.forward.corrupt > 0) {
    // Most flipped bytes are caught (bad checksum, length, port...); a flip in a MAC address or
    // the UDP source port is harmless and passes. None may reach the payload check.
    EXPECT_GT(rx.malformed, fw.corrupted / 2);
    EXPECT_LE(rx.malformed, fw.corrupted);
  }
  if (c.reverse.corrupt > 0) {
    EXPECT_GT(tx.malformed, bw.corrupted / 2);
    EXPECT_LE(tx.malformed, bw.corrupted);
  }
  if (c.forward.loss == 0 && c.forward.reorder == 0 && c.forward.corrupt == 0 &&
      c.reverse.loss == 0 && c.reverse.corrupt == 0 && c.forward.duplicate == 0) {
    EXPECT_EQ(tx.retransmits, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Faults, Recovery,
    ::testing::Values(Case{"clean", {}, {}},
                      Case{"loss_1pct", {.loss = 0.01}, {}},
                      Case{"loss_5pct", {.loss = 0.05}, {}},
                      Case{"loss_5pct_both_ways", {.loss = 0.05}, {.loss = 0.05}},
                      // Held back 20 us: long enough for the same flow's later packets to pass.
                      Case{"reorder_5pct", {.reorder = 0.05, .reorder_delay = 20 * kNsPerUs}, {}},
                      Case{"duplicate_5pct", {.duplicate = 0.05}, {.duplicate = 0.05}},
                      Case{"corrupt_5pct", {.corrupt = 0.05}, {.corrupt = 0.05}},
                      Case{"everything", {.loss = 0.02, .reorder = 0.02, .duplicate = 0.02, .corrupt = 0.02},
                           {.loss = 0.02, .reorder = 0.02, .duplicate = 0.02, .corrupt = 0.02}}),
    [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

TEST(RecoveryTimeout, TotalAckLossIsRecoveredByRtoAfterTheLinkHeals) {
  // Every ACK is lost for the first 2.9 ms: the sender times out with backoff (200, 400, 800,
  // 1600 us from each retransmission) and finishes once ACKs flow again.
  auto log = std::make_shared<CcLog>();
  const cc::Algorithm algo = fixed_algorithm(10'000, 0, log);
  HarnessOptions opt;
  opt.reverse_faults.loss = 1.0;
  LinkHarness h(host_config(&algo), host_config(&algo), opt);
  h.host(0).start_flow(0, {1, 1, 5000});
  h.run(2900 * kNsPerUs);
  EXPECT_EQ(h.host(0).active_flows(), 1u);
  EXPECT_EQ(log->timeouts, 3u);  // at 0.2, 0.6 and 1.4 ms; the next is due at 3.0 ms
  EXPECT_EQ(h.host(1).counters().bytes_delivered, 5000u);  // data got through; ACKs did not
  h.reverse().set_faults({});
  h.run_until_done(kNsPerSec);
  ASSERT_EQ(h.completed().size(), 1u);
  EXPECT_EQ(h.completed()[0].timeouts, 4u);
  EXPECT_EQ(h.host(1).counters().payload_errors, 0u);
  std::printf("RTO recovery: timeouts %llu, retransmits %llu, completed at %.3f ms\n",
              (unsigned long long)h.completed()[0].timeouts,
              (unsigned long long)h.completed()[0].retransmits,
              static_cast<double>(h.completed()[0].end_ns) / 1e6);
}

}  // namespace
}  // namespace ptcp::test
