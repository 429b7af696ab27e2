// Host behaviour seen frame by frame: two hosts wired back to back by the test itself, so it
// can rewrite frames in between (as a switch would: CE marks, INT hops) or inject its own.
#include "transport/host.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

#include "support/fixed_cc.h"
#include "transport/payload.h"
#include "wire/format.h"

namespace ptcp::transport {
namespace {

using Frame = std::vector<std::uint8_t>;

HostConfig config(const cc::Algorithm* algo, std::uint32_t node) {
  HostConfig c;
  c.node_index = node;
  c.link_rate = gbps(10);
  c.payload_bytes = 1000;
  c.rto = 500 * kNsPerUs;
  c.base_rtt = 10 * kNsPerUs;
  c.algorithm = algo;
  return c;
}

struct Pair {
  std::shared_ptr<test::CcLog> log = std::make_shared<test::CcLog>();
  cc::Algorithm algo;
  Host a, b;
  std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(2048);

  explicit Pair(double cwnd = 1e9, std::function<void(HostConfig&)> tweak = {})
      : algo(test::fixed_algorithm(cwnd, 0, log)),
        a(make_cfg(0, tweak)),
        b(make_cfg(1, tweak)) {}

  HostConfig make_cfg(std::uint32_t node, const std::function<void(HostConfig&)>& tweak) {
    HostConfig c = config(&algo, node);
    if (tweak) tweak(c);
    return c;
  }

  // Everything `from` may send at `now`, as separate frames.
  std::vector<Frame> drain(Host& from, TimeNs now) {
    std::vector<Frame> out;
    while (std::size_t n = from.next_frame(now, buf)) out.emplace_back(buf.begin(), buf.begin() + static_cast<long>(n));
    return out;
  }
  static wire::ParsedFrame parse(const Frame& f) {
    wire::ParsedFrame p;
    EXPECT_EQ(wire::parse_frame(f, p), wire::ParseStatus::kOk);
    return p;
  }
};

TEST(Host, DataFramesCarryAddressesFlagsAndVerifiablePayload) {
  Pair p(1e9, [](HostConfig& c) { c.int_enabled = true; });
  p.a.start_flow(0, {77, 1, 2500});
  const auto frames = p.drain(p.a, 0);
  ASSERT_EQ(frames.size(), 3u);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const wire::ParsedFrame f = Pair::parse(frames[i]);
    EXPECT_EQ(f.src_ip, wire::node_ip(0));
    EXPECT_EQ(f.dst_ip, wire::node_ip(1));
    EXPECT_EQ(f.dst_mac, wire::node_mac(1));
    EXPECT_EQ(f.src_port, wire::flow_src_port(77));
    EXPECT_EQ(f.ecn, wire::kEcnEct0);
    EXPECT_EQ(f.seg.type, wire::PacketType::kData);
    EXPECT_EQ(f.seg.seq, i * 1000);
    EXPECT_TRUE(f.seg.flags & wire::flags::kHasInt);
    EXPECT_EQ(f.seg.int_stack.n_hops, 0);
    EXPECT_EQ(f.payload_offset, wire::kIntOffset + wire::kIntLen);
    EXPECT_EQ((f.seg.flags & wire::flags::kLast) != 0, i == 2);
    EXPECT_EQ(verify_payload(77, f.seg.seq, frames[i].data() + f.payload_offset, f.seg.payload_len), 0u);
  }
}

TEST(Host, NotEctWhenEcnIsOffAndNoIntRegionWithoutInt) {
  Pair p(1e9, [](HostConfig& c) { c.ecn_capable = false; });
  p.a.start_flow(0, {1, 1, 100});
  const auto frames = p.drain(p.a, 0);
  ASSERT_EQ(frames.size(), 1u);
  const wire::ParsedFrame f = Pair::parse(frames[0]);
  EXPECT_EQ(f.ecn, wire::kEcnNotEct);
  EXPECT_FALSE(f.seg.flags & wire::flags::kHasInt);
  EXPECT_EQ(f.payload_offset, wire::kIntOffset);
}

TEST(Host, AckCopiesTheDataPacketsIntStackAndEchoesSeqAndTs) {
  Pair p(1e9, [](HostConfig& c) { c.int_enabled = true; });
  p.a.start_flow(1000, {5, 1, 1000});
  auto frames = p.drain(p.a, 1000);
  ASSERT_EQ(frames.size(), 1u);
  // Two switch hops stamp the packet on the way.
  const wire::IntHop h1{1500, 123456, 777, 25000}, h2{0, 0xfffffff0u, 999, 100000};
  ASSERT_EQ(wire::push_int_hop(frames[0], h1), wire::IntPush::kPushed);
  ASSERT_EQ(wire::push_int_hop(frames[0], h2), wire::IntPush::kPushed);
  p.b.on_frame(2000, frames[0]);
  const auto acks = p.drain(p.b, 2000);
  ASSERT_EQ(acks.size(), 1u);
  const wire::ParsedFrame ack = Pair::parse(acks[0]);
  EXPECT_EQ(ack.seg.type, wire::PacketType::kAck);
  EXPECT_EQ(ack.dst_ip, wire::node_ip(0));
  EXPECT_EQ(ack.seg.ack, 1000u);
  EXPECT_EQ(ack.seg.seq, 0u);
  EXPECT_EQ(ack.seg.ts_ns, 1000u);
  EXPECT_EQ(ack.ecn, wire::kEcnNotEct);
  ASSERT_TRUE(ack.seg.flags & wire::flags::kHasInt);
  EXPECT_EQ(ack.seg.int_stack.n_hops, 2);
  EXPECT_EQ(ack.seg.int_stack.hops[0], h1);
  EXPECT_EQ(ack.seg.int_stack.hops[1], h2);
  // The sender hands the same stack and the RTT to its CC.
  p.a.on_frame(5000, acks[0]);
  EXPECT_EQ(p.log->acks_with_int, 1u);
  EXPECT_EQ(p.log->last_int.n_hops, 2);
  EXPECT_EQ(p.log->last_int.hops[1], h2);
  EXPECT_EQ(p.log->last_rtt, 4000);
  EXPECT_EQ(p.a.active_flows(), 0u);
}

TEST(Host, CeMarkIsEchoedAndCnpsAreRateLimited) {
  Pair p(1e9, [](HostConfig& c) { c.cnp_interval = 50 * kNsPerUs; });
  p.a.start_flow(0, {8, 1, 20'000});
  auto frames = p.drain(p.a, 0);
  ASSERT_EQ(frames.size(), 20u);
  std::size_t acks_with_echo = 0, cnps = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    ASSERT_TRUE(wire::mark_ce(frames[i]));
    const TimeNs t = static_cast<TimeNs>(i) * 5 * kNsPerUs;  // one every 5 us
    p.b.on_frame(t, frames[i]);
    for (const Frame& r : p.drain(p.b, t)) {
      const wire::ParsedFrame f = Pair::parse(r);
      if (f.seg.type == wire::PacketType::kCnp) ++cnps;
      if (f.seg.type == wire::PacketType::kAck && (f.seg.flags & wire::flags::kEcnEcho)) ++acks_with_echo;
      p.a.on_frame(t, r);
    }
  }
  EXPECT_EQ(acks_with_echo, 20u);
  EXPECT_EQ(cnps, 2u);  // 0..95 us with a 50 us interval: at 0 and 50 us
  EXPECT_EQ(p.b.counters().cnps_sent, 2u);
  EXPECT_EQ(p.log->cnps, 2u);
  EXPECT_EQ(p.log->ecn_echoes, 20u);
}

TEST(Host, OutOfOrderDataIsNackedAndTheSenderGoesBack) {
  Pair p;
  p.a.start_flow(0, {3, 1, 5000});
  auto frames = p.drain(p.a, 0);
  ASSERT_EQ(frames.size(), 5u);
  p.b.on_frame(10, frames[0]);
  p.b.on_frame(11, frames[2]);  // frames[1] lost
  auto replies = p.drain(p.b, 11);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(Pair::parse(replies[1]).seg.type, wire::PacketType::kNack);
  EXPECT_EQ(Pair::parse(replies[1]).seg.ack, 1000u);
  for (const Frame& r : replies) p.a.on_frame(20, r);
  auto resent = p.drain(p.a, 20);
  ASSERT_EQ(resent.size(), 4u);  // go-back-N: 1000..5000 again
  EXPECT_EQ(Pair::parse(resent[0]).seg.seq, 1000u);
  EXPECT_TRUE(Pair::parse(resent[0]).seg.flags & wire::flags::kRetransmit);
  for (const Frame& f : resent) p.b.on_frame(30, f);
  for (const Frame& r : p.drain(p.b, 30)) p.a.on_frame(40, r);
  EXPECT_EQ(p.a.active_flows(), 0u);
  EXPECT_EQ(p.b.counters().bytes_delivered, 5000u);
  EXPECT_EQ(p.b.counters().nacks_sent, 1u);
  EXPECT_EQ(p.a.counters().retransmits, 4u);
}

TEST(Host, FinishedReceiverStateIsFreedAndLateDuplicatesAreStillAcked) {
  Pair p(1e9, [](HostConfig& c) { c.int_enabled = true; });
  p.a.start_flow(0, {6, 1, 3500});
  p.a.start_flow(0, {7, 1, 2000});
  const auto frames = p.drain(p.a, 0);
  ASSERT_EQ(frames.size(), 6u);  // round robin: 6,7,6,7,6,6
  p.b.on_frame(10, frames[0]);
  p.b.on_frame(11, frames[1]);
  EXPECT_EQ(p.b.receiving_flows(), 2u);
  for (std::size_t i = 2; i < frames.size(); ++i) p.b.on_frame(20, frames[i]);
  EXPECT_EQ(p.b.receiving_flows(), 0u) << "both flows ended: their state is freed";
  EXPECT_EQ(p.b.counters().bytes_delivered, 5500u);
  const auto acks = p.drain(p.b, 20);
  EXPECT_EQ(acks.size(), 6u);
  // Finished flows linger one tail interval (40 us), are ACKed once more, then freed.
  EXPECT_EQ(p.b.next_wakeup(), 20 + 40 * kNsPerUs);
  const auto reacks = p.drain(p.b, 20 + 40 * kNsPerUs);
  ASSERT_EQ(reacks.size(), 2u);
  for (const Frame& f : reacks) {
    const wire::ParsedFrame r = Pair::parse(f);
    EXPECT_EQ(r.seg.type, wire::PacketType::kAck);
    EXPECT_EQ(r.seg.ack, r.seg.flow_id == 6 ? 3500u : 2000u);
    EXPECT_EQ(r.seg.seq, r.seg.ack);
  }
  EXPECT_EQ(p.b.counters().final_reacks_sent, 2u);
  EXPECT_EQ(p.b.next_wakeup(), kNever);
  // All those ACKs are lost; the sender's go-back copies (here: the original frames again)
  // arrive late, after the receiver forgot the flows. Each is answered with the flow's size.
  const std::uint64_t dups = p.b.counters().duplicates_received;
  for (const std::size_t i : {std::size_t{0}, std::size_t{5}, std::size_t{1}}) {
    p.b.on_frame(100 * kNsPerUs, frames[i]);
    const auto r = p.drain(p.b, 100 * kNsPerUs);
    ASSERT_EQ(r.size(), 1u);
    const wire::ParsedFrame ack = Pair::parse(r[0]);
    const wire::ParsedFrame data = Pair::parse(frames[i]);
    EXPECT_EQ(ack.seg.type, wire::PacketType::kAck);
    EXPECT_EQ(ack.seg.flow_id, data.seg.flow_id);
    EXPECT_EQ(ack.seg.ack, data.seg.flow_id == 6 ? 3500u : 2000u);
    EXPECT_EQ(ack.seg.seq, data.seg.seq);
    EXPECT_EQ(ack.seg.ts_ns, data.seg.ts_ns);
    EXPECT_TRUE(ack.seg.flags & wire::flags::kHasInt);
    p.a.on_frame(110 * kNsPerUs, r[0]);
  }
  EXPECT_EQ(p.b.counters().duplicates_received, dups + 3);
  EXPECT_EQ(p.b.counters().bytes_delivered, 5500u);
  EXPECT_EQ(p.b.receiving_flows(), 0u);
  EXPECT_EQ(p.a.active_flows(), 0u) << "the late ACKs completed both senders";
  // A new flow reuses the freed state and starts from its own byte 0.
  p.a.start_flow(200 * kNsPerUs, {8, 1, 1000});
  for (const Frame& f : p.drain(p.a, 200 * kNsPerUs)) p.b.on_frame(210 * kNsPerUs, f);
  EXPECT_EQ(p.b.counters().bytes_delivered, 6500u);
  EXPECT_EQ(p.b.counters().payload_errors, 0u);
}

// The receive path verifies content and checksum in one pass: a payload rewritten with a
// correct checksum (wrong content, well-formed frame) is delivered and every wrong byte counted,
// at stream offsets that are not 8-byte aligned (999-byte segments); a stale checksum drops the
// frame before delivery.
TEST(Host, FusedReceivePassCountsWrongBytesAndRejectsBadChecksums) {
  Pair p(1e9, [](HostConfig& c) { c.payload_bytes = 999; });
  p.a.start_flow(0, {8, 1, 3 * 999});
  auto frames = p.drain(p.a, 0);
  ASSERT_EQ(frames.size(), 3u);
  // Frame 0 arrives intact.
  p.b.on_frame(10, frames[0]);
  EXPECT_EQ(p.b.counters().bytes_delivered, 999u);
  // Frame 1: three payload bytes changed, checksum left stale: malformed, nothing delivered.
  Frame bad = frames[1];
  const wire::ParsedFrame f1 = Pair::parse(frames[1]);
  for (std::size_t k : {0u, 500u, 998u}) bad[f1.payload_offset + k] ^= 0x41;
  p.b.on_frame(20, bad);
  EXPECT_EQ(p.b.counters().malformed_by_status[static_cast<int>(wire::ParseStatus::kBadChecksum)], 1u);
  EXPECT_EQ(p.b.counters().bytes_delivered, 999u);
  // The same bytes with the checksum rewritten: delivered, and the three bytes are counted.
  wire::FrameAddr addr;
  addr.src_mac = f1.src_mac;
  addr.dst_mac = f1.dst_mac;
  addr.src_ip = f1.src_ip;
  addr.dst_ip = f1.dst_ip;
  addr.src_port = f1.src_port;
  ASSERT_EQ(wire::finish_frame(bad, addr, f1.seg, f1.ecn), bad.size());
  p.b.on_frame(30, bad);
  EXPECT_EQ(p.b.counters().bytes_delivered, 2 * 999u);
  EXPECT_EQ(p.b.counters().payload_errors, 3u);
  // A duplicate of the corrupted frame is not delivered again, so its errors do not count.
  p.b.on_frame(40, bad);
  EXPECT_EQ(p.b.counters().payload_errors, 3u);
  p.b.on_frame(50, frames[2]);
  EXPECT_EQ(p.b.counters().bytes_delivered, 3 * 999u);
  EXPECT_EQ(p.b.counters().payload_errors, 3u);
}

// Without verification the sender writes no pattern: payloads are zeros (never stale buffer
// bytes) with a correct checksum, and the receiver delivers them unchecked.
TEST(Host, WithoutVerificationPayloadsAreZerosAndStillChecksummed) {
  Pair p(1e9, [](HostConfig& c) { c.verify_payload = false; });
  std::fill(p.buf.begin(), p.buf.end(), std::uint8_t{0xa5});
  p.a.start_flow(0, {3, 1, 1500});
  const auto frames = p.drain(p.a, 0);
  ASSERT_EQ(frames.size(), 2u);
  for (const Frame& fr : frames) {
    const wire::ParsedFrame f = Pair::parse(fr);
    for (std::size_t i = 0; i < f.seg.payload_len; ++i) ASSERT_EQ(fr[f.payload_offset + i], 0);
    p.b.on_frame(10, fr);
  }
  EXPECT_EQ(p.b.counters().bytes_delivered, 1500u);
  EXPECT_EQ(p.b.counters().malformed, 0u);
}

TEST(Host, TailLossIsNackedByTheReceiversQuietTimerNotLeftToTheRto) {
  Pair p;  // base_rtt 10 us: nack_interval 10 us, tail timer floor 40 us; RTO 500 us
  p.a.start_flow(0, {4, 1, 5000});
  const auto frames = p.drain(p.a, 0);
  ASSERT_EQ(frames.size(), 5u);
  for (std::size_t i = 0; i < 3; ++i) p.b.on_frame(10, frames[i]);  // the last two are lost
  for (const Frame& r : p.drain(p.b, 10)) p.a.on_frame(20, r);
  EXPECT_EQ(p.b.receiving_flows(), 1u);
  // Arrivals at one instant: the mean gap is 0, so the 40 us floor rules.
  EXPECT_EQ(p.b.next_wakeup(), 10 + 40 * kNsPerUs);
  EXPECT_TRUE(p.drain(p.b, 10 + 40 * kNsPerUs - 1).empty());
  const auto nack = p.drain(p.b, 10 + 40 * kNsPerUs);
  ASSERT_EQ(nack.size(), 1u);
  const wire::ParsedFrame n = Pair::parse(nack[0]);
  EXPECT_EQ(n.seg.type, wire::PacketType::kNack);
  EXPECT_EQ(n.seg.ack, 3000u);
  EXPECT_EQ(n.dst_ip, wire::node_ip(0));
  EXPECT_EQ(p.b.counters().tail_nacks_sent, 1u);
  // Backoff: the next one 2 x 40 us later if still nothing arrives.
  EXPECT_EQ(p.b.next_wakeup(), 10 + 120 * kNsPerUs);
  // The sender goes back at once (long before its 500 us RTO) and the flow completes.
  const TimeNs t = 50 * kNsPerUs;
  p.a.on_frame(t, nack[0]);
  const auto resent = p.drain(p.a, t);
  ASSERT_EQ(resent.size(), 2u);
  EXPECT_EQ(Pair::parse(resent[0]).seg.seq, 3000u);
  for (const Frame& f : resent) p.b.on_frame(t + 10, f);
  EXPECT_EQ(p.b.receiving_flows(), 0u);
  const auto final_acks = p.drain(p.b, t + 10);
  ASSERT_EQ(final_acks.size(), 2u);
  EXPECT_EQ(p.b.next_wakeup(), t + 10 + 40 * kNsPerUs) << "the linger re-ACK only";
  // The final ACKs are lost: the linger re-ACK completes the sender, long before its RTO.
  const auto reack = p.drain(p.b, t + 10 + 40 * kNsPerUs);
  ASSERT_EQ(reack.size(), 1u);
  EXPECT_EQ(Pair::parse(reack[0]).seg.ack, 5000u);
  p.a.on_frame(t + 20 + 40 * kNsPerUs, reack[0]);
  EXPECT_EQ(p.a.active_flows(), 0u);
  EXPECT_EQ(p.a.counters().timeouts, 0u);
  EXPECT_EQ(p.b.counters().bytes_delivered, 5000u);
}

TEST(Host, TailNacksBackOffThenGiveUpAndALostEndMarkerIsResent) {
  Pair p;
  p.a.start_flow(0, {5, 1, 50'000});
  auto frames = p.drain(p.a, 0);
  // Deliver only 2 packets and their ACKs, then keep the sender "slow": nothing else leaves.
  p.b.on_frame(10, frames[0]);
  p.b.on_frame(10, frames[1]);
  for (const Frame& r : p.drain(p.b, 10)) p.a.on_frame(20, r);
  // Fire every tail NACK: deadlines at 1, 3, 7, 15, 31, 63 x 40 us after the last arrival.
  std::vector<TimeNs> fired;
  for (int i = 0; i < 10 && p.b.next_wakeup() != kNever; ++i) {
    const TimeNs t = p.b.next_wakeup();
    for (const Frame& r : p.drain(p.b, t)) {
      ASSERT_EQ(Pair::parse(r).seg.type, wire::PacketType::kNack);
      fired.push_back(t);
      if (fired.size() == 1) {
        // The sender has 2000 bytes acknowledged and sent everything else in `frames`: those
        // are outstanding, so this one does send it back (a real loss, as far as it knows).
        p.a.on_frame(t, r);
      }
    }
  }
  ASSERT_EQ(fired.size(), 6u);
  for (std::size_t i = 0; i < fired.size(); ++i) {
    EXPECT_EQ(fired[i], 10 + 40 * kNsPerUs * ((TimeNs{2} << i) - 1)) << i;
  }
  EXPECT_EQ(p.b.next_wakeup(), kNever) << "gave up after 6: the sender's RTO takes over";

  // A stopped flow whose data all arrived but whose end marker is held back: the marker is
  // what is missing, and the tail NACK gets it resent (alone).
  Pair q(2 * 1102.0);  // a window of two full packets (wire bytes)
  q.a.start_flow(0, {6, 1, 1'000'000});
  const auto two = q.drain(q.a, 0);
  ASSERT_EQ(two.size(), 2u);
  ASSERT_TRUE(q.a.stop_flow(1, 6));
  for (const Frame& f : two) q.b.on_frame(10, f);
  for (const Frame& r : q.drain(q.b, 10)) q.a.on_frame(20, r);
  const auto marker = q.drain(q.a, 20);
  ASSERT_EQ(marker.size(), 1u);
  EXPECT_EQ(Pair::parse(marker[0]).seg.payload_len, 0u);
  const TimeNs t = q.b.next_wakeup();
  const auto nacks = q.drain(q.b, t);
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_EQ(Pair::parse(nacks[0]).seg.ack, 2000u);
  q.a.on_frame(t, nacks[0]);
  const auto again = q.drain(q.a, t);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(Pair::parse(again[0]).seg.payload_len, 0u);
  EXPECT_TRUE(Pair::parse(again[0]).seg.flags & wire::flags::kLast);
  q.b.on_frame(t + 10, again[0]);
  for (const Frame& r : q.drain(q.b, t + 10)) q.a.on_frame(t + 20, r);
  EXPECT_EQ(q.a.active_flows(), 0u);
}

TEST(Host, TailNackWaitsOutTheQueueingDelayAndTheSenderWaitsTwoRtts) {
  Pair p;  // tail timer floor 40 us
  p.a.start_flow(0, {10, 1, 5000});
  const auto frames = p.drain(p.a, 0);  // all stamped ts = 0
  ASSERT_EQ(frames.size(), 5u);
  p.b.on_frame(1'000, frames[0]);    // transit 1 us: the flow's minimum
  p.b.on_frame(301'000, frames[1]);  // transit 301 us: 300 us of queueing
  const auto acks = p.drain(p.b, 301'000);
  ASSERT_EQ(acks.size(), 2u);
  // Silent for 40 us + 2 x 300 us (the mean gap, 37.5 us, is smaller) before a tail NACK.
  EXPECT_EQ(p.b.next_wakeup(), 301'000 + 640 * kNsPerUs);
  for (const Frame& r : acks) p.a.on_frame(302'000, r);  // RTT sample 302 us
  const auto nack = p.drain(p.b, 301'000 + 640 * kNsPerUs);
  ASSERT_EQ(nack.size(), 1u);
  const wire::ParsedFrame n = Pair::parse(nack[0]);
  EXPECT_EQ(n.seg.seq, n.seg.ack) << "a tail NACK says so: seq == ack";
  // Delivered 100 us after the sender's last ACK (< 2 RTTs): the rest may be queued: ignored.
  p.a.on_frame(402'000, nack[0]);
  EXPECT_TRUE(p.drain(p.a, 402'000).empty());
  EXPECT_EQ(p.a.counters().retransmits, 0u);
  // The same hint 700 us after the last ACK (> 2 RTTs): the sender goes back.
  p.a.on_frame(1'002'000, nack[0]);
  EXPECT_EQ(p.drain(p.a, 1'002'000).size(), 3u);
  EXPECT_EQ(p.a.counters().retransmits, 3u);
}

TEST(Host, QuietNackWhenNothingIsMissingIsNotALoss) {
  // A flow paced at 1 MB/s (a packet per ~1.1 ms) is slow, not lossy: everything it sent has
  // arrived and been acknowledged when the receiver's 40 us timer fires.
  auto log = std::make_shared<test::CcLog>();
  const cc::Algorithm slow = test::fixed_algorithm(1e9, 1e6, log);
  Host a(config(&slow, 0)), b(config(&slow, 1));
  std::vector<std::uint8_t> buf(2048);
  a.start_flow(0, {9, 1, 10'000});
  std::size_t n = a.next_frame(0, buf);
  ASSERT_GT(n, 0u);
  b.on_frame(10, {buf.data(), n});
  n = b.next_frame(10, buf);
  ASSERT_GT(n, 0u);
  a.on_frame(20, {buf.data(), n});  // the ACK: 1000 bytes acknowledged, nothing outstanding
  const TimeNs t = b.next_wakeup();
  EXPECT_EQ(t, 10 + 40 * kNsPerUs);
  n = b.next_frame(t, buf);
  ASSERT_GT(n, 0u);
  a.on_frame(t, {buf.data(), n});
  EXPECT_EQ(log->losses, 0u);
  EXPECT_EQ(a.counters().nacks_received, 1u);
  EXPECT_EQ(a.next_frame(t, buf), 0u) << "no go-back: the next packet waits for its pacing";
  EXPECT_EQ(a.counters().retransmits, 0u);
}

TEST(Host, PauseStopsDataButNotAcksAndResumes) {
  // Without the receiver's linger re-ACK, so that the pause alone decides the next wake-up.
  Pair p(1e9, [](HostConfig& c) { c.tail_nack = false; });
  p.a.start_flow(0, {1, 1, 3000});
  p.b.start_flow(0, {2, 0, 1000});
  // b's data reaches a; then a is paused.
  auto b_data = p.drain(p.b, 0);
  ASSERT_EQ(b_data.size(), 1u);
  p.a.on_frame(0, b_data[0]);
  wire::PfcPause pause;
  pause.class_enable = 0x08;
  pause.quanta[3] = 1000;  // 1000 * 512 bits at 10 Gb/s = 51.2 us
  Frame pf(wire::kPfcFrameLen);
  wire::write_pfc_pause(pf, wire::node_mac(1), pause);
  p.a.on_frame(0, pf);
  EXPECT_EQ(p.a.counters().pauses_received, 1u);
  auto out = p.drain(p.a, 0);
  ASSERT_EQ(out.size(), 1u);  // only the ACK for b's data
  EXPECT_EQ(Pair::parse(out[0]).seg.type, wire::PacketType::kAck);
  EXPECT_EQ(p.a.next_wakeup(), 51'200);
  EXPECT_TRUE(p.drain(p.a, 51'199).empty());
  EXPECT_EQ(p.drain(p.a, 51'200).size(), 3u);
  // quanta 0 resumes at once.
  p.a.start_flow(60'000, {4, 1, 1000});
  p.a.on_frame(60'000, pf);
  EXPECT_TRUE(p.drain(p.a, 60'000).empty());
  pause.quanta[3] = 0;
  wire::write_pfc_pause(pf, wire::node_mac(1), pause);
  p.a.on_frame(60'001, pf);
  EXPECT_EQ(p.drain(p.a, 60'001).size(), 1u);
}

TEST(Host, MalformedFramesAreCountedPerStatusAndDropped) {
  Pair p;
  p.a.start_flow(0, {1, 1, 1000});
  auto frames = p.drain(p.a, 0);
  Frame good = frames.at(0);
  Frame bad_checksum = good;
  bad_checksum[good.size() - 1] ^= 1;  // payload byte: transport checksum
  Frame truncated(good.begin(), good.begin() + 30);
  Frame bad_ip = good;
  bad_ip[wire::kIpOffset + 8] ^= 1;  // TTL: IPv4 checksum
  p.b.on_frame(1, bad_checksum);
  p.b.on_frame(1, truncated);
  p.b.on_frame(1, bad_ip);
  p.b.on_frame(1, Frame{});
  const HostCounters& c = p.b.counters();
  EXPECT_EQ(c.malformed, 4u);
  EXPECT_EQ(c.malformed_by_status[static_cast<int>(wire::ParseStatus::kBadChecksum)], 1u);
  EXPECT_EQ(c.malformed_by_status[static_cast<int>(wire::ParseStatus::kTruncated)], 2u);
  EXPECT_EQ(c.malformed_by_status[static_cast<int>(wire::ParseStatus::kBadIpChecksum)], 1u);
  EXPECT_EQ(c.bytes_delivered, 0u);
  EXPECT_TRUE(p.drain(p.b, 1).empty());
  p.b.on_frame(2, good);
  EXPECT_EQ(c.bytes_delivered, 1000u);
  EXPECT_EQ(c.payload_errors, 0u);
}

TEST(Host, FramesForAnotherHostAndStaleAcksAreCounted) {
  Pair p;
  p.a.start_flow(0, {1, 1, 1000});
  auto frames = p.drain(p.a, 0);
  p.a.on_frame(1, frames[0]);  // data addressed to node 1 arriving at node 0
  EXPECT_EQ(p.a.counters().misdelivered, 1u);
  p.b.on_frame(2, frames[0]);
  auto acks = p.drain(p.b, 2);
  p.a.on_frame(3, acks[0]);
  p.a.on_frame(4, acks[0]);  // the flow is done: a late duplicate
  EXPECT_EQ(p.a.counters().stale_control, 1u);
}

TEST(Host, ProbeIsAnsweredAndItsRttReported) {
  Pair p;
  std::vector<std::tuple<std::uint32_t, std::uint64_t, TimeNs>> got;
  p.a.on_probe_rtt = [&](std::uint32_t n, std::uint64_t id, TimeNs rtt) { got.emplace_back(n, id, rtt); };
  p.a.send_probe(100, 1, 42);
  auto probe = p.drain(p.a, 200);  // stamped when it leaves, not when queued
  ASSERT_EQ(probe.size(), 1u);
  EXPECT_EQ(Pair::parse(probe[0]).seg.type, wire::PacketType::kProbe);
  p.b.on_frame(1200, probe[0]);
  auto reply = p.drain(p.b, 1300);
  ASSERT_EQ(reply.size(), 1u);
  EXPECT_EQ(Pair::parse(reply[0]).seg.type, wire::PacketType::kProbeReply);
  p.a.on_frame(2200, reply[0]);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], std::make_tuple(1u, 42ull, TimeNs{2000}));
}

// HostConfig::pacing_slack reaches the flows: a loop that calls next_frame late gets the
// departures it missed (up to the slack's worth), not only one.
TEST(Host, PacingSlackLetsALateLoopSendTheDeparturesItMissed) {
  const auto frames_at = [](TimeNs slack) {
    auto log = std::make_shared<test::CcLog>();
    const cc::Algorithm algo = test::fixed_algorithm(1e9, 1.25e9, log);  // paced at 10 Gb/s
    HostConfig c = config(&algo, 0);
    c.pacing_slack = slack;
    Host h(c);
    h.start_flow(0, {1, 1, 1'000'000});
    std::vector<std::uint8_t> buf(2048);
    EXPECT_GT(h.next_frame(0, buf), 0u);
    int n = 0;
    while (h.next_frame(5000, buf) != 0) ++n;  // 5 us late: 5.67 gaps of 882 ns
    return n;
  };
  EXPECT_EQ(frames_at(0), 1);
  EXPECT_EQ(frames_at(2000), 3);  // due at 882, then from 5000 - 2000: 3882, 4764
  HostConfig bad = config(nullptr, 0);
  bad.pacing_slack = -1;
  EXPECT_THROW(Host{bad}, std::invalid_argument);
}

TEST(Host, ConfigAndFlowErrorsNameTheProblem) {
  HostConfig c = config(nullptr, 0);
  c.payload_bytes = 1500;  // + 78 bytes of headers > mtu 1500
  try {
    Host h(c);
    FAIL() << "accepted an oversized payload";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("mtu"), std::string::npos) << e.what();
  }
  c = config(nullptr, 0);
  c.link_rate = 0;
  EXPECT_THROW(Host{c}, std::invalid_argument);
  Host no_cc(config(nullptr, 0));
  EXPECT_THROW(no_cc.start_flow(0, {1, 1, 100}), std::invalid_argument);
  Pair p;
  EXPECT_THROW(p.a.start_flow(0, {1, 1, 0}), std::invalid_argument);
  p.a.start_flow(0, {1, 1, 100});
  EXPECT_THROW(p.a.start_flow(0, {1, 1, 100}), std::invalid_argument);
  std::vector<std::uint8_t> small(100);
  EXPECT_THROW(p.a.next_frame(0, small), std::length_error);
}

}  // namespace
}  // namespace ptcp::transport
