// `powertcp model` end to end: a folder like any backend's (meta.json backend "model", the
// bottleneck's real port name in queue.csv), and exit 2 with nothing written for what the model
// cannot reduce or does not model.
#include <gtest/gtest.h>

#include "support/result_files.h"

namespace ptcp::model::testing {
using namespace ptcp::testing;
namespace {

TEST(ModelCommand, WritesAResultsFolder) {
  TempDir dir("cmd");
  const fs::path out = dir.path() / "fair";
  const Outcome o = powertcp("model " + shipped("fairness") + " --set run.duration=3ms -q --out " +
                                 out.string(), dir.path(), "model");
  ASSERT_EQ(o.code, 0) << o.err;
  const auto meta = read_meta(out);
  EXPECT_EQ(meta["backend"], "model");
  EXPECT_EQ(meta["versions"]["model_bottleneck"], "sw0->sw1");
  const auto q = read_csv(out / "queue.csv");
  ASSERT_FALSE(q.empty());
  EXPECT_EQ(q.front().at("port"), "sw0->sw1");
  for (const char* f : {"fct.csv", "flows.csv", "links.csv", "buffer.csv", "experiment.toml"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  EXPECT_FALSE(read_csv(out / "flows.csv").empty());
}

TEST(ModelCommand, RefusesWhatItCannotModelWithExitTwo) {
  TempDir dir("refuse");
  const fs::path a = dir.path() / "a", b = dir.path() / "b";
  Outcome o = powertcp("model " + shipped("websearch-fattree") + " --out " + a.string(), dir.path(), "ws");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("websearch-fattree.toml: no port is crossed by every flow"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(a));
  o = powertcp("model " + shipped("fairness") + " --set cc.algorithm=dcqcn --out " + b.string(), dir.path(), "dcqcn");
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("not dcqcn"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(b));
}

}  // namespace
}  // namespace ptcp::model::testing
