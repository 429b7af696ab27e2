// The sweep folder's index, sweep.json: what was swept (experiment, backend, --set, --vary) and,
// per point, its parameters, results folder, state, exit code and last log. Executors update it
// as points finish; `--resume` and `--status` read it back; the analysis expands a sweep folder
// into its complete results folders with it (analysis/powertcp_analysis/sweep.py).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace ptcp::cli {

inline constexpr int kSweepSchemaVersion = 1;
inline constexpr const char* kSweepIndexFile = "sweep.json";

// Point states. A point is "ok" only if its results folder is complete (has meta.json, which the
// atomic writer writes last): never on an exit code alone.
inline constexpr const char* kStatePending = "pending";      // not started yet
inline constexpr const char* kStateSubmitted = "submitted";  // in a Slurm job not yet seen to end
inline constexpr const char* kStateOk = "ok";
inline constexpr const char* kStateFailed = "failed";

struct SweepPoint {
  std::size_t id = 0;
  std::vector<std::string> sets;  // this point's --vary values, as key=value
  std::string dir;                // results folder, relative to the sweep folder: point-NNN
  std::string state = kStatePending;
  int exit_code = -1;             // of `powertcp run`; -1: none known
  std::string reason;             // why it failed, when known beyond the exit code
  std::string log;                // last attempt's log, relative to the sweep folder
  std::string job;                // Slurm "JOBID_TASK" of the last attempt; empty for local
};

struct SlurmSettings {
  std::string args;  // extra sbatch arguments, as one shell-like string
  std::string time;  // --time per task (Slurm's format), empty: the partition's default
  std::string mem;   // --mem per task (Slurm's format), empty: the partition's default
};

struct SweepIndex {
  std::string experiment;             // absolute path of the experiment file
  std::string experiment_hash;        // of its text, to notice an edit before a resume
  std::string backend;
  std::vector<std::string> sets;      // --set for every point
  std::vector<std::string> varies;    // the --vary arguments as given
  std::vector<std::string> keys;      // the varied keys, in --vary order
  std::string executor;               // "local" or "slurm": the last one used
  SlurmSettings slurm;
  std::vector<std::string> jobs;      // every Slurm job id submitted, oldest first
  std::vector<SweepPoint> points;
};

std::string point_dir_name(std::size_t id);  // point-007
// "cc.algorithm=hpcc workload.0.load=0.6"
std::string describe_point(const SweepPoint& p);
// A results folder is complete when its meta.json exists (docs/results.md).
bool results_complete(const std::filesystem::path& dir);

// Writes <dir>/sweep.json and <dir>/index.csv, each replaced atomically (rename), so a reader
// (or a resume after a crash) never sees half an index.
void write_sweep_index(const std::filesystem::path& dir, const SweepIndex& index);
// Throws std::runtime_error naming the file and what is wrong.
SweepIndex read_sweep_index(const std::filesystem::path& dir);

// Sets every point whose folder is complete to ok (a point run by a task that outlived the
// sweep command, for instance). Returns how many changed.
std::size_t refresh_from_disk(const std::filesystem::path& dir, SweepIndex& index);

// 64-bit FNV-1a of a text, in hex: enough to notice that a file changed.
std::string text_hash(const std::string& text);

}  // namespace ptcp::cli
