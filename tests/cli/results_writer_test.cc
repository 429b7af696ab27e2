// The results folder is written atomically: complete, or absent.
#include "results_writer.h"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "experiment/derived.h"
#include "experiment/ideal_fct.h"
#include "experiment/parse.h"

namespace fs = std::filesystem;

namespace ptcp::cli {
namespace {

exp::Experiment demo() {
  const std::string text = R"(
[topology]
kind = "star"
hosts = 3
[[workload]]
kind = "flows"
flows = [{ src = "h0", dst = "h2", size = 10000 }, { src = "h1", dst = "h2", size = 5000 }]
[run]
trace_ports = ["sw0->h2"]
)";
  return exp::parse_experiment(text, "mem/demo.toml", {}, {});
}

exp::Results sample(const exp::Experiment& e) {
  exp::Results r;
  const TimeNs ideal = exp::ideal_fct(e, 0, 2, 10000);
  r.fct.push_back({1, 1, 2, 5000, 100, 100 + 2 * exp::ideal_fct(e, 1, 2, 5000), 0});
  r.fct.push_back({0, 0, 2, 10000, 0, ideal, 1});
  r.queue.push_back({1000, *e.topology->find_port("sw0->h2"), 1500});
  r.buffer.push_back({1000, *e.topology->find_node("sw0"), 1500});
  r.flows.push_back({1000, 0, 14500, 25e9, 4640, 3000});
  r.links.push_back({1000, *e.topology->find_port("sw0->h2"), 12000});
  r.counters[exp::counter::kDrops] = 3;
  r.info["backend_version"] = "test";
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class WriterTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ptcp-writer-" + std::to_string(getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<std::string> entries() const {
    std::vector<std::string> v;
    for (const auto& d : fs::directory_iterator(dir_)) v.push_back(d.path().filename().string());
    return v;
  }
  fs::path dir_;
};

TEST_F(WriterTest, CompleteFolderWithEveryFileAndColumn) {
  const exp::Experiment e = demo();
  const fs::path out = dir_ / "run1";
  write_results_folder(out.string(), e, exp::derive(e), sample(e), RunMeta{"test", "2024-01-01T00:00:00Z", 1.5});
  for (const char* f : {"experiment.toml", "meta.json", "fct.csv", "queue.csv", "buffer.csv", "flows.csv", "links.csv"}) {
    EXPECT_TRUE(fs::exists(out / f)) << f;
  }
  EXPECT_EQ(entries(), std::vector<std::string>{"run1"});  // no temporary left over
  const std::string fct = slurp(out / "fct.csv");
  std::istringstream lines(fct);
  std::string header, row0, row1;
  std::getline(lines, header);
  std::getline(lines, row0);
  std::getline(lines, row1);
  EXPECT_EQ(header, "flow_id,src,dst,size_bytes,start_ns,end_ns,fct_ns,ideal_fct_ns,slowdown,retransmits");
  EXPECT_EQ(row0.substr(0, 14), "0,h0,h2,10000,");          // sorted by flow id, hosts by name
  EXPECT_NE(row0.find(",1.000000,1"), std::string::npos);   // fct == ideal
  EXPECT_NE(row1.find(",2.000000,0"), std::string::npos);   // twice the ideal
  EXPECT_EQ(slurp(out / "queue.csv"), "time_ns,port,qlen_bytes\n1000,sw0->h2,1500\n");
  EXPECT_EQ(slurp(out / "buffer.csv"), "time_ns,switch,used_bytes\n1000,sw0,1500\n");
  EXPECT_EQ(slurp(out / "flows.csv"),
            "time_ns,flow_id,cwnd_bytes,rate_bps,rtt_ns,acked_bytes\n1000,0,14500,25000000000,4640,3000\n");
  EXPECT_EQ(slurp(out / "links.csv"), "time_ns,port,tx_bytes\n1000,sw0->h2,12000\n");
  const auto meta = nlohmann::json::parse(slurp(out / "meta.json"));
  EXPECT_EQ(meta["schema_version"], exp::kResultsSchemaVersion);
  EXPECT_EQ(meta["experiment"], "demo");
  EXPECT_EQ(meta["backend"], "test");
  EXPECT_EQ(meta["algorithm"], "powertcp");
  EXPECT_EQ(meta["counters"]["drops"], 3);
  EXPECT_EQ(meta["counters"]["malformed"], 0);
  EXPECT_EQ(meta["versions"]["backend_version"], "test");
  EXPECT_DOUBLE_EQ(meta["cc_params"]["gamma"].get<double>(), 0.9);
  EXPECT_TRUE(meta.contains("git_commit"));
  EXPECT_TRUE(meta.contains("host"));
  // experiment.toml parses back.
  const exp::Experiment again = exp::parse_experiment(slurp(out / "experiment.toml"), (out / "experiment.toml").string(), {}, {});
  EXPECT_EQ(again.topology->host_count(), 3u);
}

TEST_F(WriterTest, AnErrorMidwayLeavesNothing) {
  const exp::Experiment e = demo();
  const fs::path out = dir_ / "run2";
  WriteOptions opt;
  opt.after_file = [](const std::string& f) {
    if (f == "flows.csv") throw std::runtime_error("disk full");
  };
  EXPECT_THROW(write_results_folder(out.string(), e, exp::derive(e), sample(e), {}, opt), std::runtime_error);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(entries().empty());
}

TEST_F(WriterTest, AKilledWriterLeavesNothingThatLooksComplete) {
  const exp::Experiment e = demo();
  const fs::path out = dir_ / "run3";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    WriteOptions opt;
    opt.after_file = [](const std::string& f) {
      if (f == "fct.csv") _exit(9);  // as if killed mid-write
    };
    write_results_folder(out.string(), e, exp::derive(e), sample(e), {}, opt);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 9);
  EXPECT_FALSE(fs::exists(out));
  for (const std::string& name : entries()) {
    EXPECT_NE(name.find(".tmp-"), std::string::npos) << name;
    EXPECT_FALSE(fs::exists(dir_ / name / "meta.json"));  // meta.json is written last
  }
}

TEST_F(WriterTest, ExistingFolderIsKeptUnlessReplaced) {
  const exp::Experiment e = demo();
  const fs::path out = dir_ / "run4";
  fs::create_directories(out);
  std::ofstream(out / "old.txt") << "old";
  EXPECT_THROW(write_results_folder(out.string(), e, exp::derive(e), sample(e), {}), std::runtime_error);
  EXPECT_TRUE(fs::exists(out / "old.txt"));
  WriteOptions opt;
  opt.replace = true;
  write_results_folder(out.string(), e, exp::derive(e), sample(e), {}, opt);
  EXPECT_FALSE(fs::exists(out / "old.txt"));
  EXPECT_TRUE(fs::exists(out / "meta.json"));
  EXPECT_EQ(entries(), std::vector<std::string>{"run4"});
}

}  // namespace
}  // namespace ptcp::cli
