// The pieces of the Slurm executor and the sweep index that need no Slurm: the index round trip,
// the array spec, shell word splitting and quoting, and the job script itself, run by bash with
// the variables Slurm would set and a stand-in for powertcp that records its arguments.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "sweep_exec.h"
#include "sweep_index.h"

namespace fs = std::filesystem;
using namespace ptcp::cli;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class SweepScriptTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ptcp-sweep-script-" + std::to_string(getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "logs");
  }
  void TearDown() override { fs::remove_all(dir_); }

  static SweepIndex sample() {
    SweepIndex x;
    x.experiment = "/exp dir/it's.toml";
    x.experiment_hash = text_hash("x");
    x.backend = "ns3";
    x.sets = {"run.duration=1ms", "description=two words and a 'quote'"};
    x.varies = {"cc.algorithm=powertcp,hpcc", "run.seed=1,2"};
    x.keys = {"cc.algorithm", "run.seed"};
    x.executor = "slurm";
    x.slurm = {"--partition=p --comment='a b'", "10", "1G"};
    int id = 0;
    for (const char* alg : {"powertcp", "hpcc"}) {
      for (const char* seed : {"1", "2"}) {
        SweepPoint p;
        p.id = static_cast<std::size_t>(id);
        p.dir = point_dir_name(p.id);
        p.sets = {std::string("cc.algorithm=") + alg, std::string("run.seed=") + seed};
        x.points.push_back(p);
        ++id;
      }
    }
    return x;
  }
  fs::path dir_;
};

TEST_F(SweepScriptTest, IndexRoundTripsAndWritesCsv) {
  SweepIndex x = sample();
  x.jobs = {"41", "42"};
  x.points[1].state = kStateFailed;
  x.points[1].exit_code = 2;
  x.points[1].reason = "exit 2";
  x.points[1].log = "logs/point-001-job42.log";
  x.points[1].job = "42_1";
  write_sweep_index(dir_, x);
  const SweepIndex y = read_sweep_index(dir_);
  EXPECT_EQ(y.experiment, x.experiment);
  EXPECT_EQ(y.experiment_hash, x.experiment_hash);
  EXPECT_EQ(y.sets, x.sets);
  EXPECT_EQ(y.varies, x.varies);
  EXPECT_EQ(y.keys, x.keys);
  EXPECT_EQ(y.slurm.args, x.slurm.args);
  EXPECT_EQ(y.slurm.time, "10");
  EXPECT_EQ(y.slurm.mem, "1G");
  EXPECT_EQ(y.jobs, x.jobs);
  ASSERT_EQ(y.points.size(), 4u);
  EXPECT_EQ(y.points[1].state, kStateFailed);
  EXPECT_EQ(y.points[1].exit_code, 2);
  EXPECT_EQ(y.points[1].log, "logs/point-001-job42.log");
  EXPECT_EQ(y.points[1].job, "42_1");
  EXPECT_EQ(y.points[3].sets, x.points[3].sets);
  const std::string csv = slurp(dir_ / "index.csv");
  EXPECT_NE(csv.find("point,dir,status,exit_code,cc.algorithm,run.seed\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("1,point-001,failed,2,powertcp,2\n"), std::string::npos) << csv;
  EXPECT_FALSE(fs::exists(dir_ / "sweep.json.tmp"));
}

TEST_F(SweepScriptTest, BrokenIndexNamesTheFile) {
  std::ofstream(dir_ / "sweep.json") << "{\"kind\": \"powertcp-sweep\", \"schema_version\": 1}";
  try {
    read_sweep_index(dir_);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "sweep.json").string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_sweep_index(dir_ / "nowhere"), std::runtime_error);
}

TEST_F(SweepScriptTest, RefreshTrustsOnlyCompleteFolders) {
  SweepIndex x = sample();
  fs::create_directories(dir_ / "point-000");
  std::ofstream(dir_ / "point-000" / "meta.json") << "{}";
  fs::create_directories(dir_ / "point-001");  // no meta.json: a leftover, not a result
  x.points[2].state = kStateOk;                // said ok, but its folder is gone
  EXPECT_EQ(refresh_from_disk(dir_, x), 2u);
  EXPECT_EQ(x.points[0].state, kStateOk);
  EXPECT_EQ(x.points[1].state, kStatePending);
  EXPECT_EQ(x.points[2].state, kStatePending);
  settle_point(dir_, x.points[1], 0, "");
  EXPECT_EQ(x.points[1].state, kStateFailed) << "exit 0 without meta.json is not a result";
  clear_incomplete(dir_, x.points[1]);
  EXPECT_FALSE(fs::exists(dir_ / "point-001"));
  clear_incomplete(dir_, x.points[0]);
  EXPECT_TRUE(fs::exists(dir_ / "point-000" / "meta.json"));
}

TEST_F(SweepScriptTest, ArraySpecCompressesRuns) {
  SweepIndex x = sample();
  for (std::size_t i = 4; i < 12; ++i) {
    SweepPoint p;
    p.id = i;
    p.dir = point_dir_name(i);
    x.points.push_back(p);
  }
  EXPECT_EQ(array_spec(x, {0, 1, 2, 3}), "0-3");
  EXPECT_EQ(array_spec(x, {7, 1, 3, 8, 9, 11}), "1,3,7-9,11");
  EXPECT_EQ(array_spec(x, {5}), "5");
}

TEST_F(SweepScriptTest, ShellWordsLikeAShell) {
  EXPECT_EQ(split_shell_words("  --partition=long   --comment='a b' \"c \\\"d\\\"\" e\\ f "),
            (std::vector<std::string>{"--partition=long", "--comment=a b", "c \"d\"", "e f"}));
  EXPECT_TRUE(split_shell_words("   ").empty());
  EXPECT_THROW(split_shell_words("--comment='open"), std::invalid_argument);
}

// The script as Slurm would run it: task 2's branch, with a stand-in "powertcp" that prints
// each argument on its own line, so quoting of spaces and quotes is checked end to end.
TEST_F(SweepScriptTest, JobScriptRunsThePointsCommand) {
  const SweepIndex x = sample();
  const fs::path fake = dir_ / "fake powertcp";
  std::ofstream(fake) << "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\nexit 3\n";
  fs::permissions(fake, fs::perms::owner_all);
  const std::string script = job_script(fake.string(), dir_, x, {1, 2}, 5);
  EXPECT_NE(script.find("#SBATCH --array=1-2%5\n"), std::string::npos) << script;
  EXPECT_NE(script.find("#SBATCH --time=10\n"), std::string::npos);
  EXPECT_NE(script.find("#SBATCH --mem=1G\n"), std::string::npos);
  EXPECT_NE(script.find("logs/point-%3a-job%A.log"), std::string::npos);
  EXPECT_EQ(script.find("\n  0)"), std::string::npos) << "point 0 is not in this job";
  std::ofstream(dir_ / "job.sh") << script;
  const std::string cmd = "cd " + shell_quote(dir_.string()) +
                          " && SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_JOB_ID=77 bash job.sh > task.out 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3) << "the task exits with the run's code";
  EXPECT_EQ(slurp(dir_ / "logs" / "point-002-job77.exit"), "3\n");
  const std::string out = slurp(dir_ / "task.out");
  const std::string expected = "run\n/exp dir/it's.toml\n--backend\nns3\n--out\n" + (dir_ / "point-002").string() +
                               "\n--quiet\n--set\nrun.duration=1ms\n--set\ndescription=two words and a 'quote'\n"
                               "--set\ncc.algorithm=hpcc\n--set\nrun.seed=1\n";
  EXPECT_NE(out.find(expected), std::string::npos) << out;

  // A task whose point is complete already (a requeue) exits 0 without running anything.
  fs::create_directories(dir_ / "point-001");
  std::ofstream(dir_ / "point-001" / "meta.json") << "{}";
  const std::string again = "cd " + shell_quote(dir_.string()) +
                            " && SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_JOB_ID=78 bash job.sh > task1.out 2>&1";
  const int s1 = std::system(again.c_str());
  EXPECT_EQ(WEXITSTATUS(s1), 0) << "the stand-in (exit 3) must not have run";
  EXPECT_NE(slurp(dir_ / "task1.out").find("already complete"), std::string::npos);
  EXPECT_EQ(slurp(dir_ / "logs" / "point-001-job78.exit"), "0\n");

  // An id that is not in the job is an error, not a silent success.
  const std::string stray = "cd " + shell_quote(dir_.string()) +
                            " && SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_JOB_ID=79 bash job.sh > /dev/null 2>&1";
  EXPECT_EQ(WEXITSTATUS(std::system(stray.c_str())), 2);
}

TEST_F(SweepScriptTest, ShellQuoteSurvivesTheShell) {
  for (const std::string s : {"plain", "two words", "it's", "$HOME `x` \"q\"", ""}) {
    const std::string cmd = "printf '%s' " + shell_quote(s) + " > " + shell_quote((dir_ / "q").string());
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    EXPECT_EQ(slurp(dir_ / "q"), s) << cmd;
  }
}

}  // namespace
