// The model backend on shipped experiments: which reduce to one bottleneck (and which port), the
// rows it fills, and the refusal of what it cannot model.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <optional>
#include <sstream>
#include <string>

#include "experiment/parse.h"
#include "experiment/workload.h"
#include "model/bottleneck.h"
#include "model/model_backend.h"

namespace ptcp::model {
namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

exp::Experiment load(const std::string& name, const std::vector<std::string>& sets = {}) {
  const std::string path = std::string(PTCP_SOURCE_DIR) + "/experiments/" + name + ".toml";
  std::vector<exp::Override> ov;
  for (const auto& s : sets) ov.push_back(exp::parse_override(s));
  return exp::parse_experiment(*read_file(path), path, ov, read_file);
}

std::string bottleneck_of(const std::string& name) {
  const exp::Experiment e = load(name);
  Bottleneck bn;
  const std::string why = reduce_to_bottleneck(e, exp::generate_flows(e), bn);
  return why.empty() ? e.topology->port(bn.port).name : "error: " + why;
}

TEST(ModelBackend, FindsTheBottleneckOfShippedExperiments) {
  EXPECT_EQ(bottleneck_of("fairness"), "sw0->sw1");
  EXPECT_EQ(bottleneck_of("longflows-bottleneck"), "sw0->sw1");
  EXPECT_EQ(bottleneck_of("incast-10to1-paper"), "tor0->h0");
  EXPECT_EQ(bottleneck_of("incast-10to1"), "tor0->h0");
}

TEST(ModelBackend, RefusesTopologiesWithoutOneBottleneck) {
  const std::string why = bottleneck_of("websearch-fattree");
  std::printf("websearch-fattree: %s\n", why.c_str());
  EXPECT_EQ(why.rfind("error: ", 0), 0u);
  EXPECT_NE(why.find("one bottleneck"), std::string::npos);
  const exp::Experiment e = load("pair-3node");  // h0 and h1 into h2: sw0->h2 is the bottleneck
  Bottleneck bn;
  EXPECT_EQ(reduce_to_bottleneck(e, exp::generate_flows(e), bn), "");
  EXPECT_EQ(e.topology->port(bn.port).name, "sw0->h2");
}

TEST(ModelBackend, RefusesAlgorithmsItDoesNotModel) {
  const exp::Experiment e = load("fairness", {"cc.algorithm=dcqcn"});
  const std::string why = cannot_model(e, exp::generate_flows(e));
  EXPECT_NE(why.find("dcqcn"), std::string::npos) << why;
  EXPECT_THROW(model_config(e, exp::generate_flows(e)), exp::BackendError);
}

TEST(ModelBackend, FillsResultsLikeABackend) {
  const exp::Experiment e = load("fairness", {"run.duration=5ms", "cc.powertcp.expected_flows=10"});
  const auto flows = exp::generate_flows(e);
  exp::Results r;
  run_model(exp::RunInput{e, e, flows}, exp::RunOptions{}, r);
  const auto bn = *e.topology->find_port("sw0->sw1");
  EXPECT_GE(r.end_ns, 5'000'000);
  ASSERT_FALSE(r.queue.empty());
  for (const auto& q : r.queue) EXPECT_EQ(q.port, bn);
  EXPECT_EQ(r.queue[1].time_ns - r.queue[0].time_ns, e.run.queue_interval);
  ASSERT_FALSE(r.links.empty());
  EXPECT_GT(r.links.back().tx_bytes, 0u);
  EXPECT_EQ(r.buffer.size(), r.queue.size() * e.topology->switch_count());
  // Flows 0..2 have started by 5 ms; flow 3 starts at 6 ms and has no row.
  std::set<std::uint32_t> seen;
  for (const auto& f : r.flows) seen.insert(f.flow_id);
  EXPECT_EQ(seen, (std::set<std::uint32_t>{0, 1, 2}));
  EXPECT_TRUE(r.fct.empty());  // long flows
  EXPECT_EQ(r.counters.at("flows_total"), 4u);
  // Between 3 and 4 ms two flows share 25G: acked bytes grow at about 12.5 Gb/s each.
  auto acked = [&](std::uint32_t id, TimeNs t) {
    std::uint64_t v = 0;
    for (const auto& f : r.flows) {
      if (f.flow_id == id && f.time_ns <= t) v = f.acked_bytes;
    }
    return static_cast<double>(v);
  };
  for (std::uint32_t id : {0u, 1u}) {
    const double gbps = (acked(id, 4'000'000) - acked(id, 3'000'000)) * 8 / 1e-3 / 1e9;
    std::printf("flow %u goodput 3-4 ms: %.3f Gb/s\n", id, gbps);
    EXPECT_NEAR(gbps, 12.5 * 1000.0 / static_cast<double>(data_wire_bytes(e)), 0.5);  // payload share
  }
}

TEST(ModelBackend, FixedSizeFlowsFinish) {
  const exp::Experiment e = load("longflows-bottleneck");
  const auto flows = exp::generate_flows(e);
  exp::Results r;
  run_model(exp::RunInput{e, e, flows}, exp::RunOptions{}, r);
  ASSERT_EQ(r.fct.size(), 4u);
  for (const auto& f : r.fct) {
    // Four equal flows share 25G: each 20 MB takes about 4 * 20 MB * 8 / 25G (+ headers).
    const double ms = static_cast<double>(f.end_ns - f.start_ns) / 1e6;
    std::printf("flow %u: fct %.3f ms\n", f.flow_id, ms);
    EXPECT_NEAR(ms, 4 * 20e6 * 8 / 25e9 * 1e3 * static_cast<double>(data_wire_bytes(e)) / 1000.0, 1.0);
  }
}

}  // namespace
}  // namespace ptcp::model
