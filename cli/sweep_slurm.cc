// The Slurm executor: one job array per submission, array index = point id (so `scancel 42_3`
// stops point 3 and a resume submits `--array=1,3`). No accounting is assumed (sacct is often
// absent): a task writes its exit code next to its log, and the results folder decides "ok".
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "sweep_exec.h"

namespace fs = std::filesystem;

namespace ptcp::cli {
namespace {

struct Captured {
  int code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a command (no shell interpretation of the arguments: each one is quoted).
Captured capture(const std::vector<std::string>& argv) {
  std::string cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + shell_quote(a);
  cmd += " 2>&1";
  Captured c;
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return c;
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) c.output.append(buf, n);
  const int status = pclose(f);
  c.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string log_stem(const SweepPoint& p, const std::string& job) {
  return fmt::format("logs/{}-job{}", p.dir, job);
}

// What Slurm wrote into a task's log when it ended the task itself.
std::string slurm_reason(const std::string& log) {
  if (log.find("DUE TO TIME LIMIT") != std::string::npos) return "killed by Slurm: time limit (--time)";
  if (log.find("oom-kill") != std::string::npos || log.find("Out Of Memory") != std::string::npos ||
      log.find("OUT_OF_MEMORY") != std::string::npos) {
    return "killed by Slurm: out of memory (--mem)";
  }
  if (log.find("DUE TO NODE FAILURE") != std::string::npos) return "killed by Slurm: node failure";
  if (log.find("CANCELLED") != std::string::npos) return "cancelled (scancel or preemption)";
  return "";
}

}  // namespace

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-+=/.,:%@") == std::string::npos) {
    return s;
  }
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::vector<std::string> split_shell_words(const std::string& s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < s.size()) {
        cur += s[++i];
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      cur += s[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote != 0) throw std::invalid_argument(fmt::format("unterminated {} quote in \"{}\"", quote, s));
  if (in_word) words.push_back(cur);
  return words;
}

std::string array_spec(const SweepIndex& x, const std::vector<std::size_t>& todo) {
  std::vector<std::size_t> ids;
  for (std::size_t i : todo) ids.push_back(x.points[i].id);
  std::sort(ids.begin(), ids.end());
  std::string s;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    s += (s.empty() ? "" : ",") + (j == i ? std::to_string(ids[i]) : fmt::format("{}-{}", ids[i], ids[j]));
    i = j + 1;
  }
  return s;
}

std::string job_script(const std::string& exe, const fs::path& sweep_dir, const SweepIndex& x,
                       const std::vector<std::size_t>& todo, unsigned max_running) {
  const std::string dir = sweep_dir.string();
  std::string s = "#!/bin/bash\n";
  s += fmt::format("# powertcp sweep: one task per point; written by `powertcp sweep` for {}\n", dir);
  s += fmt::format("#SBATCH --job-name={}\n",
                   shell_quote("powertcp-" + fs::path(x.experiment).stem().string()));
  s += fmt::format("#SBATCH --array={}{}\n", array_spec(x, todo),
                   max_running > 0 ? fmt::format("%{}", max_running) : "");
  // %3a: the point id zero-padded like the folder names; %A: the job id.
  s += fmt::format("#SBATCH --output={}\n", shell_quote(dir + "/logs/point-%3a-job%A.log"));
  s += fmt::format("#SBATCH --chdir={}\n", shell_quote(dir));
  s += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  if (!x.slurm.time.empty()) s += fmt::format("#SBATCH --time={}\n", shell_quote(x.slurm.time));
  if (!x.slurm.mem.empty()) s += fmt::format("#SBATCH --mem={}\n", shell_quote(x.slurm.mem));
  s += "set -u\n";
  s += fmt::format("sweep={}\n", shell_quote(dir));
  s += "case \"${SLURM_ARRAY_TASK_ID:?not a Slurm array task}\" in\n";
  for (std::size_t i : todo) {
    const SweepPoint& p = x.points[i];
    std::string cmd;
    for (const auto& a : point_command(exe, sweep_dir, x, p)) cmd += " " + shell_quote(a);
    s += fmt::format("  {}) dir={}; set --{} ;;\n", p.id, p.dir, cmd);
  }
  s += "  *) echo \"powertcp sweep: no point $SLURM_ARRAY_TASK_ID in this job\" >&2; exit 2 ;;\n";
  s += "esac\n";
  s += "status=\"$sweep/logs/$dir-job$SLURM_ARRAY_JOB_ID.exit\"\n";
  s += "echo \"powertcp sweep: $dir on $(hostname) at $(date -u +%FT%TZ)\"\n";
  s += "echo \"+ $*\"\n";
  // A requeued task whose point finished meanwhile must not fail on the existing folder.
  s += "if [ -f \"$sweep/$dir/meta.json\" ]; then echo 'already complete'; echo 0 > \"$status\"; exit 0; fi\n";
  s += "\"$@\"\nrc=$?\necho \"$rc\" > \"$status\"\necho \"powertcp sweep: $dir exit $rc\"\nexit \"$rc\"\n";
  return s;
}

std::string submit_slurm(const std::string& exe, const fs::path& sweep_dir, SweepIndex& x,
                         const std::vector<std::size_t>& todo, unsigned max_running) {
  std::vector<std::string> extra;
  try {
    extra = split_shell_words(x.slurm.args);
  } catch (const std::invalid_argument& e) {
    throw SlurmError(std::string("--slurm-args: ") + e.what());
  }
  fs::create_directories(sweep_dir / "logs");
  fs::create_directories(sweep_dir / "slurm");
  const fs::path script = sweep_dir / "slurm" / fmt::format("job-{}.sh", x.jobs.size() + 1);
  {
    std::ofstream out(script);
    out << job_script(exe, sweep_dir, x, todo, max_running);
    if (!out) throw SlurmError("cannot write " + script.string());
  }
  for (std::size_t i : todo) clear_incomplete(sweep_dir, x.points[i]);
  // Arguments on the command line win over the script's #SBATCH lines.
  std::vector<std::string> argv{"sbatch", "--parsable"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(script.string());
  const Captured c = capture(argv);
  if (c.code == 127) {
    throw SlurmError("sbatch not found: install Slurm's client (scripts/setup --with-slurm) or run "
                     "on a machine that has it");
  }
  const std::string out = trim(c.output);
  // --parsable prints "JOBID" or "JOBID;CLUSTER" (possibly after warnings on earlier lines).
  const std::string last = out.substr(out.find_last_of('\n') == std::string::npos ? 0 : out.find_last_of('\n') + 1);
  const std::string id = last.substr(0, last.find(';'));
  if (c.code != 0 || id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
    throw SlurmError(fmt::format("sbatch failed (exit {}): {}", c.code, out.empty() ? "no output" : out));
  }
  x.jobs.push_back(id);
  for (std::size_t i : todo) {
    SweepPoint& p = x.points[i];
    p.state = kStateSubmitted;
    p.exit_code = -1;
    p.reason.clear();
    p.job = fmt::format("{}_{}", id, p.id);
    p.log = log_stem(p, id) + ".log";
  }
  return id;
}

JobState slurm_job_state(const std::string& job_id, std::string* why) {
  const Captured c = capture({"squeue", "-h", "-r", "-j", job_id, "-o", "%i"});
  if (c.code == 0) return trim(c.output).empty() ? JobState::kEnded : JobState::kActive;
  // Once the controller forgets an ended job, squeue says so.
  if (c.output.find("Invalid job id") != std::string::npos) return JobState::kEnded;
  if (why != nullptr) *why = c.code == 127 ? "squeue not found" : trim(c.output);
  return JobState::kUnknown;
}

void wait_slurm(const std::string& job_id, const fs::path& sweep_dir,
                const std::vector<std::size_t>& todo, const SweepIndex& x) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto poll = std::chrono::milliseconds(500);
  auto first_error = clock::time_point{};
  std::string last_line;
  for (;;) {
    const Captured c = capture({"squeue", "-h", "-r", "-j", job_id, "-o", "%T"});
    if (c.code != 0) {
      // Once the controller forgets an ended job, squeue says so: the job is over.
      if (c.output.find("Invalid job id") != std::string::npos) break;
      if (first_error == clock::time_point{}) first_error = clock::now();
      if (clock::now() - first_error > std::chrono::seconds(120)) {
        throw SlurmError(fmt::format("squeue has failed for 2 minutes: {}; job {} may still be "
                                     "running (`powertcp sweep --status {}` later)",
                                     trim(c.output), job_id, sweep_dir.string()));
      }
    } else {
      first_error = {};
      std::size_t pending = 0, running = 0, other = 0;
      std::istringstream in(c.output);
      for (std::string st; in >> st;) {
        (st == "PENDING" ? pending : st == "RUNNING" ? running : other)++;
      }
      if (pending + running + other == 0) break;
      std::size_t done = 0;
      for (std::size_t i : todo) done += results_complete(sweep_dir / x.points[i].dir) ? 1U : 0U;
      const std::string line = fmt::format("slurm job {}: {} pending, {} running, {} other, {} of {} complete",
                                           job_id, pending, running, other, done, todo.size());
      if (line != last_line) std::cerr << line << "\n";
      last_line = line;
    }
    // A tenth of the time waited so far, from 0.5 to 15 s: short jobs are seen to end at once,
    // long ones do not poll the controller every second for hours.
    poll = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start) / 10,
                      std::chrono::milliseconds(500), std::chrono::milliseconds(15000));
    std::this_thread::sleep_for(poll);
  }
}

void collect_slurm(const std::string& job_id, const fs::path& sweep_dir, SweepIndex& x) {
  for (SweepPoint& p : x.points) {
    if (p.job != fmt::format("{}_{}", job_id, p.id)) continue;
    const std::string stem = log_stem(p, job_id);
    int code = -1;
    const std::string status = trim(read_all(sweep_dir / (stem + ".exit")));
    if (!status.empty() && status.find_first_not_of("0123456789") == std::string::npos) {
      code = std::stoi(status);
    }
    std::string reason;
    if (code < 0) {
      reason = slurm_reason(read_all(sweep_dir / (stem + ".log")));
      if (reason.empty()) reason = "the task recorded no exit status (never started, or killed)";
    }
    settle_point(sweep_dir, p, code, reason);
  }
}

}  // namespace ptcp::cli
