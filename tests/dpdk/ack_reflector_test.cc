// The host bench's ACK reflector: its ACKs must be what a real receiver sends, i.e. accepted
// by the sender's Host as ACKs (parse, checksum, INT, CC), acknowledging each data frame's end.
#include "backends/dpdk/ack_reflector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cc/registry.h"
#include "transport/host.h"
#include "wire/format.h"

namespace ptcp::dpdk {
namespace {

constexpr std::uint32_t kFlow = 7;

transport::HostConfig sender_config() {
  transport::HostConfig c;
  c.node_index = 0;
  c.link_rate = 100'000'000'000ULL;
  c.payload_bytes = 1000;
  c.int_enabled = true;
  c.verify_payload = false;
  c.algorithm = cc::Registry::global().find("powertcp");
  EXPECT_NE(c.algorithm, nullptr);
  EXPECT_FALSE(cc::resolve_params(*c.algorithm, {}, c.cc_params).has_value());
  c.base_rtt = 10 * kNsPerUs;
  return c;
}

// The sender's next data frame at `now`.
std::vector<std::uint8_t> data_frame(transport::Host& h, TimeNs now) {
  std::vector<std::uint8_t> f(h.max_frame_len());
  f.resize(h.next_frame(now, f));
  return f;
}

transport::FlowSample flow_of(const transport::Host& h) {
  transport::FlowSample out;
  h.for_each_flow([&](const transport::FlowSample& s) { out = s; });
  return out;
}

TEST(AckReflector, SenderAcceptsItsAcksAsRealOnes) {
  transport::Host sender(sender_config());
  sender.start_flow(0, transport::FlowSpec{kFlow, 1, 1'000'000});
  AckReflector r(0, 1, kFlow, 100'000);
  std::vector<std::uint8_t> ack(AckReflector::kAckLen);

  std::uint32_t tx_bytes = 0;
  std::uint64_t acked = 0;
  for (int i = 0; i < 4; ++i) {
    const TimeNs now = 1000 * (i + 1);
    const std::vector<std::uint8_t> data = data_frame(sender, now);
    ASSERT_GT(data.size(), 0u);
    wire::ParsedFrame d;
    ASSERT_EQ(wire::parse_frame(data, d), wire::ParseStatus::kOk);
    ASSERT_EQ(r.reflect(data, static_cast<std::uint32_t>(now + 500), ack), AckReflector::kAckLen);
    tx_bytes += static_cast<std::uint32_t>(data.size());

    // What the sender will parse: an ACK of the frame's end with a full 5-hop stack.
    wire::ParsedFrame a;
    ASSERT_EQ(wire::parse_frame(ack, a), wire::ParseStatus::kOk);
    EXPECT_EQ(a.seg.type, wire::PacketType::kAck);
    EXPECT_EQ(a.seg.flow_id, kFlow);
    EXPECT_EQ(a.seg.seq, d.seg.seq);
    EXPECT_EQ(a.seg.ack, d.seg.seq + d.seg.payload_len);
    EXPECT_EQ(a.seg.ts_ns, d.seg.ts_ns);
    EXPECT_EQ(a.src_ip, wire::node_ip(1));
    EXPECT_EQ(a.dst_ip, wire::node_ip(0));
    ASSERT_EQ(a.seg.int_stack.n_hops, wire::kMaxIntHops);
    for (const wire::IntHop& h : a.seg.int_stack.hops) {
      EXPECT_EQ(h.tx_bytes, tx_bytes);
      EXPECT_EQ(h.ts_ns, static_cast<std::uint32_t>(now + 500));
      EXPECT_EQ(h.rate_mbps, 100'000u);
      EXPECT_EQ(h.qlen_bytes, 0u);
    }

    sender.on_frame(now + 1000, ack);
    acked = d.seg.seq + d.seg.payload_len;
    EXPECT_EQ(flow_of(sender).acked_bytes, acked);
  }
  EXPECT_EQ(sender.counters().acks_received, 4u);
  EXPECT_EQ(sender.counters().malformed, 0u);
  EXPECT_EQ(sender.counters().stale_control, 0u);
  EXPECT_EQ(r.reflected(), 4u);
  EXPECT_EQ(r.ignored(), 0u);
  // From the second ACK on, PowerTCP's power comes from the hops' deltas: finite.
  EXPECT_TRUE(std::isfinite(flow_of(sender).congestion_signal));
}

TEST(AckReflector, IgnoresWhatIsNotDataOfItsFlow) {
  transport::Host sender(sender_config());
  sender.start_flow(0, transport::FlowSpec{kFlow, 1, 1'000'000});
  const std::vector<std::uint8_t> data = data_frame(sender, 1000);
  std::vector<std::uint8_t> ack(AckReflector::kAckLen, 0xAA);
  const std::vector<std::uint8_t> untouched = ack;

  AckReflector other_flow(0, 1, kFlow + 1, 100'000);
  EXPECT_EQ(other_flow.reflect(data, 0, ack), 0u);

  AckReflector r(0, 1, kFlow, 100'000);
  std::vector<std::uint8_t> truncated(data.begin(), data.begin() + wire::kIntOffset);
  EXPECT_EQ(r.reflect(truncated, 0, ack), 0u);
  // An ACK is not data: reflecting the reflector's own output is refused.
  std::vector<std::uint8_t> own(AckReflector::kAckLen);
  ASSERT_EQ(r.reflect(data, 0, own), AckReflector::kAckLen);
  EXPECT_EQ(r.reflect(own, 0, ack), 0u);
  std::vector<std::uint8_t> small(AckReflector::kAckLen - 1);
  EXPECT_EQ(r.reflect(data, 0, small), 0u);

  EXPECT_EQ(ack, untouched);
  EXPECT_EQ(other_flow.ignored(), 1u);
  EXPECT_EQ(r.ignored(), 3u);
  EXPECT_EQ(r.reflected(), 1u);
}

}  // namespace
}  // namespace ptcp::dpdk
