#include "transport/sender.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "support/fixed_cc.h"

namespace ptcp::transport {
namespace {

using test::CcLog;
using test::FixedCc;

SenderParams params() {
  SenderParams p;
  p.mss = 1000;
  p.rto = 100 * kNsPerUs;
  p.rto_max = 1000 * kNsPerUs;
  p.dupack_threshold = 3;
  p.base_rtt = 10 * kNsPerUs;
  return p;
}

// CC windows count wire bytes (cc/cc.h): one full 1000-byte packet without INT costs this.
constexpr double kWirePkt = wire::wire_bytes(wire::frame_len(false, 1000));  // 1102

struct Fixture {
  std::shared_ptr<CcLog> log = std::make_shared<CcLog>();
  SenderFlow flow;
  Fixture(std::uint64_t size, double cwnd, double rate, SenderParams p = params())
      : flow(9, size, p, std::make_unique<FixedCc>(cwnd, rate, log)) {}
};

wire::Segment ack(std::uint64_t cum, std::uint64_t ts = 0,
                  wire::PacketType type = wire::PacketType::kAck) {
  wire::Segment s;
  s.type = type;
  s.flow_id = 9;
  s.ack = cum;
  s.ts_ns = ts;
  return s;
}

TEST(Sender, WindowIsNeverExceededAndSegmentsAreContiguous) {
  Fixture f(20'500, 4.5 * kWirePkt, 0);  // 4.5 packets of window: 4 full packets fit
  TimeNs now = 0;
  std::uint64_t expect_seq = 0;
  int sent = 0;
  while (!f.flow.complete()) {
    while (f.flow.can_send(now)) {
      const Emission e = f.flow.emit(now);
      EXPECT_EQ(e.seq, expect_seq);
      expect_seq += e.len;
      EXPECT_LE(f.flow.bytes_in_flight(), 4500u);  // cwnd * mss / packet_bytes
      ++sent;
    }
    // Window-limited: the next segment would not fit (or nothing is left to send).
    const std::uint64_t next = std::min<std::uint64_t>(1000, 20'500 - f.flow.snd_nxt());
    EXPECT_TRUE(!f.flow.has_data() || f.flow.bytes_in_flight() + next > 4500);
    // ... and the window really is in wire bytes: 4 packets are 4408 wire bytes, 5 would be
    // 5510 > 4959, while 5000 payload bytes alone would have fit.
    if (f.flow.has_data()) {
      EXPECT_EQ(f.flow.bytes_in_flight(), 4000u);
    }
    now += 1000;
    f.flow.on_ack(now, ack(std::min<std::uint64_t>(f.flow.snd_una() + 1000, 20'500)), false);
  }
  EXPECT_EQ(sent, 21);
}

TEST(Sender, OnePacketAlwaysAllowedWhenNothingInFlight) {
  Fixture f(5000, 0.0, 0);  // a zero window
  ASSERT_TRUE(f.flow.can_send(0));
  f.flow.emit(0);
  EXPECT_FALSE(f.flow.window_allows());
  f.flow.on_ack(10, ack(1000), false);
  EXPECT_TRUE(f.flow.can_send(10));
}

TEST(Sender, PacingSpacesDeparturesByWireBytesOverRate) {
  const double rate = 1.25e9;  // 10 Gb/s in bytes per second
  Fixture f(10'000, 1e9, rate);
  TimeNs now = 0;
  TimeNs last = -1;
  const TimeNs gap = static_cast<TimeNs>(
      std::ceil(static_cast<double>(wire::wire_bytes(wire::frame_len(false, 1000))) * 1e9 / rate));
  EXPECT_EQ(gap, 882);  // (1078 + 24) bytes * 8 / 10 Gb/s = 881.6 ns, rounded up to whole ns
  for (int i = 0; i < 10; ++i) {
    now = f.flow.pacing_time();
    EXPECT_FALSE(f.flow.can_send(now - 1));
    ASSERT_TRUE(f.flow.can_send(now));
    f.flow.emit(now);
    if (last >= 0) {
      EXPECT_EQ(now - last, gap);
    }
    last = now;
  }
}

// A loop that visits the flow every 1.5 us at 10 Gb/s (1.7 gaps per visit) sends the
// departures it missed, so the flow keeps its rate; without slack it sends one frame per visit.
TEST(Sender, PacingSlackLetsALateCallerCatchUpWithinTheSlack) {
  const double rate = 1.25e9;
  const auto frames_per_visit = [&](TimeNs slack, int& most) {
    SenderParams p = params();
    p.pacing_slack = slack;
    Fixture f(100'000'000, 1e12, rate, p);
    int sent = 0;
    most = 0;
    for (TimeNs now = 0; now <= 200 * kNsPerUs; now += 1500) {
      int here = 0;
      while (f.flow.can_send(now)) {
        f.flow.emit(now);
        ++here;
      }
      most = std::max(most, here);
      sent += here;
    }
    return sent;
  };
  int most = 0;
  EXPECT_EQ(frames_per_visit(0, most), 134);  // one per visit: 10 Gb/s x 882 / 1500
  EXPECT_EQ(most, 1);
  // With slack the rate holds: 200 us / 882 ns = 226.8 departures (+1 at t = 0).
  const int with_slack = frames_per_visit(2000, most);
  EXPECT_GE(with_slack, 226);
  EXPECT_LE(with_slack, 228);
  EXPECT_EQ(most, 2);  // a visit's 1500 ns hold at most 2 departures of 882 ns
  // After an idle spell the slack bounds the burst: nothing saved beyond it.
  SenderParams p = params();
  p.pacing_slack = 2000;
  Fixture f(100'000'000, 1e12, rate, p);
  f.flow.emit(0);
  const TimeNs late = 1 * kNsPerMs;
  int burst = 0;
  while (f.flow.can_send(late)) {
    f.flow.emit(late);
    ++burst;
  }
  EXPECT_EQ(burst, 3);  // departures at late-2000 (+882, +1764) are all it may catch up
}

TEST(Sender, LastSegmentFlaggedAndCompletionRecordsTimes) {
  Fixture f(2500, 1e9, 0);
  const Emission a = f.flow.emit(100);
  const Emission b = f.flow.emit(100);
  const Emission c = f.flow.emit(100);
  EXPECT_EQ(a.flags, 0);
  EXPECT_EQ(b.flags, 0);
  EXPECT_EQ(c.flags, wire::flags::kLast);
  EXPECT_EQ(c.len, 500);
  EXPECT_FALSE(f.flow.on_ack(700, ack(2000, 100), false));
  EXPECT_TRUE(f.flow.on_ack(900, ack(2500, 100), false));
  EXPECT_TRUE(f.flow.complete());
  EXPECT_EQ(f.flow.start_time(), 100);
  EXPECT_EQ(f.flow.end_time(), 900);
  EXPECT_EQ(f.flow.retransmits(), 0u);
  EXPECT_EQ(f.flow.rto_deadline(), kNever);
}

TEST(Sender, RttSampleFromEchoedTimestampReachesTheCc) {
  Fixture f(5000, 1e9, 0);
  f.flow.emit(1000);
  f.flow.on_ack(4500, ack(1000, 1000), false);
  EXPECT_EQ(f.log->last_rtt, 3500);
  EXPECT_EQ(f.flow.last_rtt(), 3500);
  EXPECT_EQ(f.log->last_ack.bytes_acked, 1000u);
  EXPECT_EQ(f.log->last_ack.snd_una, 1000u);
  EXPECT_EQ(f.log->last_ack.snd_nxt, 1000u);
}

TEST(Sender, NackGoesBackToTheHoleOnceAndFlagsRetransmits) {
  Fixture f(10'000, 1e9, 0);
  for (int i = 0; i < 6; ++i) f.flow.emit(0);
  EXPECT_EQ(f.flow.snd_nxt(), 6000u);
  // The receiver got packet 0 and 1, lost 2: NACK with ack = 2000.
  f.flow.on_ack(20'000, ack(2000, 0, wire::PacketType::kNack), false);
  EXPECT_EQ(f.flow.snd_una(), 2000u);
  EXPECT_EQ(f.flow.snd_nxt(), 2000u);
  EXPECT_EQ(f.log->losses, 1u);
  const Emission e = f.flow.emit(20'000);
  EXPECT_EQ(e.seq, 2000u);
  EXPECT_EQ(e.flags, wire::flags::kRetransmit);
  f.flow.emit(20'000);
  // A second NACK for the same hole within an RTT (stale out-of-order arrivals) is ignored.
  f.flow.on_ack(21'000, ack(2000, 0, wire::PacketType::kNack), false);
  EXPECT_EQ(f.flow.snd_nxt(), 4000u);
  EXPECT_EQ(f.log->losses, 1u);
  // After base_rtt (10 us; no RTT sample yet) the hole is resent again, same episode.
  f.flow.on_ack(41'000, ack(2000, 0, wire::PacketType::kNack), false);
  EXPECT_EQ(f.flow.snd_nxt(), 2000u);
  EXPECT_EQ(f.log->losses, 1u);
  EXPECT_EQ(f.flow.retransmits(), 2u);
  // New data beyond the old snd_max is not a retransmit.
  for (int i = 0; i < 4; ++i) f.flow.emit(42'000);
  EXPECT_EQ(f.flow.emit(42'000).flags, 0);
  EXPECT_EQ(f.flow.retransmits(), 6u);
}

TEST(Sender, ThreeDupAcksTriggerGoBack) {
  Fixture f(10'000, 1e9, 0);
  for (int i = 0; i < 5; ++i) f.flow.emit(0);
  f.flow.on_ack(10, ack(1000), false);
  f.flow.on_ack(11, ack(1000), false);
  f.flow.on_ack(12, ack(1000), false);
  EXPECT_EQ(f.flow.snd_nxt(), 5000u);
  f.flow.on_ack(13, ack(1000), false);  // third duplicate
  EXPECT_EQ(f.flow.snd_nxt(), 1000u);
  EXPECT_EQ(f.log->losses, 1u);
  EXPECT_EQ(f.log->acks, 4u);  // dup ACKs still reach the CC (with bytes_acked 0)
}

TEST(Sender, RtoBacksOffByDoublingUpToTheCap) {
  SenderParams p = params();  // rto 100 us, cap 1000 us
  Fixture f(3000, 1e9, 0, p);
  TimeNs now = 0;
  f.flow.emit(now);
  std::vector<TimeNs> gaps;
  for (int i = 0; i < 7; ++i) {
    const TimeNs deadline = f.flow.next_deadline();
    gaps.push_back(deadline - now);
    now = deadline;
    f.flow.on_timer(now - 1);  // not yet due: nothing happens
    EXPECT_EQ(f.flow.timeouts(), static_cast<std::uint64_t>(i));
    f.flow.on_timer(now);
    EXPECT_EQ(f.flow.snd_nxt(), 0u);
    ASSERT_TRUE(f.flow.can_send(now));
    EXPECT_EQ(f.flow.emit(now).flags, wire::flags::kRetransmit);
  }
  const std::vector<TimeNs> expect = {100'000, 200'000, 400'000, 800'000,
                                      1'000'000, 1'000'000, 1'000'000};
  EXPECT_EQ(gaps, expect);
  EXPECT_EQ(f.log->timeouts, 7u);
  // An ACK that advances resets the backoff.
  f.flow.on_ack(now + 5, ack(1000, static_cast<std::uint64_t>(now)), false);
  EXPECT_EQ(f.flow.current_rto(), 100'000);
}

TEST(Sender, BogusAckBeyondSndMaxIsIgnored) {
  Fixture f(10'000, 1e9, 0);
  f.flow.emit(0);
  EXPECT_FALSE(f.flow.on_ack(5, ack(9000), false));
  EXPECT_EQ(f.flow.snd_una(), 0u);
  EXPECT_EQ(f.log->acks, 0u);
}

}  // namespace
}  // namespace ptcp::transport
