// Running the built `powertcp` command from a test and reading what it wrote: shell commands
// with their exit code and output, CSV files as rows of named columns, meta.json.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ptcp::dpdk::testing {

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

// Runs `cmd` with sh, output captured into files in `dir`.
inline Outcome shell(const std::string& cmd, const fs::path& dir, const std::string& tag = "cmd") {
  const fs::path o = dir / (tag + ".out"), e = dir / (tag + ".err");
  const int status = std::system(("(" + cmd + ") >" + o.string() + " 2>" + e.string()).c_str());
  return Outcome{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(o), slurp(e)};
}

using CsvRow = std::map<std::string, std::string>;

inline std::vector<CsvRow> read_csv(const fs::path& p) {
  std::istringstream in(slurp(p));
  std::string line;
  std::vector<std::string> head;
  std::vector<CsvRow> rows;
  if (!std::getline(in, line)) return rows;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) head.push_back(c);
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    CsvRow r;
    std::size_t i = 0;
    for (std::string c; std::getline(ls, c, ',') && i < head.size(); ++i) r[head[i]] = c;
    rows.push_back(std::move(r));
  }
  return rows;
}

inline nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(slurp(p)); }

inline std::string shipped(const std::string& name) {
  return std::string(POWERTCP_SOURCE_DIR) + "/experiments/" + name + ".toml";
}

// pcapng blocks: 4-byte type, 4-byte total length (host order as written), body.
inline std::size_t count_packet_blocks(const std::string& bytes) {
  std::size_t n = 0;
  for (std::size_t off = 0; off + 12 <= bytes.size();) {
    std::uint32_t type = 0, len = 0;
    std::memcpy(&type, bytes.data() + off, 4);
    std::memcpy(&len, bytes.data() + off + 4, 4);
    if (len < 12 || off + len > bytes.size()) break;
    if (type == 6) ++n;  // Enhanced Packet Block
    off += len;
  }
  return n;
}

// A fresh directory for one test, removed afterwards unless PTCP_KEEP_TEST_DIRS is set.
class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() / ("ptcp-dpdk-" + tag + "-" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    if (std::getenv("PTCP_KEEP_TEST_DIRS") == nullptr) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace ptcp::dpdk::testing
