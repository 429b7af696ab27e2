// Running a built command from a test: a shell command with its exit code and captured output,
// `powertcp ARGS` (when the test defines POWERTCP_EXE), the shipped experiment files (when it
// defines POWERTCP_SOURCE_DIR), and a fresh directory per test. Shared by the DPDK and the
// cross-validation tests; reading what the command wrote is in result_files.h.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ptcp::testing {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

// Runs `cmd` with sh, stdout/stderr captured into DIR/TAG.out and DIR/TAG.err.
inline Outcome shell(const std::string& cmd, const fs::path& dir, const std::string& tag = "cmd") {
  const fs::path o = dir / (tag + ".out"), e = dir / (tag + ".err");
  const int status = std::system(("(" + cmd + ") >" + o.string() + " 2>" + e.string()).c_str());
  return Outcome{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(o), slurp(e)};
}

#ifdef POWERTCP_EXE
// The built `powertcp ARGS`.
inline Outcome powertcp(const std::string& args, const fs::path& dir, const std::string& tag) {
  return shell(std::string(POWERTCP_EXE) + " " + args, dir, tag);
}
#endif

#ifdef POWERTCP_SOURCE_DIR
inline std::string shipped(const std::string& name) {
  return std::string(POWERTCP_SOURCE_DIR) + "/experiments/" + name + ".toml";
}
#endif

// A fresh directory for one test, removed afterwards unless PTCP_KEEP_TEST_DIRS is set.
class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() / ("ptcp-test-" + tag + "-" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    if (std::getenv("PTCP_KEEP_TEST_DIRS") == nullptr) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace ptcp::testing
