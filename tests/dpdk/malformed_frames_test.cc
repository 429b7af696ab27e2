// Malformed frames injected on live ports during the incast: each kind is counted and dropped
// where it lands (switch or host), nothing crashes, and every flow still completes.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "backends/dpdk/virtual_testbed.h"
#include "dpdk/eal_environment.h"
#include "dpdk/experiment_fixture.h"
#include "wire/checksum.h"
#include "wire/format.h"

namespace ptcp::dpdk {
namespace {

// A well-formed DATA frame h1 -> h0 with an INT region (what the switch expects to see).
std::vector<std::uint8_t> valid_frame(std::uint32_t src, std::uint32_t dst, std::uint32_t flow) {
  std::vector<std::uint8_t> buf(2048);
  const wire::FrameAddr a = wire::flow_addr(src, dst, flow);
  wire::Segment seg;
  seg.type = wire::PacketType::kData;
  seg.flags = wire::flags::kHasInt;
  seg.flow_id = flow;
  seg.payload_len = 100;
  std::vector<std::uint8_t> payload(100, 0x5a);
  const std::size_t n = wire::write_frame(buf, a, seg, wire::kEcnEct0, payload);
  buf.resize(n);
  return buf;
}

void fix_ip_checksum(std::vector<std::uint8_t>& f) {
  f[wire::kIpOffset + 10] = 0;
  f[wire::kIpOffset + 11] = 0;
  const std::uint16_t c = wire::internet_checksum(
      std::span<const std::uint8_t>(f.data() + wire::kIpOffset, wire::kIpv4Len));
  f[wire::kIpOffset + 10] = static_cast<std::uint8_t>(c >> 8);
  f[wire::kIpOffset + 11] = static_cast<std::uint8_t>(c & 0xff);
}

struct Kind {
  const char* name;
  std::vector<std::uint8_t> bytes;
};

std::vector<Kind> malformed_kinds(std::uint32_t src, std::uint32_t dst) {
  std::vector<Kind> k;
  const auto good = valid_frame(src, dst, 999);
  {
    wire::ParsedFrame pf;
    EXPECT_EQ(wire::parse_frame(good, pf), wire::ParseStatus::kOk);  // the base is valid
  }
  auto truncated = good;
  truncated.resize(wire::kTransportOffset + 10);
  k.push_back({"truncated", truncated});
  auto bad_ip_len = good;
  bad_ip_len[wire::kIpOffset + 2] = 0x7f;  // total length far beyond the frame
  fix_ip_checksum(bad_ip_len);
  k.push_back({"bad IP length", bad_ip_len});
  auto bad_udp_len = good;
  bad_udp_len[wire::kUdpOffset + 4] = 0;
  bad_udp_len[wire::kUdpOffset + 5] = 3;  // shorter than the UDP header itself
  k.push_back({"bad UDP length", bad_udp_len});
  auto bogus_int = good;
  bogus_int[wire::kIntOffset] = 200;  // INT hop count beyond kMaxIntHops
  k.push_back({"bogus INT hop count", bogus_int});
  auto tcp = good;
  tcp[wire::kIpOffset + 9] = 6;  // TCP, not UDP
  fix_ip_checksum(tcp);
  k.push_back({"wrong protocol", tcp});
  auto arp = good;
  arp[12] = 0x08;
  arp[13] = 0x06;  // ARP ethertype
  k.push_back({"unknown ethertype", arp});
  std::vector<std::uint8_t> runt(8, 0xff);
  k.push_back({"runt", runt});
  return k;
}

TEST(MalformedFrames, CountedAndDroppedWhileFlowsComplete) {
  const auto x = testing::load_experiment(
      "incast-10to1", {"testbed.scale=100", "workload.1.bytes=100KB", "run.duration=1ms",
                       "run.drain_limit=100ms"});
  const exp::Topology& t = *x.scaled.topology;
  const std::uint32_t h1_up = *t.find_port("h1->tor0");    // the switch receives these
  const std::uint32_t tor_h0 = *t.find_port("tor0->h0");  // the receiving host gets these
  TestbedOptions opt;
  const auto kinds = malformed_kinds(1, 0);
  // Spread over the incast (it starts at 500 us, i.e. 50 ms in run units).
  TimeNs at = 50 * kNsPerMs;
  for (int rep = 0; rep < 5; ++rep) {
    for (const auto& k : kinds) {
      opt.injections.push_back({h1_up, at, k.bytes});
      opt.injections.push_back({tor_h0, at + 1000, k.bytes});
      at += 200 * kNsPerUs;
    }
  }
  VirtualTestbed tb(x.scaled, x.flows, opt);
  const TestbedRun run = tb.run();
  const std::uint64_t injected_each_side = 5 * kinds.size();

  std::uint64_t sw_malformed = 0;
  for (const auto& [node, c] : run.switch_counters) sw_malformed += c.malformed;
  const auto& h0 = run.host_counters[0];
  std::printf("injected %llu per side; switch malformed %llu; h0 malformed %llu (", 
              static_cast<unsigned long long>(injected_each_side),
              static_cast<unsigned long long>(sw_malformed),
              static_cast<unsigned long long>(h0.malformed));
  for (int i = 0; i < static_cast<int>(wire::ParseStatus::kCount_); ++i) {
    if (h0.malformed_by_status[i] != 0) {
      std::printf(" %s=%llu", wire::to_string(static_cast<wire::ParseStatus>(i)),
                  static_cast<unsigned long long>(h0.malformed_by_status[i]));
    }
  }
  std::printf(" )\n");
  // Every injected frame was rejected where it landed, none went further.
  EXPECT_EQ(sw_malformed, injected_each_side);
  EXPECT_EQ(h0.malformed, injected_each_side);
  EXPECT_EQ(h0.payload_errors, 0u);
  std::uint64_t other_hosts_malformed = 0;
  for (std::size_t h = 1; h < run.host_counters.size(); ++h) {
    other_hosts_malformed += run.host_counters[h].malformed;
  }
  EXPECT_EQ(other_hosts_malformed, 0u);
  // The flows did not notice.
  EXPECT_TRUE(run.all_completed);
  EXPECT_EQ(run.pool_free_end, run.pool_free_start);
}

}  // namespace
}  // namespace ptcp::dpdk
