// Simulation vs testbed (issue #8): experiments/longflows-bottleneck (four flows share the 25G
// sw0->sw1 at once) with 2 MB per flow, scaled by 1500 so tau is 10.4 ms on the DPDK virtual
// testbed, on ns-3 and on DPDK from the same file. Per flow: throughput (size / FCT) within 10%
// and completion time within 20%. A DPDK run whose loop stalled (meta.json counters.stalls > 0:
// the machine took the core away, so the run is not the experiment) is repeated, up to three
// runs; if all stall the test is skipped with the counts. The measured differences are printed.
//
// beta is the paper's guideline HostBw*tau/N (expected_flows = 4), not the file's default
// 150 Mb/s * tau: that default gives 130 B per flow here, an equilibrium queue (sum of betas,
// 520 B) below one 1162-byte packet, so the queue flips between 0 and 2 packets and each flow's
// share is set by which packets happen to meet the queue, not by the control law (its window
// beta / (1 - 1/Gamma) moves ~40% per 1% of Gamma). ns-3 locks that packet order (identical
// hosts, ties at the same nanosecond) and gives one flow 6.3 Gb/s and the others 5.0-5.2; any
// 1-200 ns shift of one start, or another scale, reshuffles the shares (FCT spread 4-34%), and
// the testbed's timing jitter shuffles them per run. There is no per-flow figure to agree on.
// With beta = 5.4 KB the queue holds ~19 KB (16 packets) and ns-3 is fair within 0.6% however
// the starts are shifted: per-flow agreement is then a property of the backends.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "support/result_files.h"

namespace ptcp::model::testing {
using namespace ptcp::testing;
namespace {

const char* kEal = " -- --no-huge -m 256 --no-shconf --no-pci -l 0 --log-level=lib.eal:warning";

std::string sets() {
  // The file's 30 ms duration would keep the testbed running (x1500) long after the flows are
  // done; 4 ms plus the drain limit ends the run when the last flow finishes. expected_flows:
  // see the top of the file.
  std::string s = " --set testbed.scale=1500 --set run.duration=4ms --set cc.powertcp.expected_flows=4";
  for (int f = 0; f < 4; ++f) s += " --set workload.0.flows." + std::to_string(f) + ".size=2MB";
  return s + " -q --force --out ";
}

struct Fct {
  double size = 0, fct = 0;
};

std::map<int, Fct> fcts(const fs::path& dir) {
  std::map<int, Fct> out;
  for (const auto& r : read_csv(dir / "fct.csv")) {
    out[std::stoi(r.at("flow_id"))] = Fct{num(r, "size_bytes"), num(r, "fct_ns")};
  }
  return out;
}

TEST(Ns3VsDpdk, LongFlowsBottleneckAgree) {
  TempDir dir("longflows");
  const fs::path s = dir.path() / "ns3", d = dir.path() / "dpdk";
  const Outcome os = powertcp("run " + shipped("longflows-bottleneck") + " -b ns3" + sets() + s.string(),
                              dir.path(), "ns3");
  ASSERT_EQ(os.code, 0) << os.err;
  std::string stall_counts;
  bool clean = false;
  for (int attempt = 1; attempt <= 3 && !clean; ++attempt) {
    const Outcome od = powertcp("run " + shipped("longflows-bottleneck") + " -b dpdk" + sets() +
                                    d.string() + kEal,
                                dir.path(), "dpdk" + std::to_string(attempt));
    ASSERT_EQ(od.code, 0) << od.err;
    const auto c = read_meta(d)["counters"];
    const auto stalls = c.value("stalls", 0ULL);
    std::printf("dpdk run %d: stalls %llu (stalled %llu ns of the experiment, threshold %llu ns), "
                "retransmits %llu\n", attempt, stalls, c.value("stalled_ns", 0ULL),
                c.value("stall_threshold_ns", 0ULL), c.value("retransmits", 0ULL));
    stall_counts += (stall_counts.empty() ? "" : ", ") + std::to_string(stalls);
    clean = stalls == 0;
  }
  const auto fs_ = fcts(s), fd = fcts(d);
  if (!clean) {
    for (const auto& [id, a] : fs_) {
      if (fd.count(id) == 0) continue;
      std::printf("(stalled run, not compared) flow %d: FCT ns-3 %.3f ms, dpdk %.3f ms\n", id,
                  a.fct / 1e6, fd.at(id).fct / 1e6);
    }
    GTEST_SKIP() << "every DPDK run stalled (stall counts " << stall_counts
                 << "): the machine is too busy for a 10-ms-tau testbed run";
  }
  ASSERT_EQ(fs_.size(), 4u);
  ASSERT_EQ(fd.size(), 4u);
  for (const auto& [id, a] : fs_) {
    const Fct& b = fd.at(id);
    const double ta = a.size * 8 / (a.fct * 1e-9), tb = b.size * 8 / (b.fct * 1e-9);
    const double dt = (tb - ta) / ta, dc = (b.fct - a.fct) / a.fct;
    std::printf("flow %d: throughput ns-3 %.3f Gb/s, dpdk %.3f Gb/s (%+.1f%%); FCT ns-3 %.3f ms, "
                "dpdk %.3f ms (%+.1f%%)\n", id, ta / 1e9, tb / 1e9, 100 * dt, a.fct / 1e6,
                b.fct / 1e6, 100 * dc);
    EXPECT_LE(std::abs(dt), 0.10) << "throughput of flow " << id;
    EXPECT_LE(std::abs(dc), 0.20) << "completion time of flow " << id;
  }
}

}  // namespace
}  // namespace ptcp::model::testing
