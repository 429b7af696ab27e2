// The [faults] section: defaults, link selection, down windows (both directions), errors in the
// parser's style, the resolved TOML round trip and testbed scaling.
#include <gtest/gtest.h>

#include <string>

#include "experiment/emit.h"
#include "experiment/error.h"
#include "experiment/parse.h"
#include "experiment/scale.h"

namespace ptcp::exp {
namespace {

const std::string kBase = R"(
[topology]
kind = "dumbbell"
hosts_left = 2
hosts_right = 2

[cc]
algorithm = "dctcp"

[[workload]]
kind = "flows"
flows = [{ src = "h0", dst = "h2", size = "100KB" }]

[run]
seed = 9
)";

Experiment parse(const std::string& faults, const std::vector<std::string>& sets = {}) {
  std::vector<Override> ov;
  for (const auto& s : sets) ov.push_back(parse_override(s));
  return parse_experiment(kBase + faults, "mem/f.toml", ov, nullptr);
}

std::string error_of(const std::string& faults) {
  try {
    parse(faults);
  } catch (const ExperimentError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(FaultsSection, AbsentMeansNoFaultsAnywhere) {
  const Experiment e = parse("");
  EXPECT_FALSE(e.faults.active());
  for (std::uint32_t p = 0; p < e.topology->ports().size(); ++p) {
    EXPECT_FALSE(e.faults_for_port(p).has_value());
  }
}

TEST(FaultsSection, RatesApplyToEveryLinkByDefault) {
  const Experiment e = parse("[faults]\nloss = 0.01\ncorrupt = 0.002\nreorder = 0.01\nreorder_delay = \"3us\"\n");
  EXPECT_EQ(e.faults.seed, 9u);  // run.seed
  for (std::uint32_t p = 0; p < e.topology->ports().size(); ++p) {
    const auto f = e.faults_for_port(p);
    ASSERT_TRUE(f.has_value()) << e.topology->port(p).name;
    EXPECT_DOUBLE_EQ(f->loss, 0.01);
    EXPECT_DOUBLE_EQ(f->corrupt, 0.002);
    EXPECT_EQ(f->reorder_delay, 3 * kNsPerUs);
    EXPECT_TRUE(f->down.empty());
  }
  EXPECT_NE(e.faults_seed(0), e.faults_seed(1));
}

TEST(FaultsSection, LinksSelectDirections) {
  const Experiment e = parse("[faults]\nduplicate = 0.1\nlinks = [\"sw0->sw1\", \"h*->sw1\"]\nseed = 4\n");
  EXPECT_EQ(e.faults.seed, 4u);
  int with = 0;
  for (std::uint32_t p = 0; p < e.topology->ports().size(); ++p) {
    const std::string& name = e.topology->port(p).name;
    const bool expect = name == "sw0->sw1" || name == "h2->sw1" || name == "h3->sw1";
    EXPECT_EQ(e.faults_for_port(p).has_value(), expect) << name;
    with += expect;
  }
  EXPECT_EQ(with, 3);
}

TEST(FaultsSection, DownTakesBothDirectionsOfTheLink) {
  const Experiment e = parse(
      "[faults]\nlinks = \"none\"\n[[faults.down]]\nlink = \"sw0->sw1\"\nat = \"1ms\"\nfor = \"2ms\"\n");
  ASSERT_EQ(e.faults.down.size(), 1u);
  ASSERT_EQ(e.faults.down[0].ports.size(), 2u);
  for (std::uint32_t p = 0; p < e.topology->ports().size(); ++p) {
    const std::string& name = e.topology->port(p).name;
    const auto f = e.faults_for_port(p);
    if (name == "sw0->sw1" || name == "sw1->sw0") {
      ASSERT_TRUE(f.has_value()) << name;
      ASSERT_EQ(f->down.size(), 1u);
      EXPECT_EQ(f->down[0].from, kNsPerMs);
      EXPECT_EQ(f->down[0].until, 3 * kNsPerMs);
      EXPECT_EQ(f->loss, 0);
    } else {
      EXPECT_FALSE(f.has_value()) << name;
    }
  }
}

TEST(FaultsSection, Errors) {
  EXPECT_EQ(error_of("[faults]\nloss = 0.8\n"),
            "mem/f.toml:17:8: faults.loss: expected a number in [0, 0.5], got 0.8");
  EXPECT_EQ(error_of("[faults]\nloss = -0.01\n"),
            "mem/f.toml:17:8: faults.loss: expected a number in [0, 0.5], got -0.01");
  EXPECT_EQ(error_of("[faults]\nloss = \"1%\"\n"),
            "mem/f.toml:17:8: faults.loss: expected a number, got a string");
  EXPECT_EQ(error_of("[faults]\nburst_start = 0.01\nburst_length = 0\n"),
            "mem/f.toml:18:16: faults.burst_length: expected a number in [1, 1e+06], got 0");
  EXPECT_NE(error_of("[faults]\nlosss = 0.1\n").find("faults.losss: unknown key"), std::string::npos);
  EXPECT_EQ(error_of("[faults]\nlinks = [\"sw9->*\"]\n"),
            "mem/f.toml:17:10: faults.links.0: no port matches \"sw9->*\" (ports are named like \"sw0->h0\")");
  EXPECT_EQ(error_of("[[faults.down]]\nlink = \"sw0->sw7\"\nat = \"1ms\"\nfor = \"1ms\"\n"),
            "mem/f.toml:17:8: faults.down.0.link: no port matches \"sw0->sw7\" (ports are named like \"sw0->h0\")");
  EXPECT_EQ(error_of("[[faults.down]]\nlink = \"sw0->sw1\"\nat = \"1ms\"\n"),
            "mem/f.toml:16:1: faults.down.0.for: missing; expected how long the link stays down (e.g. \"1ms\")");
  EXPECT_EQ(error_of("[[faults.down]]\nlink = \"sw0->sw1\"\nat = \"1ms\"\nfor = \"0us\"\n"),
            "mem/f.toml:19:7: faults.down.0.for: expected a time in [1ns, 3600s], got 0ns");
  // A top-level key written after [run] belongs to [run]: the parser says so.
  EXPECT_EQ(error_of("faults = 3\n"),
            "mem/f.toml:16:10: run.faults: unknown key (known here: drain_limit, duration, "
            "flow_interval, link_interval, queue_interval, seed, trace_flows, trace_ports, warmup)");
}

TEST(FaultsSection, ResolvedTomlRoundTrips) {
  const Experiment e = parse(
      "[faults]\nloss = 0.001\nburst_start = 0.001\nburst_length = 4\nduplicate = 0.01\n"
      "links = [\"sw0->*\"]\n[[faults.down]]\nlink = \"h0->sw0\"\nat = \"5us\"\nfor = \"50us\"\n");
  const std::string text = emit_toml(e);
  const Experiment again = parse_experiment(text, "mem/f.toml", {}, nullptr);
  EXPECT_EQ(again.faults.spec, e.faults.spec);
  EXPECT_EQ(again.faults.links.ids, e.faults.links.ids);
  EXPECT_EQ(again.faults.seed, e.faults.seed);
  ASSERT_EQ(again.faults.down.size(), 1u);
  EXPECT_EQ(again.faults.down[0].ports, e.faults.down[0].ports);
  EXPECT_EQ(again.faults.down[0].at, 5 * kNsPerUs);
  EXPECT_EQ(again.faults.down[0].duration, 50 * kNsPerUs);
  EXPECT_EQ(emit_toml(again), text);
}

TEST(FaultsSection, OverridesAndScaling) {
  const Experiment e = parse("[faults]\nreorder = 0.1\nreorder_delay = \"2us\"\n[[faults.down]]\nlink = \"sw0->sw1\"\nat = \"1ms\"\nfor = \"1ms\"\n",
                             {"faults.loss=0.02", "testbed.scale=10"});
  EXPECT_DOUBLE_EQ(e.faults.spec.loss, 0.02);
  const Experiment s = scaled_for_run(e);
  EXPECT_EQ(s.faults.spec.reorder_delay, 20 * kNsPerUs);
  EXPECT_EQ(s.faults.down[0].at, 10 * kNsPerMs);
  EXPECT_EQ(s.faults.down[0].duration, 10 * kNsPerMs);
  try {
    parse("", {"faults.loss=2"});
    FAIL() << "no error";
  } catch (const ExperimentError& err) {
    EXPECT_EQ(std::string(err.what()), "--set faults.loss=2: faults.loss: expected a number in [0, 0.5], got 2");
  }
}

}  // namespace
}  // namespace ptcp::exp
