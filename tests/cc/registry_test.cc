// The registry: names, parameter resolution and its errors, units, and that every built-in
// algorithm constructs with its defaults.
#include "cc/registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "cc_test_util.h"

namespace ptcp::cc {
namespace {

const Algorithm& get(std::string_view name) {
  const Algorithm* a = Registry::global().find(name);
  if (a == nullptr) throw std::runtime_error("missing " + std::string(name));
  return *a;
}

TEST(Registry, AllEightBuiltinsSortedByName) {
  std::vector<std::string> names;
  for (const Algorithm* a : Registry::global().all()) names.push_back(a->name);
  const std::vector<std::string> want = {"aimd",     "dcqcn",         "dctcp",         "hpcc",
                                         "powertcp", "powertcp-rate", "theta-powertcp", "timely"};
  EXPECT_EQ(names, want);
  EXPECT_EQ(Registry::global().find("cubic"), nullptr);
  EXPECT_TRUE(get("powertcp").needs_int);
  EXPECT_TRUE(get("hpcc").needs_int);
  EXPECT_FALSE(get("theta-powertcp").needs_int);
  EXPECT_TRUE(get("dcqcn").needs_ecn);
  EXPECT_TRUE(get("dctcp").needs_ecn);
  EXPECT_FALSE(get("timely").needs_ecn);
}

TEST(Registry, AddRejectsDuplicatesAndAcceptsNewNames) {
  Registry r;
  register_builtins(r);
  EXPECT_THROW(r.add(get("powertcp")), std::invalid_argument);
  Algorithm mine = get("aimd");
  mine.name = "my-aimd";
  r.add(mine);
  ASSERT_NE(r.find("my-aimd"), nullptr);
  EXPECT_EQ(r.all().size(), 9u);
  Algorithm no_factory;
  no_factory.name = "broken";
  EXPECT_THROW(r.add(no_factory), std::invalid_argument);
}

TEST(Registry, ResolveFillsDefaultsButNotOptionals) {
  ParamValues out;
  ASSERT_FALSE(resolve_params(get("powertcp"), {{"gamma", 0.8}}, out).has_value());
  EXPECT_DOUBLE_EQ(out.at("gamma"), 0.8);
  EXPECT_DOUBLE_EQ(out.at("ai_rate"), 150e6);
  EXPECT_EQ(out.count("beta"), 0u);
  EXPECT_EQ(out.count("expected_flows"), 0u);
  ASSERT_FALSE(resolve_params(get("powertcp"), {{"beta", 2000}}, out).has_value());
  EXPECT_DOUBLE_EQ(out.at("beta"), 2000);
  EXPECT_DOUBLE_EQ(out.at("gamma"), 0.9);
}

TEST(Registry, UnknownParameterNamesItAndTheValidOnes) {
  ParamValues out = {{"stale", 1}};
  const auto err = resolve_params(get("powertcp"), {{"gama", 0.9}}, out);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("'gama'"), std::string::npos) << *err;
  EXPECT_NE(err->find("powertcp"), std::string::npos) << *err;
  for (const char* valid : {"gamma", "beta", "ai_rate", "expected_flows"}) {
    EXPECT_NE(err->find(valid), std::string::npos) << *err;
  }
  EXPECT_EQ(out.count("stale"), 1u) << "output untouched on error";
  std::printf("error: %s\n", err->c_str());
}

TEST(Registry, OutOfRangeNamesParameterValueAndRange) {
  ParamValues out;
  const auto err = resolve_params(get("hpcc"), {{"eta", 1.5}}, out);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("'eta'"), std::string::npos) << *err;
  EXPECT_NE(err->find("1.5"), std::string::npos) << *err;
  EXPECT_NE(err->find("[0.1, 1]"), std::string::npos) << *err;
  std::printf("error: %s\n", err->c_str());
  EXPECT_TRUE(resolve_params(get("hpcc"), {{"eta", std::nan("")}}, out).has_value());
  EXPECT_TRUE(resolve_params(get("dcqcn"), {{"g", 0}}, out).has_value());
  EXPECT_FALSE(resolve_params(get("dcqcn"), {{"g", 1}}, out).has_value()) << "bounds inclusive";
}

TEST(Registry, UnitsMatchWhatTheParametersMeasure) {
  EXPECT_STREQ(to_string(ParamUnit::kRateBps), "bit/s");
  EXPECT_STREQ(to_string(ParamUnit::kTimeNs), "ns");
  EXPECT_STREQ(to_string(ParamUnit::kBytes), "bytes");
  const std::set<std::string> rates = {"ai_rate", "rai", "rhai", "min_rate", "delta"};
  const std::set<std::string> times = {"alpha_interval", "decrease_interval", "increase_interval",
                                       "t_low", "t_high", "min_rtt"};
  const std::set<std::string> bytes = {"powertcp.beta", "theta-powertcp.beta", "hpcc.w_ai",
                                       "dcqcn.byte_counter", "timely.segment_bytes"};
  EXPECT_EQ(get("timely").param("beta")->unit, ParamUnit::kDimensionless);
  EXPECT_EQ(get("powertcp").param("expected_flows")->unit, ParamUnit::kCount);
  for (const Algorithm* a : Registry::global().all()) {
    for (const ParamSpec& p : a->params) {
      SCOPED_TRACE(a->name + "." + p.name);
      ParamUnit want = p.unit;
      if (rates.count(p.name)) want = ParamUnit::kRateBps;
      if (times.count(p.name)) want = ParamUnit::kTimeNs;
      if (bytes.count(a->name + "." + p.name)) want = ParamUnit::kBytes;
      EXPECT_EQ(p.unit, want);
      EXPECT_FALSE(p.help.empty());
      EXPECT_LE(p.min, p.max);
      if (!p.optional) {
        EXPECT_GE(p.default_value, p.min);
        EXPECT_LE(p.default_value, p.max);
      }
    }
  }
}

TEST(Registry, EveryAlgorithmBuildsWithDefaultsAndRunsAnAck) {
  const FlowContext ctx = test::context(25, 28'960);
  wire::IntStack s1 = test::stack({test::hop(1'000, 0, 0, 25'000)});
  wire::IntStack s2 = test::stack({test::hop(2'000, 3'000, 1'000, 25'000)});
  for (const Algorithm* a : Registry::global().all()) {
    SCOPED_TRACE(a->name);
    ParamValues p;
    ASSERT_FALSE(resolve_params(*a, {}, p).has_value());
    auto cc = a->make(ctx, p);
    ASSERT_NE(cc, nullptr);
    EXPECT_GT(cc->cwnd_bytes(), 0);
    EXPECT_GT(cc->pacing_rate(), 0);
    EXPECT_LE(cc->pacing_rate(), 25e9 / 8 * (1 + 1e-12));
    cc->on_send(0, 0, 1'000);
    cc->on_ack(test::ack(30'000, 1'000, 20'000, &s1, 30'000));
    cc->on_ack(test::ack(31'000, 2'000, 21'000, &s2, 31'000, true));
    cc->on_cnp(31'000);
    if (cc->next_timer() != kNever) cc->on_timer(cc->next_timer());
    EXPECT_TRUE(std::isfinite(cc->cwnd_bytes()));
    EXPECT_GE(cc->cwnd_bytes(), 1'000);
    EXPECT_TRUE(std::isfinite(cc->pacing_rate()));
    EXPECT_GT(cc->pacing_rate(), 0);
  }
}

}  // namespace
}  // namespace ptcp::cc
