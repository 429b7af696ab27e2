// Workload generators: statistics of the Poisson generator against each shipped CDF, and the
// determinism and rules of every generator.
#include <cmath>
#include <map>
#include <numeric>

#include <gtest/gtest.h>

#include "experiment/workload.h"
#include "test_util.h"

namespace ptcp::exp {
namespace {

std::string poisson_exp(const std::string& cdf_file, double load) {
  return R"(
[topology]
kind = "star"
hosts = 4
[[workload]]
kind = "poisson"
cdf = ")" + test::source_path("experiments/cdf/" + cdf_file) +
         R"("
load = )" + std::to_string(load) + R"(
load_on = "host-links"
destinations = "uniform"
)";
}

class ShippedCdf : public testing::TestWithParam<const char*> {};

TEST_P(ShippedCdf, MeanLoadAndInterArrivalsMatchTheCdf) {
  const double load = 0.5;
  const std::uint32_t hosts = 4;
  const double rate_bps = 25e9;
  // Pick the duration that gives 100,000 flows in expectation.
  Experiment probe = test::parse(poisson_exp(GetParam(), load));
  const double mean = probe.workloads[0].cdf.mean();
  const double ex2 = probe.workloads[0].cdf.second_moment();
  const double lambda_host = load * rate_bps / (mean * 8);
  const double secs = 100'000.0 / (lambda_host * hosts);
  const auto duration = static_cast<TimeNs>(secs * 1e9);
  const Experiment e =
      test::parse(poisson_exp(GetParam(), load), {"run.duration=" + std::to_string(duration)});
  const std::vector<Flow> flows = generate_flows(e);

  double sum = 0;
  std::map<std::uint32_t, std::vector<TimeNs>> starts;
  for (const Flow& f : flows) {
    sum += static_cast<double>(f.size_bytes);
    starts[f.src].push_back(f.start);
    ASSERT_NE(f.src, f.dst);
  }
  const double n = static_cast<double>(flows.size());
  const double sample_mean = sum / n;
  const double se_mean = std::sqrt((ex2 - mean * mean) / n);
  // Offered load: a compound Poisson sum; its variance is lambda * T * E[X^2].
  const double capacity = hosts * rate_bps;
  const double offered = sum * 8 / (secs * capacity);
  const double se_load = std::sqrt(lambda_host * hosts * secs * ex2) * 8 / (secs * capacity);
  // Exponential inter-arrivals: coefficient of variation 1.
  double gsum = 0, gsq = 0, gn = 0;
  for (auto& [h, v] : starts) {
    for (std::size_t i = 1; i < v.size(); ++i) {
      const double g = static_cast<double>(v[i] - v[i - 1]);
      gsum += g;
      gsq += g * g;
      gn += 1;
    }
  }
  const double gmean = gsum / gn;
  const double cv = std::sqrt(gsq / gn - gmean * gmean) / gmean;
  std::printf("  %-24s flows %.0f  mean %.1f (expected %.1f, %.2f SE)  load %.4f (expected %.2f, %.2f SE)  CV %.4f\n",
              GetParam(), n, sample_mean, mean, (sample_mean - mean) / se_mean, offered, load,
              (offered - load) / se_load, cv);
  EXPECT_NEAR(n, 100'000, 5 * std::sqrt(100'000.0));
  EXPECT_LT(std::fabs(sample_mean - mean), 3 * se_mean);
  EXPECT_LT(std::fabs(offered - load), 3 * se_load);
  EXPECT_NEAR(cv, 1.0, 0.03);
}

INSTANTIATE_TEST_SUITE_P(Cdfs, ShippedCdf,
                         testing::Values("websearch.txt", "websearch-powertcp.txt", "hadoop.txt",
                                         "alistorage.txt"),
                         [](const auto& pinfo) {
                           std::string s = pinfo.param;
                           for (char& c : s) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return s;
                         });

TEST(FlowSizeCdf, MeansStatedInTheFiles) {
  // The comments of the shipped files state their means.
  EXPECT_NEAR(test::parse(poisson_exp("websearch.txt", 0.1)).workloads[0].cdf.mean(), 1'711'250, 1);
  EXPECT_NEAR(test::parse(poisson_exp("websearch-powertcp.txt", 0.1)).workloads[0].cdf.mean(), 1'711'222.5, 1);
  EXPECT_NEAR(test::parse(poisson_exp("hadoop.txt", 0.1)).workloads[0].cdf.mean(), 120'420.75, 1);
  EXPECT_NEAR(test::parse(poisson_exp("alistorage.txt", 0.1)).workloads[0].cdf.mean(), 40'870, 100);
}

TEST(FlowSizeCdf, RejectsBadFiles) {
  FlowSizeCdf c;
  EXPECT_TRUE(FlowSizeCdf::parse("0 0\n100 50\n", c).has_value());             // no 100 %
  EXPECT_TRUE(FlowSizeCdf::parse("0 0\n100 60\n50 100\n", c).has_value());      // decreasing size
  EXPECT_NE(FlowSizeCdf::parse("0 0\nabc 1\n", c)->find("line 2"), std::string::npos);
  ASSERT_FALSE(FlowSizeCdf::parse("# c\n0 0\n\n100 100 # x\n", c).has_value());
  EXPECT_EQ(c.sample(0.5), 50u);
}

TEST(Workload, SameSeedSameFlowsOtherSeedOthers) {
  const std::string text = R"(
[topology]
kind = "leaf-spine"
tors = 2
spines = 2
servers_per_tor = 4
[[workload]]
kind = "poisson"
cdf = [[0, 0], [100000, 100]]
load = 0.5
[run]
duration = "5ms"
)";
  const auto a = generate_flows(test::parse(text));
  const auto b = generate_flows(test::parse(text));
  const auto c = generate_flows(test::parse(text, {"run.seed=2"}));
  ASSERT_GT(a.size(), 100u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const Experiment e = test::parse(text);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, i);
    if (i > 0) {
      EXPECT_LE(a[i - 1].start, a[i].start);
    }
    // Default destinations: other racks only.
    EXPECT_NE(e.topology->host_switch(a[i].src), e.topology->host_switch(a[i].dst));
    EXPECT_LT(a[i].start, 5 * kNsPerMs);
  }
}

TEST(Workload, IncastBurstRequestsAndLongFlows) {
  const Experiment e = test::parse(R"(
[topology]
kind = "leaf-spine"
tors = 2
spines = 1
servers_per_tor = 12
[[workload]]
kind = "incast"
receiver = "h3"
fan_in = 10
bytes = "2MB"
start = "500us"
[[workload]]
kind = "incast"
fan_in = 4
bytes = "10KB"
request_rate = 2000
senders_from = "other-rack"
[[workload]]
kind = "long-flows"
flows = [{ src = "h20", dst = "h3", start = "0us", stop = "4ms" }]
[run]
duration = "5ms"
)");
  const auto flows = generate_flows(e);
  std::vector<std::uint32_t> burst;
  std::map<std::pair<TimeNs, std::uint32_t>, int> requests;
  for (const Flow& f : flows) {
    if (f.workload == 0) {
      EXPECT_EQ(f.dst, 3u);
      EXPECT_EQ(f.start, 500 * kNsPerUs);
      EXPECT_EQ(f.size_bytes, 2'000'000u);
      EXPECT_EQ(e.topology->host_switch(f.src), e.topology->host_switch(3));
      burst.push_back(f.src);
    } else if (f.workload == 1) {
      EXPECT_NE(e.topology->host_switch(f.src), e.topology->host_switch(f.dst));
      ++requests[{f.start, f.dst}];
    } else {
      EXPECT_EQ(f.stop, 4 * kNsPerMs);
      // Without a size: more than its 25G NIC can send before stop.
      EXPECT_GE(f.size_bytes, 25'000'000'000ULL / 8 * 4 / 1000);
      EXPECT_EQ(f.id, 0u);  // starts first
    }
  }
  std::sort(burst.begin(), burst.end());
  EXPECT_EQ(burst.size(), 10u);
  EXPECT_EQ(std::unique(burst.begin(), burst.end()), burst.end());
  for (const auto& [k, n] : requests) EXPECT_EQ(n, 4);
  const double expected = 2000.0 * 0.005 * 24;  // requests
  EXPECT_NEAR(static_cast<double>(requests.size()), expected, 4 * std::sqrt(expected));
  EXPECT_NEAR(expected_flow_count(e), 10 + expected * 4 + 1, 1e-6);
}

}  // namespace
}  // namespace ptcp::exp
