// experiments/websearch-small on ns-3 (k=4 fat-tree, 16 hosts, web search sizes): every flow
// completes with every byte verified and no flow beats its ideal FCT; the same seed gives a
// byte-identical fct.csv; a captured port's pcap holds our Ethernet frames.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "experiment/ideal_fct.h"
#include "experiment_runs.h"
#include "wire/format.h"

namespace ptcp::ns3test {
namespace {

// fct.csv's columns, formatted as the results writer does (ideal and slowdown derived).
std::string fct_csv(const SimRun& r) {
  std::ostringstream os;
  os << "flow_id,src,dst,size_bytes,start_ns,end_ns,fct_ns,ideal_fct_ns,slowdown,retransmits\n";
  const auto& t = *r.e.topology;
  for (const auto& f : r.results.fct) {
    const TimeNs ideal = exp::ideal_fct(r.e, f.src, f.dst, f.size_bytes);
    char slow[64];
    std::snprintf(slow, sizeof slow, "%.6f",
                  static_cast<double>(f.end_ns - f.start_ns) / static_cast<double>(ideal));
    os << f.flow_id << ',' << t.node(f.src).name << ',' << t.node(f.dst).name << ','
       << f.size_bytes << ',' << f.start_ns << ',' << f.end_ns << ',' << f.end_ns - f.start_ns
       << ',' << ideal << ',' << slow << ',' << f.retransmits << '\n';
  }
  return os.str();
}

TEST(WebsearchSmall, AtSixtyPercentEveryFlowCompletesAndNoneBeatsItsIdeal) {
  const SimRun r = simulate("websearch-small", {"workload.0.load=0.6"});
  ASSERT_GT(r.flows.size(), 20u);
  EXPECT_EQ(r.results.fct.size(), r.flows.size());
  std::uint64_t bytes = 0;
  for (const auto& f : r.flows) bytes += f.size_bytes;
  EXPECT_EQ(r.stats.bytes_delivered, bytes);
  EXPECT_EQ(r.results.counters.at(exp::counter::kPayloadErrors), 0u);
  EXPECT_EQ(std::set<std::uint32_t>(r.stats.flows_received.begin(), r.stats.flows_received.end()).size(),
            r.flows.size());
  double min_slow = 1e9, max_slow = 0, sum = 0;
  for (const auto& f : r.results.fct) {
    const TimeNs ideal = exp::ideal_fct(r.e, f.src, f.dst, f.size_bytes);
    ASSERT_GT(ideal, 0);
    const double s = static_cast<double>(f.end_ns - f.start_ns) / static_cast<double>(ideal);
    EXPECT_GE(s, 1.0) << "flow " << f.flow_id << " size " << f.size_bytes << " fct "
                      << f.end_ns - f.start_ns << " ideal " << ideal;
    min_slow = std::min(min_slow, s);
    max_slow = std::max(max_slow, s);
    sum += s;
  }
  std::printf("websearch-small 60%%: %zu/%zu flows, %llu bytes, slowdown min %.4f mean %.3f max %.2f, "
              "drops %llu, retransmits %llu, sim end %.2f ms, %llu packet hops, wall %.2f s\n",
              r.results.fct.size(), r.flows.size(), static_cast<unsigned long long>(bytes), min_slow,
              sum / static_cast<double>(r.results.fct.size()), max_slow,
              static_cast<unsigned long long>(r.results.counters.at(exp::counter::kDrops)),
              static_cast<unsigned long long>(r.results.counters.at(exp::counter::kRetransmits)),
              static_cast<double>(r.stats.sim_end_ns) / 1e6,
              static_cast<unsigned long long>(r.stats.frames_sent), r.stats.wall_s);
}

TEST(Determinism, SameSeedGivesByteIdenticalFctCsv) {
  const std::vector<std::string> sets{"workload.0.load=0.6", "run.duration=1ms", "run.seed=7"};
  const std::string a = fct_csv(simulate("websearch-small", sets));
  const std::string b = fct_csv(simulate("websearch-small", sets));
  const std::string c = fct_csv(simulate("websearch-small", {"workload.0.load=0.6",
                                                            "run.duration=1ms", "run.seed=8"}));
  std::printf("fct.csv: %zu bytes, %zu lines; seed 8 gives %zu bytes\n", a.size(),
              static_cast<std::size_t>(std::count(a.begin(), a.end(), '\n')), c.size());
  EXPECT_GT(std::count(a.begin(), a.end(), '\n'), 3);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);  // the seed matters
}

TEST(Pcap, CapturedPortHoldsOurEthernetFrames) {
  const std::string dir = ::testing::TempDir() + "/ptcp_ns3_pcap";
  ns3sim::RunOptions opt;
  opt.pcap_dir = dir;
  const exp::Experiment e = load("incast-10to1");
  opt.pcap_ports = {*e.topology->find_port("tor0->h0")};
  const SimRun r = simulate("incast-10to1", {"run.duration=600us", "run.drain_limit=0"}, opt);
  const std::string path = dir + "/tor0->h0.pcap";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  std::vector<std::uint8_t> b((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GE(b.size(), 24u);
  std::uint32_t magic, linktype;
  std::memcpy(&magic, b.data(), 4);
  std::memcpy(&linktype, b.data() + 20, 4);
  EXPECT_EQ(magic, 0xa1b23c4du);
  EXPECT_EQ(linktype, 1u);
  std::size_t off = 24, frames = 0, data = 0, acks = 0, with_int = 0;
  TimeNs prev = 0;
  while (off + 16 <= b.size()) {
    std::uint32_t sec, nsec, caplen, len;
    std::memcpy(&sec, b.data() + off, 4);
    std::memcpy(&nsec, b.data() + off + 4, 4);
    std::memcpy(&caplen, b.data() + off + 8, 4);
    std::memcpy(&len, b.data() + off + 12, 4);
    ASSERT_LE(off + 16 + caplen, b.size());
    const TimeNs t = static_cast<TimeNs>(sec) * kNsPerSec + nsec;
    EXPECT_GE(t, prev);
    prev = t;
    wire::ParsedFrame pf;
    const auto st = wire::parse_frame(std::span<const std::uint8_t>(b.data() + off + 16, caplen), pf);
    ASSERT_EQ(st, wire::ParseStatus::kOk) << "frame " << frames << ": " << wire::to_string(st);
    if (pf.seg.type == wire::PacketType::kData) ++data;
    if (pf.seg.type == wire::PacketType::kAck) ++acks;
    if (pf.seg.type == wire::PacketType::kData && pf.seg.int_stack.n_hops > 0) ++with_int;
    ++frames;
    off += 16 + caplen;
  }
  EXPECT_EQ(off, b.size());
  std::printf("pcap %s: %zu frames (%zu data, %zu with INT hops, %zu ACKs)\n", path.c_str(), frames,
              data, with_int, acks);
  EXPECT_GT(data, 100u);
  EXPECT_EQ(with_int, data);  // PowerTCP: every data packet stamped by the switches on its way
  EXPECT_GT(acks, 100u);

  // Decode with Wireshark and the project's dissector when both are here.
  const std::string lua = std::string(PTCP_SOURCE_DIR) + "/analysis/wireshark/powertcp.lua";
  if (std::system("command -v tshark >/dev/null 2>&1") != 0 || !std::ifstream(lua)) {
    std::printf("tshark or %s missing: dissector check skipped\n", lua.c_str());
    return;
  }
  const std::string out = dir + "/tshark.txt";
  const std::string cmd = "tshark -n -X lua_script:" + lua + " -r '" + path +
                          "' -T fields -e powertcp.type -e powertcp.int.n_hops > '" + out +
                          "' 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream tf(out);
  std::string line;
  std::size_t lines = 0, typed = 0;
  while (std::getline(tf, line)) {
    ++lines;
    if (!line.empty() && line[0] >= '1' && line[0] <= '6') ++typed;
  }
  std::printf("tshark + powertcp.lua decoded %zu of %zu frames as powertcp\n", typed, lines);
  EXPECT_EQ(lines, frames);
  EXPECT_EQ(typed, frames);
}

}  // namespace
}  // namespace ptcp::ns3test
