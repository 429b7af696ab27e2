// The local executor: each point a `powertcp run` child process, at most -j at once, its output
// in logs/point-NNN-local.log (interleaved output of -j children would be unreadable).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "sweep_exec.h"

namespace fs = std::filesystem;

namespace ptcp::cli {
namespace {

pid_t spawn_logged(const std::vector<std::string>& argv, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

void run_local(const std::string& exe, const fs::path& sweep_dir, SweepIndex& x,
               const std::vector<std::size_t>& todo, unsigned jobs) {
  fs::create_directories(sweep_dir / "logs");
  std::map<pid_t, std::size_t> running;  // pid -> index into x.points
  std::size_t next = 0;
  jobs = std::max(1u, jobs);
  while (next < todo.size() || !running.empty()) {
    while (next < todo.size() && running.size() < jobs) {
      SweepPoint& p = x.points[todo[next]];
      clear_incomplete(sweep_dir, p);
      p.log = fmt::format("logs/{}-local.log", p.dir);
      p.job.clear();
      const pid_t pid = spawn_logged(point_command(exe, sweep_dir, x, p), (sweep_dir / p.log).string());
      if (pid < 0) throw std::runtime_error("cannot start a run (fork failed)");
      running[pid] = todo[next++];
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) break;
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    SweepPoint& p = x.points[it->second];
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    settle_point(sweep_dir, p, code,
                 WIFSIGNALED(status) ? fmt::format("killed by signal {}", WTERMSIG(status)) : "");
    std::cerr << fmt::format("point {}/{} {}: {}\n", p.id + 1, x.points.size(), describe_point(p),
                             p.state == kStateOk ? "ok" : "failed (" + p.reason + ")");
    running.erase(it);
    write_sweep_index(sweep_dir, x);
  }
}

}  // namespace ptcp::cli
