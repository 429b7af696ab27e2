// powertcp sweep: the cross product of --vary lists, each point a `powertcp run` child process
// with its own results folder, at most -j at once, and an index (index.csv) of every point.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "commands.h"
#include "experiment/backend.h"
#include "experiment/error.h"
#include "files.h"

namespace fs = std::filesystem;

namespace ptcp::cli {
namespace {

struct Point {
  std::vector<std::string> sets;  // the --vary values of this point, as key=value
  std::string dir;
  int exit_code = -1;
};

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void write_index(const std::string& out, const std::vector<std::string>& keys,
                 const std::vector<Point>& points) {
  std::string s = "point,dir,status,exit_code";
  for (const auto& k : keys) s += "," + csv_field(k);
  s += "\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point& p = points[i];
    const char* status = p.exit_code < 0 ? "pending" : p.exit_code == 0 ? "ok" : "failed";
    s += fmt::format("{},{},{},{}", i, csv_field(fs::path(p.dir).filename().string()), status, p.exit_code);
    for (const auto& kv : p.sets) s += "," + csv_field(kv.substr(kv.find('=') + 1));
    s += "\n";
  }
  // Replace atomically so a reader never sees half an index.
  const std::string tmp = out + "/index.csv.tmp";
  std::ofstream(tmp) << s;
  fs::rename(tmp, out + "/index.csv");
}

pid_t spawn(const std::vector<std::string>& argv) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

std::vector<std::vector<std::string>> sweep_points(const std::vector<std::string>& varies) {
  std::vector<std::vector<std::string>> points{{}};
  for (const std::string& v : varies) {
    const auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
      throw exp::ExperimentError("--vary " + v, "", "expected key.path=v1,v2,...");
    }
    const std::string key = v.substr(0, eq);
    std::vector<std::string> values;
    std::size_t start = eq + 1;
    for (;;) {
      const auto comma = v.find(',', start);
      values.push_back(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    std::vector<std::vector<std::string>> next;
    for (const auto& p : points) {
      for (const auto& val : values) {
        if (val.empty()) throw exp::ExperimentError("--vary " + v, key, "empty value in the list");
        auto q = p;
        q.push_back(key + "=" + val);
        next.push_back(q);
      }
    }
    points = std::move(next);
  }
  return points;
}

int cmd_sweep(const SweepArgs& a) {
  std::vector<Point> points;
  std::vector<std::string> keys;
  std::string name;
  try {
    for (const auto& v : a.varies) keys.push_back(v.substr(0, v.find('=')));
    for (auto& sets : sweep_points(a.varies)) points.push_back(Point{sets, "", -1});
    // Validate every point before running any: a typo in the last value fails now, not in hours.
    for (const Point& p : points) {
      std::vector<std::string> all = a.sets;
      all.insert(all.end(), p.sets.begin(), p.sets.end());
      name = load_experiment(a.file, all).name;
    }
  } catch (const exp::ExperimentError& err) {
    std::cerr << "powertcp: " << err.what() << "\n";
    return kExitBadInput;
  }
  if (exp::BackendTable::global().find(a.backend) == nullptr) {
    std::cerr << "powertcp: " << missing_backend_message(a.backend) << "\n";
    return kExitBadInput;
  }
  const std::string out = a.out.empty() ? fmt::format("results/{}-sweep", name) : a.out;
  if (fs::exists(out)) {
    std::cerr << "powertcp: " << out << " already exists (choose another --out)\n";
    return kExitBadInput;
  }
  fs::create_directories(out);
  for (std::size_t i = 0; i < points.size(); ++i) points[i].dir = fmt::format("{}/point-{:03}", out, i);
  write_index(out, keys, points);

  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, failed = 0;
  const unsigned jobs = std::max(1u, a.jobs);
  while (next < points.size() || !running.empty()) {
    while (next < points.size() && running.size() < jobs) {
      std::vector<std::string> argv{self_exe(), "run", a.file, "--backend", a.backend, "--out",
                                    points[next].dir, "--quiet"};
      for (const auto& s : a.sets) argv.insert(argv.end(), {"--set", s});
      for (const auto& s : points[next].sets) argv.insert(argv.end(), {"--set", s});
      const pid_t pid = spawn(argv);
      if (pid < 0) {
        std::cerr << "powertcp: cannot start a run\n";
        return kExitRunFailed;
      }
      running[pid] = next++;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) break;
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    Point& p = points[it->second];
    p.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    failed += p.exit_code != 0 ? 1 : 0;
    std::string desc;
    for (const auto& s : p.sets) desc += " " + s;
    std::cerr << fmt::format("point {}/{}{}: {}\n", it->second + 1, points.size(), desc,
                             p.exit_code == 0 ? "ok" : fmt::format("failed (exit {})", p.exit_code));
    running.erase(it);
    write_index(out, keys, points);
  }
  std::cout << fmt::format("{}: {} points, {} failed; index in {}/index.csv\n", out, points.size(),
                           failed, out);
  return failed == 0 ? kExitOk : kExitRunFailed;
}

}  // namespace ptcp::cli
