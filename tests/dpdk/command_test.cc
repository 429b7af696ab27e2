// `powertcp run EXP --backend dpdk [--out DIR] [-- EAL args]` as users run it: the built
// command on the virtual testbed writes the complete results folder, every flow finishes
// with a slowdown of at least 1, the mbuf pool is whole again, and the loop's stall watch and
// the measured base RTT are in meta.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>

#include "support/result_files.h"

namespace ptcp::dpdk::testing {
using namespace ptcp::testing;
namespace {

const char* kEal = " -- --no-huge -m 256 --no-shconf --no-pci -l 0 --log-level=lib.eal:warning";

std::string powertcp() { return POWERTCP_EXE; }

void expect_complete_folder(const fs::path& out) {
  std::set<std::string> files;
  for (const auto& f : fs::directory_iterator(out)) files.insert(f.path().filename().string());
  EXPECT_EQ(files, (std::set<std::string>{"experiment.toml", "meta.json", "fct.csv", "queue.csv",
                                          "buffer.csv", "flows.csv", "links.csv"}));
  for (const auto& f : fs::directory_iterator(out.parent_path())) {
    EXPECT_EQ(f.path().filename().string().find(".tmp-"), std::string::npos) << f.path();
  }
}

TEST(DpdkCommand, IncastScaledWritesTheWholeFolder) {
  TempDir dir("cmd-incast");
  const fs::path out = dir.path() / "incast";
  // incast-10to1 at scale 100 with the burst's flows at 200 KB. The long flow stops at 6 ms
  // (Host::stop_flow) and then completes with the bytes it sent: every flow must finish.
  const Outcome o = shell(powertcp() + " run " + shipped("incast-10to1") +
                              " --backend dpdk --quiet --out " + out.string() +
                              " --set testbed.scale=100 --set workload.1.bytes=200KB" + kEal,
                          dir.path());
  ASSERT_EQ(o.code, 0) << o.err;
  expect_complete_folder(out);

  const auto fct = read_csv(out / "fct.csv");
  ASSERT_EQ(fct.size(), 11u);
  double min_slowdown = 1e9;
  std::set<std::string> ids;
  for (const auto& r : fct) {
    ids.insert(r.at("flow_id"));
    const double sd = std::stod(r.at("slowdown"));
    min_slowdown = std::min(min_slowdown, sd);
    EXPECT_GE(std::stoll(r.at("fct_ns")), std::stoll(r.at("ideal_fct_ns"))) << r.at("flow_id");
    EXPECT_GE(sd, 1.0) << "flow " << r.at("flow_id");
  }
  EXPECT_EQ(ids.size(), 11u);
  // The long flow (id 0) ran from 0 to its stop at 6 ms; its size is what it sent by then
  // (about 4 MB on a quiet machine; stalls cut it: 0.6 MB with the whole suite running under a
  // load of 10), and it ends after the stop.
  const auto& lf = fct.front();
  ASSERT_EQ(lf.at("flow_id"), "0");
  EXPECT_GT(std::stoull(lf.at("size_bytes")), 100'000u);
  EXPECT_GE(std::stoll(lf.at("end_ns")), 6'000'000);
  std::printf("long flow: %s bytes by its stop, done at %s ns\n", lf.at("size_bytes").c_str(),
              lf.at("end_ns").c_str());
  const auto meta = read_json(out / "meta.json");
  const auto& c = meta["counters"];
  std::printf("incast-10to1 at scale 100 (200 KB burst): min slowdown %.3f, stalls %llu "
              "(threshold %llu ns, max gap %llu ns), measured base RTT %llu ns, wall %.2f s\n",
              min_slowdown, c["stalls"].get<unsigned long long>(),
              c["stall_threshold_ns"].get<unsigned long long>(),
              c["max_loop_gap_ns"].get<unsigned long long>(),
              c["measured_base_rtt_ns"].get<unsigned long long>(), meta["wall_time_s"].get<double>());
  EXPECT_EQ(meta["backend"], "dpdk");
  EXPECT_EQ(c["flows_total"], 11);
  EXPECT_EQ(c["flows_finished"], 11);
  EXPECT_EQ(c["flows_received_verified"], 11);
  EXPECT_EQ(c["payload_errors"], 0);
  EXPECT_EQ(c["malformed"], 0);
  EXPECT_EQ(c["mbuf_alloc_failures"], 0);
  EXPECT_EQ(c["mbufs_free_end"], c["mbufs_free_start"]);  // no mbuf leaked
  EXPECT_GT(c["mbufs_total"].get<std::uint64_t>(), 0u);
  EXPECT_TRUE(c.contains("stalls"));
  EXPECT_GT(c["loop_iterations"].get<std::uint64_t>(), 0u);
  // Probes on the idle network: the cross-rack pair sees at least 2 x 14 us of propagation.
  EXPECT_GT(c["measured_base_rtt_ns"].get<std::uint64_t>(), 28'000u);
  EXPECT_LE(c["max_buffer_used_bytes"].get<std::uint64_t>(), 4u * 1024 * 1024);
  EXPECT_EQ(meta["versions"]["eal_args"],
            "--no-huge -m 256 --no-shconf --no-pci -l 0 --log-level=lib.eal:warning");
  EXPECT_NE(meta["versions"]["measured_rtts"].get<std::string>().find("h12->h0="), std::string::npos);
  // Time series: the traced bottleneck queue, never above the buffer; both switch tiers.
  const auto queue = read_csv(out / "queue.csv");
  ASSERT_FALSE(queue.empty());
  std::uint64_t peak = 0;
  for (const auto& r : queue) peak = std::max<std::uint64_t>(peak, std::stoull(r.at("qlen_bytes")));
  EXPECT_GT(peak, 0u);
  EXPECT_LE(peak, 4u * 1024 * 1024);
  EXPECT_FALSE(read_csv(out / "buffer.csv").empty());
  EXPECT_FALSE(read_csv(out / "flows.csv").empty());
  EXPECT_FALSE(read_csv(out / "links.csv").empty());
  std::printf("peak queue at tor0->h0 (traced ports): %llu bytes\n",
              static_cast<unsigned long long>(peak));
}

TEST(DpdkCommand, MeasuredBaseRttIsUsedByTheHosts) {
  TempDir dir("cmd-measured");
  const fs::path out = dir.path() / "pair";
  const Outcome o = shell(powertcp() + " run " + shipped("pair-3node") +
                              " -b dpdk -q -o " + out.string() +
                              " --set testbed.scale=100 --set cc.base_rtt=measured"
                              " --set workload.0.flows.0.size=300KB"
                              " --set workload.0.flows.1.size=300KB" + kEal,
                          dir.path());
  ASSERT_EQ(o.code, 0) << o.err;
  expect_complete_folder(out);
  const auto meta = read_json(out / "meta.json");
  const auto& c = meta["counters"];
  const auto measured = c["measured_base_rtt_ns"].get<std::int64_t>();
  // Propagation both ways plus, per hop at 25 Gb/s, the probe padded to a data frame (1186 wire
  // bytes, 380 ns) out and the reply padded to an ACK (186 bytes, 60 ns) back: 4880 ns, what
  // experiment/probe_rtt.h computes for ns-3.
  const std::int64_t computed = 4 * 1000 + 2 * 380 + 2 * 60;
  std::printf("pair-3node measured base RTT %lld ns (computed %lld ns), used %lld ns\n",
              static_cast<long long>(measured), static_cast<long long>(computed),
              static_cast<long long>(c["base_rtt_used_ns"].get<std::int64_t>()));
  EXPECT_EQ(c["base_rtt_used_ns"], measured);
  EXPECT_EQ(meta["versions"]["base_rtt_source"], "measured");
  EXPECT_GE(measured, computed - 2);  // never faster than the wire
  EXPECT_LT(measured, computed * 3 / 2);
  EXPECT_EQ(c["flows_finished"], 2);
  EXPECT_EQ(c["mbufs_free_end"], c["mbufs_free_start"]);
  EXPECT_NE(slurp(out / "experiment.toml").find("base_rtt = 'measured'"), std::string::npos);
}

TEST(DpdkCommand, PcapngCaptureOfChosenPorts) {
  TempDir dir("cmd-pcap");
  const fs::path cap = dir.path() / "cap";
  const Outcome o = shell("POWERTCP_DPDK_PCAP='" + cap.string() + ":h0->sw0,sw0->h2' " + powertcp() +
                              " run " + shipped("pair-3node") + " -b dpdk -q -o " +
                              (dir.path() / "r").string() +
                              " --set testbed.scale=100 --set workload.0.flows.0.size=100KB"
                              " --set workload.0.flows.1.size=100KB" + kEal,
                          dir.path());
  ASSERT_EQ(o.code, 0) << o.err;
  const std::string up = slurp(cap / "h0_to_sw0.pcapng"), down = slurp(cap / "sw0_to_h2.pcapng");
  ASSERT_GE(up.size(), 4u);
  EXPECT_EQ(up.substr(0, 4), std::string("\x0a\x0d\x0d\x0a", 4));  // Section Header Block
  // h0 sends 100 data packets (1000-byte payloads) plus probes; h2 gets both flows' data.
  const std::size_t n_up = count_packet_blocks(up), n_down = count_packet_blocks(down);
  std::printf("captured %zu frames on h0->sw0, %zu on sw0->h2\n", n_up, n_down);
  EXPECT_GE(n_up, 100u);
  EXPECT_GE(n_down, 200u);
  EXPECT_FALSE(fs::exists(cap / "sw0_to_h0.pcapng"));  // only the ports asked for
  const Outcome bad = shell("POWERTCP_DPDK_PCAP='" + cap.string() + ":nope' " + powertcp() + " run " +
                                shipped("pair-3node") + " -b dpdk -q -o " + (dir.path() / "r2").string() + kEal,
                            dir.path(), "bad");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("no port named 'nope'"), std::string::npos) << bad.err;
}

TEST(DpdkCommand, BadEalArgumentsFailWithoutAFolder) {
  TempDir dir("cmd-badeal");
  const fs::path out = dir.path() / "never";
  const Outcome o = shell(powertcp() + " run " + shipped("pair-3node") + " -b dpdk -q -o " +
                              out.string() + " -- --no-huge --in-memory --no-pci",
                          dir.path());
  EXPECT_NE(o.code, 0);
  EXPECT_NE(o.err.find("EAL"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST(DpdkCommand, NodeMustBeATopologyNode) {
  TempDir dir("cmd-node");
  const Outcome o = shell(powertcp() + " run " + shipped("pair-3node") + " -b dpdk --node h7 -o " +
                              (dir.path() / "x").string(),
                          dir.path());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("h7"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace ptcp::dpdk::testing
