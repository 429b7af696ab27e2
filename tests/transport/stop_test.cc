// Stopping a flow (Host::stop_flow, SenderFlow::stop): the sender sends no new data, the flow's
// size becomes what was sent, a zero-length kLast end marker tells the receiver, and the flow
// completes when data and marker are acknowledged, with or without losses.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <span>
#include <memory>
#include <string>
#include <vector>

#include "support/fixed_cc.h"
#include "support/link_harness.h"
#include "transport/sender.h"
#include "wire/format.h"

namespace ptcp::transport {
namespace {

using test::CcLog;
using test::FixedCc;

SenderParams params() {
  SenderParams p;
  p.mss = 1000;
  p.rto = 100 * kNsPerUs;
  p.rto_max = 1000 * kNsPerUs;
  p.base_rtt = 10 * kNsPerUs;
  return p;
}

wire::Segment ack(std::uint64_t cum, std::uint64_t echoed_seq) {
  wire::Segment s;
  s.type = wire::PacketType::kAck;
  s.flow_id = 9;
  s.ack = cum;
  s.seq = echoed_seq;
  return s;
}

struct Flow {
  std::shared_ptr<CcLog> log = std::make_shared<CcLog>();
  SenderFlow f{9, 1'000'000, params(), std::make_unique<FixedCc>(1e9, 0, log)};
};

TEST(SenderStop, SizeBecomesWhatWasSentAndAnEndMarkerFollows) {
  Flow x;
  for (int i = 0; i < 3; ++i) x.f.emit(0);  // 3000 bytes out, none flagged last
  EXPECT_FALSE(x.f.stop(10));
  EXPECT_TRUE(x.f.stopped());
  EXPECT_EQ(x.f.size(), 3000u);
  ASSERT_TRUE(x.f.has_data());  // the marker
  const Emission m = x.f.emit(10);
  EXPECT_EQ(m.seq, 3000u);
  EXPECT_EQ(m.len, 0u);
  EXPECT_EQ(m.flags, wire::flags::kLast);
  EXPECT_FALSE(x.f.has_data());
  // All data acknowledged: not complete until the marker is.
  EXPECT_FALSE(x.f.on_ack(20, ack(3000, 2000), false));
  EXPECT_FALSE(x.f.complete());
  EXPECT_NE(x.f.rto_deadline(), kNever) << "the marker is guarded by the RTO";
  EXPECT_TRUE(x.f.on_ack(25, ack(3000, 3000), false));
  EXPECT_TRUE(x.f.complete());
  EXPECT_EQ(x.f.end_time(), 25);
  EXPECT_EQ(x.f.rto_deadline(), kNever);
  EXPECT_FALSE(x.f.stop(30)) << "stopping twice changes nothing";
}

TEST(SenderStop, LostMarkerIsResentOnTimeoutAsARetransmit) {
  Flow x;
  x.f.emit(0);
  x.f.emit(0);
  x.f.stop(1);
  x.f.emit(1);  // marker, lost
  x.f.on_ack(10, ack(2000, 1000), false);
  ASSERT_FALSE(x.f.has_data());
  const TimeNs rto = x.f.rto_deadline();
  x.f.on_timer(rto);
  ASSERT_TRUE(x.f.has_data());
  const Emission again = x.f.emit(rto);
  EXPECT_EQ(again.seq, 2000u);
  EXPECT_EQ(again.len, 0u);
  EXPECT_EQ(again.flags, wire::flags::kLast | wire::flags::kRetransmit);
  EXPECT_EQ(x.f.retransmits(), 1u);
  EXPECT_TRUE(x.f.on_ack(rto + 10, ack(2000, 2000), false));
}

TEST(SenderStop, GoBackResendsDataWithLastOnTheFinalSegmentThenTheMarker) {
  Flow x;
  for (int i = 0; i < 4; ++i) x.f.emit(0);
  x.f.stop(1);
  // The receiver lost byte 1000: a NACK at 1000 sends the sender back.
  wire::Segment nack = ack(1000, 2000);
  nack.type = wire::PacketType::kNack;
  x.f.on_ack(5, nack, false);
  EXPECT_EQ(x.f.snd_nxt(), 1000u);
  EXPECT_EQ(x.f.emit(5).flags, wire::flags::kRetransmit);
  EXPECT_EQ(x.f.emit(5).flags, wire::flags::kRetransmit);
  const Emission final_data = x.f.emit(5);
  EXPECT_EQ(final_data.seq, 3000u);
  EXPECT_EQ(final_data.flags, wire::flags::kRetransmit | wire::flags::kLast);
  const Emission marker = x.f.emit(5);
  EXPECT_EQ(marker.seq, 4000u);
  EXPECT_EQ(marker.len, 0u);
  EXPECT_FALSE(x.f.has_data());
}

TEST(SenderStop, NothingSentCompletesAtOnceAndEverythingSentIsUnaffected) {
  Flow idle;
  EXPECT_TRUE(idle.f.stop(50));
  EXPECT_TRUE(idle.f.complete());
  EXPECT_EQ(idle.f.size(), 0u);
  EXPECT_EQ(idle.f.start_time(), 50);
  EXPECT_EQ(idle.f.end_time(), 50);
  EXPECT_FALSE(idle.f.has_data());

  auto log = std::make_shared<CcLog>();
  SenderFlow all(9, 1500, params(), std::make_unique<FixedCc>(1e9, 0, log));
  all.emit(0);
  EXPECT_EQ(all.emit(0).flags, wire::flags::kLast);
  EXPECT_FALSE(all.stop(1));
  EXPECT_EQ(all.size(), 1500u);
  EXPECT_FALSE(all.has_data()) << "no marker: the last segment already said so";
  EXPECT_TRUE(all.on_ack(5, ack(1500, 1000), false));
}

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

struct StopCase {
  const char* name;
  double loss;  // both directions
};

void PrintTo(const StopCase& c, std::ostream* os) { *os << c.name; }

class HostStop : public ::testing::TestWithParam<StopCase> {};

TEST_P(HostStop, LongFlowsStopCompleteWithWhatWasSentAndVerify) {
  const cc::Algorithm algo = test::fixed_algorithm(30'000, 0);
  test::HarnessOptions opt;
  opt.link.rate = gbps(10);
  opt.link.delay = 2 * kNsPerUs;
  opt.link.faults.loss = GetParam().loss;
  opt.reverse_faults.loss = GetParam().loss;
  opt.seed = 5;
  test::LinkHarness h(host_config(&algo), host_config(&algo), opt);
  std::map<std::uint32_t, std::uint64_t> received;
  h.host(1).on_flow_received = [&](std::uint32_t, std::uint32_t flow, std::uint64_t bytes) {
    EXPECT_EQ(received.count(flow), 0u) << "flow " << flow << " ended twice";
    received[flow] = bytes;
  };
  std::uint64_t markers = 0;  // zero-length kLast data frames put on the wire by host 0
  h.net().on_departure = [&](TimeNs, std::size_t node, std::size_t,
                             std::span<const std::uint8_t> frame) {
    wire::ParsedFrame p;
    if (node != 0 || wire::parse_frame(frame, p) != wire::ParseStatus::kOk) return;
    if (p.kind == wire::FrameKind::kTransport && p.seg.type == wire::PacketType::kData &&
        p.seg.payload_len == 0) {
      EXPECT_NE(p.seg.flags & wire::flags::kLast, 0);
      ++markers;
    }
  };
  constexpr std::uint64_t kLong = 1ull << 40;
  for (std::uint32_t i = 1; i <= 3; ++i) h.host(0).start_flow(0, {i, 1, kLong});
  // Stop them one by one, as an experiment's long flows leave.
  h.run(100 * kNsPerUs);
  EXPECT_TRUE(h.host(0).stop_flow(100 * kNsPerUs, 1));
  h.run(300 * kNsPerUs);
  EXPECT_TRUE(h.host(0).stop_flow(300 * kNsPerUs, 2));
  EXPECT_TRUE(h.host(0).stop_flow(300 * kNsPerUs, 3));
  EXPECT_TRUE(h.host(0).stop_flow(300 * kNsPerUs, 3)) << "stopping twice: still live, no change";
  h.run_until_done(50 * kNsPerMs);

  ASSERT_EQ(h.completed().size(), 3u);
  std::uint64_t total = 0;
  for (const FlowRecord& r : h.completed()) {
    EXPECT_GT(r.size_bytes, 0u);
    EXPECT_LT(r.size_bytes, kLong);
    EXPECT_EQ(received[r.flow_id], r.size_bytes) << "flow " << r.flow_id;
    EXPECT_GE(r.end_ns, r.start_ns);
    total += r.size_bytes;
    std::printf("%s: flow %u stopped, size %llu B, retransmits %llu, timeouts %llu\n",
                GetParam().name, r.flow_id, static_cast<unsigned long long>(r.size_bytes),
                static_cast<unsigned long long>(r.retransmits),
                static_cast<unsigned long long>(r.timeouts));
  }
  EXPECT_GE(markers, 3u);  // each stopped flow ended with a marker (more if one was lost)
  if (GetParam().loss == 0) {
    EXPECT_EQ(markers, 3u);
  }
  EXPECT_EQ(h.host(1).counters().bytes_delivered, total);
  EXPECT_EQ(h.host(1).counters().payload_errors, 0u);
  EXPECT_EQ(h.host(0).active_flows(), 0u);
  EXPECT_FALSE(h.host(0).stop_flow(h.net().now(), 1)) << "completed: nothing to stop";
  EXPECT_FALSE(h.host(0).stop_flow(h.net().now(), 77)) << "never started";
  // Flow 1 ran alone for 100 us at most at 10G: it cannot have sent more than that.
  for (const FlowRecord& r : h.completed()) {
    if (r.flow_id == 1) {
      EXPECT_LE(r.size_bytes, 100 * 1250u);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, HostStop,
                         ::testing::Values(StopCase{"clean", 0.0}, StopCase{"loss2pct", 0.02}),
                         [](const auto& i) { return std::string(i.param.name); });

TEST(HostStopEdge, FlowThatSentNothingCompletesInsideTheCall) {
  const cc::Algorithm algo = test::fixed_algorithm(30'000, 0);
  test::LinkHarness h(host_config(&algo), host_config(&algo), {});
  std::vector<FlowRecord> done;
  h.host(0).on_flow_complete = [&](const FlowRecord& r) { done.push_back(r); };
  h.host(0).start_flow(1'000, {4, 1, 50'000});
  ASSERT_TRUE(h.host(0).stop_flow(1'000, 4));  // before any frame left
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].size_bytes, 0u);
  EXPECT_EQ(done[0].start_ns, 1'000);
  EXPECT_EQ(done[0].end_ns, 1'000);
  EXPECT_EQ(h.host(0).active_flows(), 0u);
  h.run(kNsPerMs);
  EXPECT_EQ(h.host(0).counters().data_sent, 0u);
  EXPECT_EQ(h.host(1).counters().frames_in, 0u);
}

}  // namespace
}  // namespace ptcp::transport
