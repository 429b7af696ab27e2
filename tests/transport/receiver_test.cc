#include "transport/receiver.h"

#include <gtest/gtest.h>

#include <vector>

#include "transport/payload.h"

namespace ptcp::transport {
namespace {

// A DATA segment of flow 5 (the flow every test here receives).
wire::Segment data_segment(std::uint64_t seq, std::uint16_t len, bool last = false) {
  wire::Segment s;
  s.type = wire::PacketType::kData;
  s.flow_id = 5;
  s.seq = seq;
  s.payload_len = len;
  s.flags = last ? wire::flags::kLast : 0;
  return s;
}

struct Rx {
  ReceiverFlow flow;
  std::vector<std::uint8_t> buf = std::vector<std::uint8_t>(2000);
  explicit Rx(ReceiverParams p) : flow(5, p) {}
  RxReply data(TimeNs now, std::uint64_t seq, std::uint16_t len, bool last = false,
               bool ce = false) {
    const wire::Segment s = data_segment(seq, len, last);
    fill_payload(5, seq, buf.data(), len);
    return flow.on_data(now, s, buf.data(), ce);
  }
};

ReceiverParams params(std::uint32_t ack_every = 1) {
  ReceiverParams p;
  p.ack_every = ack_every;
  p.nack_interval = 10'000;
  return p;
}

TEST(Receiver, AcksEveryNthPacketAndTheLastAtOnce) {
  Rx rx(params(3));
  std::vector<bool> acks;
  for (int i = 0; i < 7; ++i) {
    const RxReply r = rx.data(i, static_cast<std::uint64_t>(i) * 1000, 1000, i == 6);
    acks.push_back(r.ack);
    EXPECT_FALSE(r.nack);
    EXPECT_EQ(r.delivered, 1000u);
    EXPECT_EQ(r.completed, i == 6);
  }
  EXPECT_EQ(acks, (std::vector<bool>{false, false, true, false, false, true, true}));
  EXPECT_EQ(rx.flow.rcv_nxt(), 7000u);
  EXPECT_TRUE(rx.flow.complete());
  EXPECT_EQ(rx.flow.payload_errors(), 0u);
}

TEST(Receiver, KLastAckedAtOnceEvenMidBatch) {
  Rx rx(params(16));
  EXPECT_FALSE(rx.data(0, 0, 1000).ack);
  const RxReply r = rx.data(1, 1000, 10, true);
  EXPECT_TRUE(r.ack);
  EXPECT_TRUE(r.completed);
}

TEST(Receiver, GapIsNackedOnceThenAgainOnlyAfterTheInterval) {
  Rx rx(params());
  rx.data(0, 0, 1000);
  const RxReply a = rx.data(100, 2000, 1000);  // 1000..2000 missing
  EXPECT_TRUE(a.nack);
  EXPECT_EQ(a.delivered, 0u);
  EXPECT_EQ(rx.flow.rcv_nxt(), 1000u);  // out-of-order data is dropped
  const RxReply b = rx.data(200, 3000, 1000);
  EXPECT_FALSE(b.nack);
  EXPECT_TRUE(b.ack);  // a duplicate ACK instead
  EXPECT_TRUE(rx.data(10'100, 4000, 1000).nack);  // interval passed: NACK again
  EXPECT_FALSE(rx.data(10'200, 5000, 1000).nack);
  // The hole is filled: in order again; a new hole gets its NACK at once.
  EXPECT_TRUE(rx.data(10'300, 1000, 1000).ack);
  EXPECT_EQ(rx.flow.rcv_nxt(), 2000u);
  EXPECT_TRUE(rx.data(10'400, 3000, 1000).nack);
}

TEST(Receiver, DuplicatesAreAckedAtOnceAndNotRedelivered) {
  Rx rx(params(8));
  rx.data(0, 0, 1000);
  rx.data(1, 1000, 1000);
  const RxReply r = rx.data(2, 0, 1000);
  EXPECT_TRUE(r.duplicate);
  EXPECT_TRUE(r.ack);
  EXPECT_EQ(r.delivered, 0u);
  EXPECT_EQ(rx.flow.rcv_nxt(), 2000u);
}

TEST(Receiver, EcnEchoCoversEveryPacketSinceTheLastAck) {
  Rx rx(params(2));
  EXPECT_FALSE(rx.data(0, 0, 1000, false, true).ack);
  const RxReply r = rx.data(1, 1000, 1000);
  EXPECT_TRUE(r.ack);
  EXPECT_TRUE(r.ecn_echo);  // the first of the two was CE
  rx.data(2, 2000, 1000);
  EXPECT_FALSE(rx.data(3, 3000, 1000).ecn_echo);
}

TEST(Receiver, CnpAtMostOncePerInterval) {
  ReceiverParams p = params();
  p.cnp_interval = 50'000;
  Rx rx(p);
  int cnps = 0;
  // A CE-marked packet every 1 us for 200 us: CNPs at 0, 50, 100, 150 us.
  for (int i = 0; i < 200; ++i) {
    cnps += rx.data(i * 1000, static_cast<std::uint64_t>(i) * 100, 100, false, true).cnp;
  }
  EXPECT_EQ(cnps, 4);
  EXPECT_FALSE(rx.data(300'000, 20'000, 100, false, false).cnp);  // no CE, no CNP
}

TEST(Receiver, NoCnpWhenDisabled) {
  Rx rx(params());
  EXPECT_FALSE(rx.data(0, 0, 100, false, true).cnp);
}

TEST(Receiver, CorruptPayloadBytesAreCounted) {
  Rx rx(params());
  const wire::Segment s = data_segment(0, 1000);
  std::vector<std::uint8_t> buf(1000);
  fill_payload(5, 0, buf.data(), 1000);
  buf[10] ^= 0x10;
  buf[900] ^= 0x01;
  const RxReply r = rx.flow.on_data(0, s, buf.data(), false);
  EXPECT_EQ(r.payload_errors, 2u);
  EXPECT_EQ(rx.flow.payload_errors(), 2u);
}

// The host's fused pass hands over its error count: taken for delivered bytes only.
TEST(Receiver, PrecountedErrorsCountOnlyWhenDelivered) {
  Rx rx(params());
  const wire::Segment s = data_segment(0, 1000);
  EXPECT_EQ(rx.flow.on_data_verified(0, s, 7, false).payload_errors, 7u);
  EXPECT_EQ(rx.flow.payload_errors(), 7u);
  const RxReply dup = rx.flow.on_data_verified(1, s, 5, false);  // a duplicate: not delivered
  EXPECT_TRUE(dup.duplicate);
  EXPECT_EQ(dup.payload_errors, 0u);
  const wire::Segment beyond_hole = data_segment(2000, 1000);  // dropped
  EXPECT_EQ(rx.flow.on_data_verified(2, beyond_hole, 9, false).payload_errors, 0u);
  EXPECT_EQ(rx.flow.payload_errors(), 7u);
  EXPECT_EQ(rx.flow.rcv_nxt(), 1000u);
}

TEST(Receiver, VerificationOffSkipsTheCheck) {
  ReceiverParams p = params();
  p.verify_payload = false;
  ReceiverFlow flow(5, p);
  const wire::Segment s = data_segment(0, 100);
  std::vector<std::uint8_t> junk(100, 0xab);
  EXPECT_EQ(flow.on_data(0, s, junk.data(), false).payload_errors, 0u);
  EXPECT_EQ(flow.rcv_nxt(), 100u);
}

}  // namespace
}  // namespace ptcp::transport
