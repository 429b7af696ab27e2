// The ideal FCT: the issue's formula on hand-computed cases.
#include <gtest/gtest.h>

#include "experiment/ideal_fct.h"
#include "test_util.h"
#include "wire/format.h"

namespace ptcp::exp {
namespace {

TEST(IdealFct, OnePacketOnAStar) {
  const Experiment e = test::parse(test::kMinimal);  // star, 25G, 1 us links, PowerTCP (INT)
  // 1000 B payload with INT: frame 14+20+8+36+84+1000 = 1162, on the wire +24 = 1186 B.
  const std::uint64_t data = wire::wire_bytes(wire::frame_len(true, 1000));
  const std::uint64_t ack = wire::wire_bytes(wire::frame_len(true, 0));
  EXPECT_EQ(data, 1186u);
  // Two hops at equal rate: the slowest is the last one; the first hop carries the first packet.
  const double ser = 8.0 / 25.0;  // ns per byte at 25G
  const double expect = 4000 + 2 * ack * ser + data * ser + data * ser;
  EXPECT_EQ(ideal_fct(e, 0, 1, 1000), static_cast<TimeNs>(expect));
}

TEST(IdealFct, ManyPacketsAtTheBottleneckAndShortLastPacket) {
  const Experiment e = test::parse(R"(
[topology]
kind = "dumbbell"
hosts_left = 1
hosts_right = 1
host_rate = "100Gbps"
host_delay = "1us"
bottleneck_rate = "10Gbps"
bottleneck_delay = "2us"
[cc]
algorithm = "dctcp"
[[workload]]
kind = "flows"
flows = [{ src = "h0", dst = "h1", size = 2500 }]
)");
  // No INT for DCTCP. Packets 1000, 1000, 500.
  const double full = wire::wire_bytes(wire::frame_len(false, 1000));
  const double last = wire::wire_bytes(wire::frame_len(false, 500));
  const double ack = wire::wire_bytes(wire::frame_len(false, 0));
  const double fast = 8.0 / 100, slow = 8.0 / 10;  // ns per byte
  const double expect = 2 * (1000 + 2000 + 1000)              // propagation both ways
                        + ack * (fast + slow + fast)          // one ACK back
                        + full * fast                         // first packet before the bottleneck
                        + (2 * full + last) * slow            // all bytes at the bottleneck
                        + last * fast;                        // last packet after it
  EXPECT_EQ(ideal_fct(e, 0, 1, 2500), static_cast<TimeNs>(expect));
  // Grows by exactly one packet's bottleneck time per extra full packet.
  EXPECT_NEAR(static_cast<double>(ideal_fct(e, 0, 1, 3500) - ideal_fct(e, 0, 1, 2500)), full * slow, 1.0);
}

TEST(IdealFct, UsesTheUnscaledTopology) {
  const Experiment e = test::parse(test::kMinimal, {"testbed.scale=10"});
  const Experiment one = test::parse(test::kMinimal);
  EXPECT_EQ(ideal_fct(e, 0, 1, 123456), ideal_fct(one, 0, 1, 123456));
}

}  // namespace
}  // namespace ptcp::exp
