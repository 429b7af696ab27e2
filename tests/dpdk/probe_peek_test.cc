// backends/dpdk/probe_peek.h: probes padded to a data frame's length and replies to an ACK's
// (cc.base_rtt = "measured" measures the RTT the CC needs); the padded frames still parse and
// are still seen as probes; other frames are never touched.
#include "backends/dpdk/probe_peek.h"

#include <gtest/gtest.h>

#include <vector>

#include "cc/registry.h"
#include "transport/host.h"

namespace ptcp::dpdk {
namespace {

// A real probe and its reply, written by two core hosts.
struct ProbePair {
  transport::Host a{cfg(0)}, b{cfg(1)};
  static transport::HostConfig cfg(std::uint32_t node) {
    transport::HostConfig c;
    c.node_index = node;
    c.link_rate = 25'000'000'000;
    c.base_rtt = 10'000;
    c.algorithm = cc::Registry::global().find("powertcp");
    cc::resolve_params(*c.algorithm, {}, c.cc_params);
    c.int_enabled = true;
    return c;
  }
};

TEST(ProbePadding, ProbeToDataFrameReplyToAckOthersUntouched) {
  ProbePair p;
  std::vector<std::uint8_t> buf(2048, 0xee);
  p.a.send_probe(100, 1, 42);
  const std::size_t n = p.a.next_frame(100, buf);
  ASSERT_GT(n, 0u);
  const std::size_t out = wire::frame_len(true, 1000), back = wire::frame_len(true, 0);
  const std::size_t padded = probe_padded_len(buf, n, out, back);
  EXPECT_EQ(padded, out);
  for (std::size_t i = n; i < padded; ++i) ASSERT_EQ(buf[i], 0) << i;
  const std::span<const std::uint8_t> probe(buf.data(), padded);
  wire::ParsedFrame pf;
  ASSERT_EQ(wire::parse_frame(probe, pf), wire::ParseStatus::kOk);
  ProbeSeen seen;
  ASSERT_TRUE(peek_probe(probe, seen));
  EXPECT_EQ(seen.id, 42u);

  // The padded probe is answered; the reply is padded to an ACK's length.
  p.b.on_frame(200, probe);
  std::vector<std::uint8_t> rbuf(2048, 0xee);
  const std::size_t rn = p.b.next_frame(200, rbuf);
  ASSERT_GT(rn, 0u);
  const std::size_t rpadded = probe_padded_len(rbuf, rn, out, back);
  EXPECT_EQ(rpadded, back);
  TimeNs rtt = -1;
  p.a.on_probe_rtt = [&](std::uint32_t, std::uint64_t id, TimeNs r) {
    EXPECT_EQ(id, 42u);
    rtt = r;
  };
  p.a.on_frame(300, std::span<const std::uint8_t>(rbuf.data(), rpadded));
  EXPECT_EQ(rtt, 200);

  // Lengths not above the frame, or beyond the buffer, leave it as it is.
  EXPECT_EQ(probe_padded_len(buf, n, n - 1, back), n);
  EXPECT_EQ(probe_padded_len(std::span<std::uint8_t>(buf.data(), n + 10), n, out, back), n);

  // A data frame is never padded.
  p.a.start_flow(400, transport::FlowSpec{7, 1, 5000});
  std::vector<std::uint8_t> dbuf(2048, 0);
  const std::size_t dn = p.a.next_frame(400, dbuf);
  ASSERT_GT(dn, 0u);
  EXPECT_EQ(probe_padded_len(dbuf, dn, 1500, 1500), dn);
}

}  // namespace
}  // namespace ptcp::dpdk
