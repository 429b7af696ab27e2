// `powertcp sweep` end to end with the built command and the ns-3 backend: the local executor's
// failure report and resume, and (when a Slurm is running: scripts/slurm-up, as CI does) the same
// sweep as a Slurm job array giving the same results, a failing task reported with its log while
// the others complete, --resume rerunning only that point, and --no-wait with a held job.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace {

struct Outcome {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Outcome shell(const std::string& cmd, const fs::path& scratch) {
  const std::string full = cmd + " >" + quote((scratch / "out").string()) + " 2>" + quote((scratch / "err").string());
  const int status = std::system(full.c_str());
  Outcome o;
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = slurp(scratch / "out");
  o.err = slurp(scratch / "err");
  return o;
}

// The job id in "submitted Slurm job 42: ..." ("" if absent). No std::regex: GCC 12's
// -Wmaybe-uninitialized misfires on it in optimized sanitizer builds.
std::string submitted_job(const std::string& err) {
  const std::string key = "submitted Slurm job ";
  const auto at = err.find(key);
  if (at == std::string::npos) return "";
  const auto begin = at + key.size();
  const auto end = err.find_first_not_of("0123456789", begin);
  return err.substr(begin, end - begin);
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

bool ns3_built() {
  static const bool built = [] {
    const fs::path tmp = fs::temp_directory_path() / ("ptcp-list-" + std::to_string(getpid()));
    fs::create_directories(tmp);
    const Outcome o = shell(std::string(POWERTCP_EXE) + " list", tmp);
    fs::remove_all(tmp);
    const auto at = o.out.find("backends built:");
    return at != std::string::npos && o.out.substr(at, o.out.find('\n', at) - at).find("ns3") != std::string::npos;
  }();
  return built;
}

// A Slurm with at least one usable node answers sinfo.
bool slurm_running() {
  static const bool up = [] {
    const fs::path tmp = fs::temp_directory_path() / ("ptcp-sinfo-" + std::to_string(getpid()));
    fs::create_directories(tmp);
    const Outcome o = shell("sinfo -h -o %T", tmp);
    fs::remove_all(tmp);
    return o.code == 0 && (o.out.find("idle") != std::string::npos || o.out.find("mix") != std::string::npos ||
                           o.out.find("alloc") != std::string::npos);
  }();
  return up;
}

#define REQUIRE_NS3()                                                                              \
  if (!ns3_built()) GTEST_SKIP() << "the ns3 backend is not built in this configuration"
// Skipped without Slurm, except in CI (CI=true), where .ci/run starts one: there a Slurm that is
// not up is a failure, never a quiet skip.
bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}
#define REQUIRE_SLURM()                                                                            \
  REQUIRE_NS3();                                                                                   \
  if (!slurm_running() && in_ci()) {                                                               \
    FAIL() << "CI=true but Slurm is not running: .ci/run starts it with scripts/slurm-up";        \
  }                                                                                                \
  if (!slurm_running())                                                                            \
  GTEST_SKIP() << "Slurm is not running here (sinfo shows no usable node): `scripts/setup "       \
                  "--with-slurm && scripts/slurm-up` starts a single-node one; CI does"

// incast-10to1 cut to 1 ms with a small burst: about 0.1 s of ns-3 per point.
const char* kSmallIncast =
    " --set run.duration=1ms --set workload.1.start=100us --set workload.0.flows.0.stop=1ms";

class SweepTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ptcp-sweep-" + std::to_string(getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  Outcome powertcp(const std::string& args) { return shell(std::string(POWERTCP_EXE) + " " + args, dir_); }
  static std::string shipped(const std::string& name) {
    return std::string(POWERTCP_SOURCE_DIR) + "/experiments/" + name + ".toml";
  }
  static std::string cdf(const std::string& name) {
    return std::string(POWERTCP_SOURCE_DIR) + "/experiments/cdf/" + name + ".txt";
  }
  // websearch-small over three CDFs, the last a file that does not exist yet: with --no-check its
  // task fails at the start (exit 2) while the two others run.
  std::string failing_sweep(const std::string& out) {
    return "sweep " + shipped("websearch-small") +
           " --set run.duration=300us --set run.drain_limit=5ms --no-check --vary workload.0.cdf=" +
           cdf("websearch") + "," + cdf("hadoop") + "," + (dir_ / "late-cdf.txt").string() + " --out " + out;
  }
  static nlohmann::json index(const fs::path& sweep) { return nlohmann::json::parse(slurp(sweep / "sweep.json")); }
  static std::int64_t mtime_ns(const fs::path& p) {
    struct stat st {};
    if (stat(p.c_str(), &st) != 0) return -1;
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }
  // The failing point fixed (its CDF file appears), --resume reruns it and nothing else.
  void resume_reruns_only_the_failed_point(const fs::path& sweep, const std::string& extra) {
    const auto m0 = mtime_ns(sweep / "point-000" / "meta.json");
    const auto m1 = mtime_ns(sweep / "point-001" / "meta.json");
    ASSERT_GT(m0, 0);
    fs::copy_file(cdf("websearch"), dir_ / "late-cdf.txt");
    const Outcome r = powertcp("sweep --resume " + sweep.string() + extra);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.err.find("1 of 3 points to run (2)"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("3 points, 3 ok, 0 failed"), std::string::npos) << r.out;
    EXPECT_TRUE(fs::is_regular_file(sweep / "point-002" / "meta.json"));
    EXPECT_EQ(mtime_ns(sweep / "point-000" / "meta.json"), m0) << "a finished point was rerun";
    EXPECT_EQ(mtime_ns(sweep / "point-001" / "meta.json"), m1) << "a finished point was rerun";
    const auto j = index(sweep);
    for (const auto& p : j["points"]) EXPECT_EQ(p["state"], "ok") << p.dump();
    const Outcome again = powertcp("sweep --resume " + sweep.string());
    EXPECT_EQ(again.code, 0);
    EXPECT_NE(again.out.find("nothing to rerun"), std::string::npos) << again.out;
  }
  // Checks the first run of failing_sweep: exit 1, the failure named with its log, the others done.
  void check_failure_report(const Outcome& o, const fs::path& sweep, const std::string& log_name) {
    EXPECT_EQ(o.code, 1) << o.out << o.err;
    EXPECT_NE(o.out.find("3 points, 2 ok, 1 failed"), std::string::npos) << o.out;
    EXPECT_NE(o.out.find("powertcp sweep --resume " + sweep.string()), std::string::npos) << o.out;
    const std::string head = "FAILED point 2 (workload.0.cdf=" + (dir_ / "late-cdf.txt").string() + "): exit 2; log ";
    const auto at = o.err.find(head);
    ASSERT_NE(at, std::string::npos) << o.err;
    const auto begin = at + head.size();
    const fs::path log = o.err.substr(begin, o.err.find('\n', begin) - begin);
    EXPECT_EQ(log, sweep / "logs" / log_name) << o.err;
    EXPECT_NE(slurp(log).find("cannot read CDF file"), std::string::npos) << slurp(log);
    EXPECT_NE(o.err.find("    | powertcp: --set workload.0.cdf="), std::string::npos)
        << "the log's last lines are shown: " << o.err;
    EXPECT_TRUE(fs::is_regular_file(sweep / "point-000" / "meta.json"));
    EXPECT_TRUE(fs::is_regular_file(sweep / "point-001" / "meta.json"));
    EXPECT_FALSE(fs::exists(sweep / "point-002"));
    const auto j = index(sweep);
    EXPECT_EQ(j["points"][2]["state"], "failed");
    EXPECT_EQ(j["points"][2]["exit_code"], 2);
    EXPECT_EQ(j["points"][0]["state"], "ok");
    EXPECT_EQ(j["points"][1]["params"]["workload.0.cdf"], cdf("hadoop"));
  }
  fs::path dir_;
};

// Every file of each point identical; meta.json identical but for when, how long and where.
void expect_same_results(const fs::path& a, const fs::path& b) {
  for (const char* point : {"point-000", "point-001", "point-002", "point-003"}) {
    std::size_t files = 0;
    for (const auto& f : fs::directory_iterator(a / point)) {
      const std::string name = f.path().filename().string();
      const fs::path other = b / point / name;
      ASSERT_TRUE(fs::exists(other)) << other;
      ++files;
      if (name == "meta.json") {
        auto ma = nlohmann::json::parse(slurp(f.path())), mb = nlohmann::json::parse(slurp(other));
        for (const char* k : {"started_at", "wall_time_s", "host"}) {
          EXPECT_TRUE(ma.contains(k)) << k;
          ma.erase(k);
          mb.erase(k);
        }
        EXPECT_EQ(ma, mb) << point;
      } else {
        EXPECT_TRUE(slurp(f.path()) == slurp(other)) << point << "/" << name << " differs";
      }
    }
    EXPECT_GE(files, 7u) << point << ": meta.json, experiment.toml and five CSV files at least";
  }
}

TEST_F(SweepTest, LocalFailureIsReportedAndResumeRerunsOnlyIt) {
  REQUIRE_NS3();
  const fs::path sweep = dir_ / "local";
  const Outcome o = powertcp(failing_sweep(sweep.string()) + " -j 2");
  check_failure_report(o, sweep, "point-002-local.log");
  resume_reruns_only_the_failed_point(sweep, "");
  EXPECT_EQ(index(sweep)["executor"], "local");
}

TEST_F(SweepTest, ResumeAndStatusRefuseWhatIsNotASweep) {
  const Outcome r = powertcp("sweep --resume " + (dir_ / "nothing").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("sweep.json"), std::string::npos) << r.err;
  const Outcome both = powertcp("sweep " + shipped("fairness") + " --vary run.seed=1,2 --resume " + dir_.string());
  EXPECT_EQ(both.code, 2);
  const Outcome local_wait = powertcp("sweep " + shipped("fairness") + " --vary run.seed=1,2 --no-wait --out " +
                                     (dir_ / "x").string());
  EXPECT_EQ(local_wait.code, 2) << "--no-wait needs --executor slurm";
  EXPECT_FALSE(fs::exists(dir_ / "x"));
}

TEST_F(SweepTest, SlurmArrayGivesTheSameResultsAsLocal) {
  REQUIRE_SLURM();
  const std::string common = "sweep " + shipped("incast-10to1") + kSmallIncast +
                             " --vary cc.algorithm=powertcp,hpcc --vary workload.1.bytes=100KB,200KB";
  const auto t0 = std::chrono::steady_clock::now();
  const Outcome local = powertcp(common + " -j 2 --out " + (dir_ / "local").string());
  const auto t1 = std::chrono::steady_clock::now();
  const Outcome slurm = powertcp(common + " --executor slurm --time 5 --mem 200M --out " + (dir_ / "slurm").string());
  const auto t2 = std::chrono::steady_clock::now();
  std::printf("2x2 sweep: local -j 2 %.2f s, Slurm job array %.2f s\n",
              std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count());
  ASSERT_EQ(local.code, 0) << local.out << local.err;
  ASSERT_EQ(slurm.code, 0) << slurm.out << slurm.err;
  const std::string job = submitted_job(slurm.err);
  ASSERT_TRUE(all_digits(job)) << slurm.err;
  EXPECT_NE(slurm.err.find("submitted Slurm job " + job + ": 4 task(s), array 0-3"), std::string::npos) << slurm.err;
  EXPECT_NE(slurm.out.find("4 points, 4 ok, 0 failed"), std::string::npos) << slurm.out;
  const fs::path s = dir_ / "slurm";
  const std::string script = slurp(s / "slurm" / "job-1.sh");
  EXPECT_NE(script.find("#SBATCH --time=5\n"), std::string::npos) << script;
  EXPECT_NE(script.find("#SBATCH --mem=200M\n"), std::string::npos) << script;
  const auto j = index(s);
  EXPECT_EQ(j["executor"], "slurm");
  EXPECT_EQ(j["slurm"]["jobs"], nlohmann::json::array({job}));
  for (int i = 0; i < 4; ++i) {
    const auto& p = j["points"][static_cast<std::size_t>(i)];
    EXPECT_EQ(p["state"], "ok") << p.dump();
    EXPECT_EQ(p["job"], job + "_" + std::to_string(i));
    EXPECT_TRUE(fs::is_regular_file(s / p["log"].get<std::string>())) << p.dump();
    EXPECT_EQ(slurp(s / "logs" / ("point-00" + std::to_string(i) + "-job" + job + ".exit")), "0\n");
  }
  EXPECT_EQ(j["points"][3]["params"]["cc.algorithm"], "hpcc");
  EXPECT_EQ(j["points"][3]["params"]["workload.1.bytes"], "200KB");
  expect_same_results(dir_ / "local", s);
}

TEST_F(SweepTest, SlurmFailedTaskIsReportedAndResumedAlone) {
  REQUIRE_SLURM();
  const fs::path sweep = dir_ / "slurm";
  const Outcome o = powertcp(failing_sweep(sweep.string()) + " --executor slurm");
  const std::string job1 = submitted_job(o.err);
  ASSERT_TRUE(all_digits(job1)) << o.err;
  check_failure_report(o, sweep, "point-002-job" + job1 + ".log");
  resume_reruns_only_the_failed_point(sweep, "");
  const auto j = index(sweep);
  ASSERT_EQ(j["slurm"]["jobs"].size(), 2u);
  const std::string job2 = j["slurm"]["jobs"][1];
  EXPECT_NE(slurp(sweep / "slurm" / "job-2.sh").find("#SBATCH --array=2\n"), std::string::npos);
  EXPECT_TRUE(fs::exists(sweep / "logs" / ("point-002-job" + job2 + ".log")));
  EXPECT_FALSE(fs::exists(sweep / "logs" / ("point-000-job" + job2 + ".log"))) << "point 0 was resubmitted";
  EXPECT_FALSE(fs::exists(sweep / "logs" / ("point-001-job" + job2 + ".log"))) << "point 1 was resubmitted";
  EXPECT_EQ(j["points"][2]["job"], job2 + "_2");
}

// --no-wait prints the job id alone; a held job (--slurm-args) keeps it queued, so --resume must
// refuse and --status says so; released, the sweep completes and --status reports it.
TEST_F(SweepTest, SlurmNoWaitPrintsTheJobAndStatusFollowsIt) {
  REQUIRE_SLURM();
  const fs::path sweep = dir_ / "nowait";
  const Outcome o = powertcp("sweep " + shipped("incast-10to1") + kSmallIncast +
                             " --vary run.seed=1,2 --executor slurm --no-wait --slurm-args '--hold --comment=\"ptcp test\"' --out " +
                             sweep.string());
  ASSERT_EQ(o.code, 0) << o.err;
  ASSERT_TRUE(!o.out.empty() && o.out.back() == '\n' && all_digits(o.out.substr(0, o.out.size() - 1)))
      << "stdout: the job id alone: " << o.out;
  const std::string job = o.out.substr(0, o.out.size() - 1);
  const Outcome refused = powertcp("sweep --resume " + sweep.string());
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("job " + job + " of this sweep is still queued or running"), std::string::npos) << refused.err;
  const Outcome queued = powertcp("sweep --status " + sweep.string());
  EXPECT_EQ(queued.code, 1);
  EXPECT_NE(queued.out.find("point-000 submitted"), std::string::npos) << queued.out;
  ASSERT_EQ(shell("scontrol release " + job, dir_).code, 0);
  Outcome st;
  for (int i = 0; i < 120; ++i) {
    st = powertcp("sweep --status " + sweep.string());
    if (st.code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  EXPECT_EQ(st.code, 0) << st.out << st.err;
  EXPECT_NE(st.out.find("2 points, 2 ok, 0 failed"), std::string::npos) << st.out;
  EXPECT_EQ(index(sweep)["points"][1]["state"], "ok");
}

}  // namespace
