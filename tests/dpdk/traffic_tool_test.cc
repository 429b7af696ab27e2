// The traffic tool in loopback (its peer in-process on a ring cable): iperf prints one line a
// second with an acknowledged rate never above the link's and its flow finishes after the
// stop; load and incast start flows and finish them all.
#include <gtest/gtest.h>

#include <sstream>

#include "support/result_files.h"

namespace ptcp::dpdk::testing {
using namespace ptcp::testing;
namespace {

const std::string kTool = std::string(POWERTCP_TRAFFIC_EXE) + " --no-huge -m 256 --no-shconf --no-pci -l 0 -- ";

TEST(TrafficTool, IperfReportsEverySecondBelowTheLinkRate) {
  TempDir dir("traffic-iperf");
  const Outcome o = shell("timeout 60 " + kTool + "iperf --loopback --time 2 --rate 1Gbps", dir.path());
  ASSERT_EQ(o.code, 0) << o.err;
  std::printf("%s", o.out.c_str());
  std::istringstream in(o.out);
  std::string line;
  int intervals = 0;
  double total = 0;
  while (std::getline(in, line)) {
    double from = 0, to = 0, gbps = 0, kpps = 0;
    unsigned long long retx = 0;
    if (std::sscanf(line.c_str(), "%lf-%lf s %lf %lf %llu", &from, &to, &gbps, &kpps, &retx) == 5) {
      ++intervals;
      EXPECT_LE(gbps, 1.0 * 1.02) << line;  // paced at the link rate (2% for the interval edges)
      EXPECT_GE(gbps, 0.0) << line;
      total += gbps;
    }
  }
  EXPECT_GE(intervals, 2);
  EXPECT_GT(total, 0.0);
  EXPECT_NE(o.out.find("total: 1 flows finished of 1 started"), std::string::npos) << o.out;
}

TEST(TrafficTool, LoadAndIncastFinishWhatTheyStart) {
  TempDir dir("traffic-load");
  const Outcome load = shell("timeout 60 " + kTool + "load --loopback --time 1 --rate 1Gbps --load 0.3 --cdf " +
                                 std::string(POWERTCP_SOURCE_DIR) + "/experiments/cdf/websearch.txt",
                             dir.path(), "load");
  ASSERT_EQ(load.code, 0) << load.err;
  std::printf("%s", load.out.c_str());
  unsigned long long fin = 0, st = 0;
  const auto pos = load.out.find("total: ");
  ASSERT_NE(pos, std::string::npos);
  ASSERT_EQ(std::sscanf(load.out.c_str() + pos, "total: %llu flows finished of %llu", &fin, &st), 2);
  EXPECT_GT(st, 0u);
  EXPECT_EQ(fin, st);
  const Outcome inc = shell("timeout 60 " + kTool + "incast --loopback --time 1 --rate 1Gbps --fan-in 4 "
                                "--bytes 16KB --interval 20ms",
                            dir.path(), "incast");
  ASSERT_EQ(inc.code, 0) << inc.err;
  std::printf("%s", inc.out.c_str());
  EXPECT_NE(inc.out.find("done"), std::string::npos);
  EXPECT_NE(inc.out.find("total: 200 flows finished of 200 started"), std::string::npos) << inc.out;
}

TEST(TrafficTool, BadModeIsExitTwo) {
  TempDir dir("traffic-bad");
  EXPECT_EQ(shell(kTool + "ping --loopback", dir.path()).code, 2);
  EXPECT_EQ(shell(kTool + "load --loopback", dir.path()).code, 2);  // no --cdf
}

}  // namespace
}  // namespace ptcp::dpdk::testing
