// The powertcp command as users run it: exit codes, messages, and no results folder on errors.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace {

struct Outcome {
  int code = -1;
  std::string out, err;
};

class CommandTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ptcp-cmd-" + std::to_string(getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome run(const std::string& args) { return run_limited(args, 0); }
  // With an address-space limit in KiB (ulimit -v; 0: none).
  Outcome run_limited(const std::string& args, long kib) {
    const std::string limit = kib > 0 ? "ulimit -v " + std::to_string(kib) + "; " : "";
    const std::string cmd = limit + std::string(POWERTCP_EXE) + " " + args + " >" + (dir_ / "out").string() +
                            " 2>" + (dir_ / "err").string();
    const int status = std::system(cmd.c_str());
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.out = slurp(dir_ / "out");
    o.err = slurp(dir_ / "err");
    return o;
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  static std::string shipped(const std::string& name) {
    return std::string(POWERTCP_SOURCE_DIR) + "/experiments/" + name + ".toml";
  }
  fs::path dir_;
};

TEST_F(CommandTest, ValidatePrintsTheDerivedValues) {
  const Outcome o = run("validate " + shipped("incast-10to1-paper"));
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("256 hosts"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("28.96us"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("90500 bytes"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("tor: 4:1"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("11 expected"), std::string::npos) << o.out;
}

TEST_F(CommandTest, BadFileExitsTwoNamingFileLineAndKey) {
  const std::string f = write("bad.toml", "[topology]\nkind = \"star\"\nhosts = \"x\"\n");
  const Outcome o = run("validate " + f);
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find(f + ":3:"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("topology.hosts"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("expected an integer"), std::string::npos) << o.err;
}

TEST_F(CommandTest, RunWithBadInputExitsTwoAndWritesNothing) {
  const std::string f = write("bad.toml", "[topology]\nkind = \"ring\"\n");
  const fs::path out = dir_ / "results";
  Outcome o = run("run " + f + " --backend ns3 --out " + out.string());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("topology.kind"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(out));
  o = run("run " + shipped("pair-3node") + " --set workload.0.flows.0.size=lots --out " + out.string());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--set workload.0.flows.0.size=lots"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(out));
  o = run("run /nonexistent/x.toml --out " + out.string());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("cannot read"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(o.out, "");
}

TEST_F(CommandTest, BackendThatIsNotBuiltExitsTwo) {
  const Outcome list = run("list");
  ASSERT_EQ(list.code, 0);
  std::string built = list.out.substr(list.out.find("backends built:"));
  built = built.substr(0, built.find('\n')) + " ";
  for (const char* b : {"ns3", "dpdk"}) {
    if (built.find(std::string(" ") + b + " ") != std::string::npos) {
      continue;  // built in this configuration: nothing to check
    }
    const fs::path out = dir_ / b;
    const Outcome o = run("run " + shipped("pair-3node") + " --backend " + b + " --out " + out.string());
    EXPECT_EQ(o.code, 2);
    EXPECT_NE(o.err.find(std::string("backend ") + b + " is not built"), std::string::npos) << o.err;
    EXPECT_FALSE(fs::exists(out));
  }
  const Outcome o = run("run " + shipped("pair-3node") + " --backend carrier-pigeon --out " + (dir_ / "x").string());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("unknown backend 'carrier-pigeon'"), std::string::npos) << o.err;
}

TEST_F(CommandTest, SweepValidatesEveryPointFirst) {
  const fs::path out = dir_ / "sweep";
  const Outcome o = run("sweep " + shipped("websearch-small") +
                        " --vary cc.algorithm=powertcp,hpcc --vary workload.0.load=0.2,7 --out " + out.string());
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("workload.0.load"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(out));
  const Outcome bad = run("sweep " + shipped("websearch-small") + " --vary cc.algorithm --out " + out.string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CommandTest, ListShowsAlgorithmsAndParameters) {
  const Outcome o = run("list");
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("powertcp"), std::string::npos);
  EXPECT_NE(o.out.find("gamma"), std::string::npos);
  EXPECT_NE(o.out.find("hpcc"), std::string::npos);
  EXPECT_NE(o.out.find("backends built:"), std::string::npos);
}

TEST_F(CommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").code, 2);
  EXPECT_EQ(run("frobnicate").code, 2);
  EXPECT_EQ(run("run").code, 2);
  EXPECT_EQ(run("--help").code, 0);
}

// Nothing escapes as an uncaught exception (an abort with no message): a part whose meta.json
// has the wrong shape is bad input, exit 2, naming the file, and no merged folder.
TEST_F(CommandTest, MergeOfAMalformedPartExitsTwoNamingTheFile) {
  const fs::path part = dir_ / "h0";
  fs::create_directories(part);
  fs::copy_file(shipped("pair-3node"), part / "experiment.toml");
  std::ofstream(part / "meta.json") << R"({"versions": {"node": "h0"}, "counters": {"drops": "many"}})";
  const fs::path out = dir_ / "merged";
  const Outcome o = run("merge " + part.string() + " --out " + out.string());
  EXPECT_EQ(o.code, 2) << o.err;
  EXPECT_NE(o.err.find((part / "meta.json").string()), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(out));
}

// Out of memory is reported, not an abort: exit 1 (the machine refused), one clear line, and no
// results folder. 1000 s of web search arrivals on 16 hosts are about 19 million flows (1.6 GB
// of flow list): more than a 500 MB address space holds.
TEST_F(CommandTest, OutOfMemoryIsAClearErrorNotACrash) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan reserves terabytes of address space: ulimit -v would stop it first";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  GTEST_SKIP() << "ASan reserves terabytes of address space: ulimit -v would stop it first";
#endif
#endif
  const fs::path out = dir_ / "results";
  const Outcome o = run_limited("run " + shipped("websearch-small") +
                                    " --backend model --set run.duration=1000s --out " + out.string(),
                                500'000);
  EXPECT_EQ(o.code, 1) << o.err;
  EXPECT_NE(o.err.find("out of memory"), std::string::npos) << o.err;
  EXPECT_FALSE(fs::exists(out));
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find("results"), std::string::npos)
        << "left behind: " << entry.path();
  }
}

TEST_F(CommandTest, HelpStatesTheExitCodes) {
  const Outcome o = run("--help");
  EXPECT_EQ(o.code, 0);
  EXPECT_NE(o.out.find("3 internal error"), std::string::npos) << o.out;
}

}  // namespace
