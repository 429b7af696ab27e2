// Cross-validation helpers: run the built `powertcp` command, read a results folder's CSVs and
// meta.json, and the per-phase figures the tests compare (mean queue, per-flow goodput).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ptcp::model::testing {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outcome {
  int code = -1;
  std::string err;
};

// `powertcp ARGS` with stdout/stderr captured into files under `dir`.
inline Outcome powertcp(const std::string& args, const fs::path& dir, const std::string& tag) {
  const fs::path o = dir / (tag + ".out"), e = dir / (tag + ".err");
  const std::string cmd = std::string(POWERTCP_EXE) + " " + args;
  const int status = std::system(("(" + cmd + ") >" + o.string() + " 2>" + e.string()).c_str());
  return Outcome{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(e)};
}

inline std::string shipped(const std::string& name) {
  return std::string(PTCP_SOURCE_DIR) + "/experiments/" + name + ".toml";
}

using Row = std::map<std::string, std::string>;

inline std::vector<Row> read_csv(const fs::path& p) {
  std::istringstream in(slurp(p));
  std::string line;
  std::vector<std::string> head;
  std::vector<Row> rows;
  if (!std::getline(in, line)) return rows;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) head.push_back(c);
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    Row r;
    std::size_t i = 0;
    for (std::string c; std::getline(ls, c, ',') && i < head.size(); ++i) r[head[i]] = c;
    rows.push_back(std::move(r));
  }
  return rows;
}

inline nlohmann::json read_meta(const fs::path& dir) { return nlohmann::json::parse(slurp(dir / "meta.json")); }

inline double num(const Row& r, const std::string& k) { return std::stod(r.at(k)); }

// Mean qlen of `port` over samples in [t0, t1] (ns).
inline double mean_queue(const std::vector<Row>& queue, const std::string& port, double t0, double t1) {
  double s = 0;
  int n = 0;
  for (const auto& r : queue) {
    const double t = num(r, "time_ns");
    if (r.at("port") == port && t >= t0 && t <= t1) {
      s += num(r, "qlen_bytes");
      ++n;
    }
  }
  return n > 0 ? s / n : 0;
}

// Cumulative acked bytes of `flow` at the latest sample at or before t (0 before its first).
inline double acked_at(const std::vector<Row>& flows, int flow, double t) {
  double v = 0;
  for (const auto& r : flows) {
    if (std::stoi(r.at("flow_id")) == flow && num(r, "time_ns") <= t) v = num(r, "acked_bytes");
  }
  return v;
}

// Goodput of `flow` over [t0, t1], bit/s.
inline double goodput(const std::vector<Row>& flows, int flow, double t0, double t1) {
  return (acked_at(flows, flow, t1) - acked_at(flows, flow, t0)) * 8 / ((t1 - t0) * 1e-9);
}

// A fresh directory, removed afterwards unless PTCP_KEEP_TEST_DIRS is set.
class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() / ("ptcp-model-" + tag + "-" + std::to_string(getpid()))) {
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

}  // namespace ptcp::model::testing
