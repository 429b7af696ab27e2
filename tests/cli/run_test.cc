// `run` end to end with a stand-in backend registered in the table: the backend works in run
// units (scale s) and the folder comes out in the experiment's units with slowdown 1.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "experiment/backend.h"
#include "experiment/ideal_fct.h"
#include "files.h"

namespace fs = std::filesystem;

namespace ptcp::cli {
namespace {

// Finishes every flow in exactly its ideal time, stretched by the scale as a real testbed is.
void fake_run(const exp::RunInput& in, const exp::RunOptions& opt, exp::Results& r) {
  const double s = in.scaled.applied_scale;
  for (const exp::Flow& f : in.flows) {
    const TimeNs ideal = exp::ideal_fct(in.experiment, f.src, f.dst, f.size_bytes);
    r.fct.push_back({f.id, f.src, f.dst, f.size_bytes, f.start,
                     f.start + static_cast<TimeNs>(static_cast<double>(ideal) * s), 0});
    r.flows.push_back({f.start, f.id, 1000, 25e9 / s, static_cast<TimeNs>(4640 * s), f.size_bytes});
    if (opt.progress) opt.progress({f.start, in.scaled.run.duration, f.id + 1, in.flows.size()});
  }
  r.counters[exp::counter::kDrops] = 7;
  r.end_ns = in.scaled.run.duration;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Run, FakeBackendAtScaleWritesUnscaledResults) {
  exp::BackendTable::global().add({"fake", "test stand-in", fake_run});
  const fs::path dir = fs::temp_directory_path() / ("ptcp-run-" + std::to_string(getpid()));
  fs::remove_all(dir);
  RunArgs a;
  a.file = std::string(POWERTCP_SOURCE_DIR) + "/experiments/incast-10to1.toml";
  a.backend = "fake";
  a.sets = {"testbed.scale=100"};
  a.out = (dir / "r").string();
  a.quiet = true;
  ASSERT_EQ(cmd_run(a), kExitOk);
  std::istringstream fct(slurp(dir / "r" / "fct.csv"));
  std::string line;
  std::getline(fct, line);
  int rows = 0;
  while (std::getline(fct, line)) {
    ++rows;
    std::vector<std::string> col;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) col.push_back(c);
    ASSERT_EQ(col.size(), 10u);
    const double slowdown = std::stod(col[8]);
    EXPECT_NEAR(slowdown, 1.0, 1e-6) << line;
    if (col[0] != "0") {
      EXPECT_EQ(col[4], "500000") << line;  // the burst, at 500 us unscaled
    }
  }
  EXPECT_EQ(rows, 11);
  const auto meta = nlohmann::json::parse(slurp(dir / "r" / "meta.json"));
  EXPECT_EQ(meta["scale"], 100.0);
  EXPECT_EQ(meta["counters"]["drops"], 7);
  EXPECT_EQ(meta["counters"]["flows_total"], 11);
  EXPECT_EQ(meta["end_ns"], 6'000'000);  // 6 ms, unscaled
  // flows.csv: rates and RTTs back in the experiment's units.
  EXPECT_NE(slurp(dir / "r" / "flows.csv").find(",25000000000,4640,"), std::string::npos);
  // A second run into the same folder is refused without --force.
  EXPECT_EQ(cmd_run(a), kExitBadInput);
  a.force = true;
  EXPECT_EQ(cmd_run(a), kExitOk);
  fs::remove_all(dir);
}

// A backend that fails in an unexpected way: a non-std exception is an internal error (3), an
// out-of-memory a failed run (1); either way nothing is left in the output folder's parent.
TEST(Run, BackendFailuresOfAnyKindWriteNothing) {
  exp::BackendTable::global().add({"throws-int", "test stand-in",
                                   [](const exp::RunInput&, const exp::RunOptions&, exp::Results&) { throw 42; }});
  exp::BackendTable::global().add({"throws-oom", "test stand-in",
                                   [](const exp::RunInput&, const exp::RunOptions&, exp::Results&) {
                                     throw std::bad_alloc();
                                   }});
  const fs::path dir = fs::temp_directory_path() / ("ptcp-run-fail-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  RunArgs a;
  a.file = std::string(POWERTCP_SOURCE_DIR) + "/experiments/incast-10to1.toml";
  a.out = (dir / "r").string();
  a.quiet = true;
  a.backend = "throws-int";
  EXPECT_EQ(cmd_run(a), kExitInternal);
  a.backend = "throws-oom";
  EXPECT_EQ(cmd_run(a), kExitRunFailed);
  EXPECT_TRUE(fs::is_empty(dir)) << "no results folder, no temporary folder";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ptcp::cli
