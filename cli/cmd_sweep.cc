// powertcp sweep: the cross product of --vary lists, each point a `powertcp run` with its own
// results folder under the sweep folder, run by an executor (sweep_exec.h: local child processes
// or a Slurm job array), indexed in sweep.json (sweep_index.h). --resume reruns the points whose
// folder is not complete; --status shows where a sweep stands.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "commands.h"
#include "experiment/backend.h"
#include "experiment/error.h"
#include "files.h"
#include "sweep_exec.h"
#include "sweep_index.h"

namespace fs = std::filesystem;

namespace ptcp::cli {
namespace {

int bad_input(const std::string& msg) {
  std::cerr << "powertcp: " << msg << "\n";
  return kExitBadInput;
}

// The last few non-empty lines of a log, for the failure report.
std::vector<std::string> log_tail(const fs::path& log, std::size_t n) {
  std::ifstream in(log);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(n));
  return lines;
}

// Validates the points `todo` (every --set, in the order the run applies them). Returns the
// experiment's name.
void validate_points(const SweepIndex& x, const std::vector<std::size_t>& todo) {
  for (std::size_t i : todo) {
    std::vector<std::string> all = x.sets;
    all.insert(all.end(), x.points[i].sets.begin(), x.points[i].sets.end());
    load_experiment(x.experiment, all);
  }
}

// Prints each failed point of `todo` with its log, then the summary line. Returns the exit code.
int report(const fs::path& dir, const SweepIndex& x, const std::vector<std::size_t>& todo) {
  std::size_t ok = 0, failed = 0, other = 0;
  for (const SweepPoint& p : x.points) {
    (p.state == kStateOk ? ok : p.state == kStateFailed ? failed : other)++;
  }
  for (std::size_t i : todo) {
    const SweepPoint& p = x.points[i];
    if (p.state != kStateFailed) continue;
    const fs::path log = dir / p.log;
    std::cerr << fmt::format("FAILED point {} ({}): {}; log {}\n", p.id, describe_point(p), p.reason,
                             log.string());
    for (const auto& l : log_tail(log, 6)) std::cerr << "    | " << l << "\n";
  }
  std::cout << fmt::format("{}: {} points, {} ok, {} failed{}; index in {}/{}\n", dir.string(),
                           x.points.size(), ok, failed,
                           other > 0 ? fmt::format(", {} not run", other) : "", dir.string(),
                           kSweepIndexFile);
  if (failed + other > 0) {
    std::cout << fmt::format("rerun the incomplete points: powertcp sweep --resume {}\n", dir.string());
  }
  return failed + other == 0 ? kExitOk : kExitRunFailed;
}

// Runs `todo` with the index's executor; `fresh`: the folder was made by this command (removed
// again if Slurm refuses the job, so a rejected submission leaves nothing behind).
int execute(const fs::path& dir, SweepIndex& x, const std::vector<std::size_t>& todo,
            const SweepArgs& a, bool fresh) {
  const std::string exe = self_exe();
  if (x.executor == "local") {
    write_sweep_index(dir, x);
    run_local(exe, dir, x, todo, a.jobs == 0 ? 1 : a.jobs);
    write_sweep_index(dir, x);
    return report(dir, x, todo);
  }
  std::string job;
  try {
    job = submit_slurm(exe, dir, x, todo, a.jobs);
  } catch (const SlurmError& e) {
    if (fresh) {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
    return bad_input(e.what());
  }
  write_sweep_index(dir, x);
  std::cerr << fmt::format("submitted Slurm job {}: {} task(s), array {}, logs in {}/logs\n", job,
                           todo.size(), array_spec(x, todo), dir.string());
  if (a.no_wait) {
    std::cerr << fmt::format("not waiting; later: powertcp sweep --status {} (or --resume)\n",
                             dir.string());
    std::cout << job << "\n";
    return kExitOk;
  }
  std::cerr << fmt::format("waiting for it (Ctrl-C stops waiting, not the job; scancel {} stops the job)\n", job);
  try {
    wait_slurm(job, dir, todo, x);
  } catch (const SlurmError& e) {
    std::cerr << "powertcp: " << e.what() << "\n";
    return kExitRunFailed;
  }
  collect_slurm(job, dir, x);
  write_sweep_index(dir, x);
  return report(dir, x, todo);
}

// Settles points still marked submitted whose job Slurm no longer lists (a --no-wait sweep, or
// a waiting command that was interrupted). Returns the ids of jobs still active.
std::set<std::string> settle_ended_jobs(const fs::path& dir, SweepIndex& x) {
  std::set<std::string> jobs, active;
  for (const SweepPoint& p : x.points) {
    if (p.state == kStateSubmitted) jobs.insert(p.job.substr(0, p.job.find('_')));
  }
  for (const std::string& job : jobs) {
    std::string why;
    const JobState st = slurm_job_state(job, &why);
    if (st == JobState::kEnded) {
      collect_slurm(job, dir, x);
    } else {
      // Unknown counts as active: settling its points as failed, or rerunning them, while the
      // job may still write into the folder would be wrong.
      if (st == JobState::kUnknown) std::cerr << fmt::format("powertcp: cannot ask Slurm about job {}: {}\n", job, why);
      active.insert(job);
    }
  }
  refresh_from_disk(dir, x);
  return active;
}

// The index of the sweep folder given to --resume or --status; nullopt, having said why, when
// the folder has none (or an unreadable one).
std::optional<SweepIndex> open_sweep(const fs::path& dir) {
  try {
    return read_sweep_index(dir);
  } catch (const std::runtime_error& e) {
    bad_input(e.what());
    return std::nullopt;
  }
}

std::optional<std::string> experiment_text(const std::string& file) { return read_text_file(file); }

int sweep_new(const SweepArgs& a) {
  if (a.file.empty() || a.varies.empty()) {
    return bad_input("sweep: give an experiment file and at least one --vary (or --resume DIR / --status DIR)");
  }
  SweepIndex x;
  x.experiment = fs::absolute(a.file).lexically_normal().string();
  x.backend = a.backend.empty() ? "ns3" : a.backend;
  x.sets = a.sets;
  x.varies = a.varies;
  x.executor = a.executor.empty() ? "local" : a.executor;
  x.slurm = {a.slurm_args, a.time, a.mem};
  if (x.executor != "slurm" && (!a.slurm_args.empty() || !a.time.empty() || !a.mem.empty() || a.no_wait)) {
    return bad_input("sweep: --slurm-args, --time, --mem and --no-wait need --executor slurm");
  }
  std::string name;
  try {
    for (const auto& v : a.varies) x.keys.push_back(v.substr(0, v.find('=')));
    const auto points = sweep_points(a.varies);
    for (std::size_t i = 0; i < points.size(); ++i) {
      SweepPoint p;
      p.id = i;
      p.sets = points[i];
      p.dir = point_dir_name(i);
      x.points.push_back(std::move(p));
    }
    name = load_experiment(x.experiment, x.sets).name;
    // Every point before running any: a typo in the last value fails now, not in hours.
    if (!a.no_check) {
      std::vector<std::size_t> all(x.points.size());
      for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
      validate_points(x, all);
    }
  } catch (const exp::ExperimentError& err) {
    return bad_input(err.what());
  }
  if (exp::BackendTable::global().find(x.backend) == nullptr) {
    return bad_input(missing_backend_message(x.backend));
  }
  x.experiment_hash = text_hash(experiment_text(x.experiment).value_or(""));
  const fs::path dir = fs::absolute(a.out.empty() ? fmt::format("results/{}-sweep", name) : a.out).lexically_normal();
  if (fs::exists(dir)) return bad_input(dir.string() + " already exists (choose another --out, or --resume it)");
  fs::create_directories(dir);
  std::vector<std::size_t> todo(x.points.size());
  for (std::size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  try {
    return execute(dir, x, todo, a, true);
  } catch (...) {
    // Failed before the index was written: no point ran, so leave no folder behind.
    std::error_code ec;
    if (!fs::exists(dir / kSweepIndexFile, ec)) fs::remove_all(dir, ec);
    throw;
  }
}

int sweep_resume(const SweepArgs& a) {
  if (!a.file.empty() || !a.varies.empty() || !a.sets.empty() || !a.out.empty() || !a.backend.empty()) {
    return bad_input("sweep --resume: the sweep's experiment, --vary, --set, --backend and folder are "
                     "in its sweep.json; give only the folder (and executor options)");
  }
  const fs::path dir = fs::absolute(a.resume).lexically_normal();
  std::optional<SweepIndex> opened = open_sweep(dir);
  if (!opened) return kExitBadInput;
  SweepIndex& x = *opened;
  const std::set<std::string> active = settle_ended_jobs(dir, x);
  if (!active.empty()) {
    return bad_input(fmt::format("{}: Slurm job {} of this sweep is still queued or running (or Slurm "
                                 "cannot be asked); wait for it (or scancel it) before resuming",
                                 dir.string(), *active.begin()));
  }
  const auto text = experiment_text(x.experiment);
  if (!text) return bad_input(x.experiment + ": cannot read the sweep's experiment file");
  if (!x.experiment_hash.empty() && text_hash(*text) != x.experiment_hash) {
    return bad_input(x.experiment + " changed since the sweep started: rerun points would not match "
                                    "the finished ones (start a new sweep)");
  }
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < x.points.size(); ++i) {
    if (!results_complete(dir / x.points[i].dir)) todo.push_back(i);
  }
  write_sweep_index(dir, x);
  if (todo.empty()) {
    std::cout << fmt::format("{}: all {} points complete; nothing to rerun\n", dir.string(), x.points.size());
    return kExitOk;
  }
  if (!a.executor.empty()) x.executor = a.executor;
  if (!a.slurm_args.empty()) x.slurm.args = a.slurm_args;
  if (!a.time.empty()) x.slurm.time = a.time;
  if (!a.mem.empty()) x.slurm.mem = a.mem;
  if (x.executor != "slurm" && a.no_wait) return bad_input("sweep: --no-wait needs --executor slurm");
  try {
    if (!a.no_check) validate_points(x, todo);
  } catch (const exp::ExperimentError& err) {
    return bad_input(err.what());
  }
  if (exp::BackendTable::global().find(x.backend) == nullptr) {
    return bad_input(missing_backend_message(x.backend));
  }
  std::string ids;
  for (std::size_t i : todo) ids += (ids.empty() ? "" : ",") + std::to_string(x.points[i].id);
  std::cerr << fmt::format("resuming {}: {} of {} points to run ({}) with the {} executor\n",
                           dir.string(), todo.size(), x.points.size(), ids, x.executor);
  return execute(dir, x, todo, a, false);
}

int sweep_status(const SweepArgs& a) {
  const fs::path dir = fs::absolute(a.status).lexically_normal();
  std::optional<SweepIndex> opened = open_sweep(dir);
  if (!opened) return kExitBadInput;
  SweepIndex& x = *opened;
  const std::set<std::string> active = settle_ended_jobs(dir, x);
  write_sweep_index(dir, x);
  for (const SweepPoint& p : x.points) {
    std::cout << fmt::format("{} {:<9} {}{}{}\n", p.dir, p.state, describe_point(p),
                             p.state == kStateFailed ? "  (" + p.reason + ")" : "",
                             p.state == kStateFailed ? "  log " + (dir / p.log).string() : "");
  }
  for (const std::string& job : active) std::cout << "Slurm job " << job << " is still queued or running (or unknown)\n";
  std::vector<std::size_t> all(x.points.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  if (!active.empty()) return kExitRunFailed;
  return report(dir, x, all);
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
  if (!a.resume.empty() && !a.status.empty()) return bad_input("sweep: --resume and --status exclude each other");
  try {
    if (!a.status.empty()) return sweep_status(a);
    if (!a.resume.empty()) return sweep_resume(a);
    return sweep_new(a);
  } catch (const fs::filesystem_error& e) {
    std::cerr << "powertcp: " << e.what() << "\n";
    return kExitRunFailed;
  }
}

}  // namespace ptcp::cli
