// The resolved experiment.toml parses back to the same experiment.
#include <sstream>

#include <gtest/gtest.h>

#include "experiment/derived.h"
#include "experiment/emit.h"
#include "experiment/workload.h"
#include "test_util.h"

namespace ptcp::exp {
namespace {

TEST(Emit, RoundTripsEveryShippedExperiment) {
  for (const char* name : {"incast-10to1", "burst-255to1", "fairness", "websearch-small",
                           "incast-workload", "pair-3node", "longflows-bottleneck"}) {
    SCOPED_TRACE(name);
    const Experiment a = test::load_shipped(name, {"cc.algorithm=hpcc", "testbed.scale=4"});
    const std::string text = emit_toml(a);
    const Experiment b = test::parse(text, {}, {}, std::string("mem/") + name + ".toml");
    // Identical but for the "# --set" comment lines of the first.
    std::string without_sets;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("# --set", 0) != 0) without_sets += line + "\n";
    }
    EXPECT_EQ(emit_toml(b), without_sets);
    EXPECT_EQ(b.cc.params, a.cc.params);
    EXPECT_EQ(b.cc.base_rtt, a.cc.base_rtt);
    EXPECT_EQ(b.testbed.scale, 4.0);
    EXPECT_EQ(generate_flows(b), generate_flows(a));
    EXPECT_EQ(derive(b).max_bdp_bytes, derive(a).max_bdp_bytes);
  }
}

}  // namespace
}  // namespace ptcp::exp
