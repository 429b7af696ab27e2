// Malformed experiment files, one per file in cases/: each must be refused by the built command
// with exit code 2, the exact message (file, line, column, key, problem) given on the case's
// first line, and no results folder. Each case runs twice: `powertcp validate` and
// `powertcp run --backend ns3 --out DIR` (the experiment is checked before the backend, so the
// same message comes whether or not ns-3 is built).
//
// Case file format: line 1 "# expect: <message>" where {file} stands for the case's path and
// {dir} for its directory; a message ending in " ..." is a prefix (for lists that grow, such as
// the known algorithms). Optional line 2 "# args: <extra arguments>" (e.g. --set overrides).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fs = std::filesystem;

namespace {

struct Case {
  std::string name;
  fs::path file;
  std::string expect;
  std::string args;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size())) {
    s.replace(i, from.size(), to);
  }
}

std::vector<Case> load_cases() {
  std::vector<Case> out;
  const fs::path dir = fs::path(BADFILES_DIR) / "cases";
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    Case c;
    c.name = entry.path().stem().string();
    c.file = entry.path();
    std::istringstream text(slurp(c.file));
    std::string line;
    while (std::getline(text, line) && line.rfind("# ", 0) == 0) {
      if (line.rfind("# expect: ", 0) == 0) c.expect = line.substr(10);
      if (line.rfind("# args: ", 0) == 0) c.args = line.substr(8);
    }
    replace_all(c.expect, "{file}", c.file.string());
    replace_all(c.expect, "{dir}", dir.string());
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = load_cases();
  return all;
}

struct Counts : testing::Environment {
  int files = 0, runs = 0;
  void TearDown() override {
    std::printf("badfiles (this process): %d cases, %d command runs, each refused with exit 2, "
                "its message and no results folder\n",
                files, runs);
  }
};
Counts* counts = static_cast<Counts*>(testing::AddGlobalTestEnvironment(new Counts));

class BadFile : public testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ptcp-badfiles-" + std::to_string(getpid()) + "-" + GetParam().name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the command from inside an empty directory, so a stray default results folder shows.
  int run(const std::string& args, std::string& err) {
    const std::string cmd = "cd " + dir_.string() + " && " + POWERTCP_EXE + " " + args +
                            " >" + (dir_ / "stdout").string() + " 2>" + (dir_ / "stderr").string();
    const int status = std::system(cmd.c_str());
    err = slurp(dir_ / "stderr");
    fs::remove(dir_ / "stdout");
    fs::remove(dir_ / "stderr");
    ++counts->runs;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void expect_message(const std::string& err, const Case& c) {
    const std::string prefix = "powertcp: ";
    ASSERT_EQ(err.rfind(prefix, 0), 0u) << err;
    ASSERT_FALSE(err.empty());
    ASSERT_EQ(err.back(), '\n') << err;
    const std::string msg = err.substr(prefix.size(), err.size() - prefix.size() - 1);
    const std::string ellipsis = " ...";
    if (c.expect.size() > ellipsis.size() &&
        c.expect.compare(c.expect.size() - ellipsis.size(), ellipsis.size(), ellipsis) == 0) {
      const std::string head = c.expect.substr(0, c.expect.size() - ellipsis.size());
      EXPECT_EQ(msg.substr(0, head.size()), head);
    } else {
      EXPECT_EQ(msg, c.expect);
    }
  }

  fs::path dir_;
};

TEST_P(BadFile, ValidateRefusesItWithItsMessage) {
  const Case& c = GetParam();
  ASSERT_FALSE(c.expect.empty()) << c.file << " has no '# expect:' line";
  std::string err;
  EXPECT_EQ(run("validate " + c.file.string() + " " + c.args, err), 2) << err;
  expect_message(err, c);
  ++counts->files;
}

TEST_P(BadFile, RunRefusesItAndWritesNothing) {
  const Case& c = GetParam();
  const fs::path out = dir_ / "res";
  std::string err;
  EXPECT_EQ(run("run " + c.file.string() + " " + c.args + " --backend ns3 --out " + out.string(), err), 2)
      << err;
  expect_message(err, c);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(dir_ / "results"));
  std::size_t left = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++left;
  EXPECT_EQ(left, 0u) << "the command left files in its working directory";
}

TEST(BadFiles, AtLeastThirtyCases) {
  // scripts/test reads this line (ctest runs each case in its own process).
  std::printf("malformed experiment files: %zu cases, each through validate and run --backend ns3\n",
              cases().size());
  EXPECT_GE(cases().size(), 30u);
}

INSTANTIATE_TEST_SUITE_P(Cases, BadFile, testing::ValuesIn(cases()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
