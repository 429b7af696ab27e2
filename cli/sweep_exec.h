// Executors of a sweep: `local` (child processes on this machine, at most -j at once) and
// `slurm` (one job array, one task per point). Both run the same command per point
// (point_command), so their results folders are identical but for timing and host in meta.json,
// and both leave one log per point and attempt under <sweep>/logs/.
#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "sweep_index.h"

namespace ptcp::cli {

// Submission or polling failed (no sbatch, bad --slurm-args, controller down): the message says
// what Slurm said.
struct SlurmError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `<exe> run <experiment> --backend B --out <sweep>/<dir> --quiet --set ... --set <point's>`.
std::vector<std::string> point_command(const std::string& exe, const std::filesystem::path& sweep_dir,
                                       const SweepIndex& x, const SweepPoint& p);

// Before (re)running a point: removes what a killed attempt may have left (an incomplete folder,
// "<dir>.tmp-*" from the atomic writer). Never touches a complete folder.
void clear_incomplete(const std::filesystem::path& sweep_dir, const SweepPoint& p);

// Sets state/exit_code/reason of a point that has ended: ok only if its folder is complete.
void settle_point(const std::filesystem::path& sweep_dir, SweepPoint& p, int exit_code,
                  const std::string& reason);

// --- local ---
// Runs the points `todo` (indices into x.points), at most `jobs` at once, each logging to
// logs/point-NNN-local.log; updates and rewrites the index as each ends and prints a line per
// point to stderr.
void run_local(const std::string& exe, const std::filesystem::path& sweep_dir, SweepIndex& x,
               const std::vector<std::size_t>& todo, unsigned jobs);

// --- slurm ---
// "0-3,5,7-9" for the ids of `todo`.
std::string array_spec(const SweepIndex& x, const std::vector<std::size_t>& todo);
// Splits "--partition=long --qos 'a b'" like a shell would (quotes, backslashes); throws
// std::invalid_argument on an unterminated quote.
std::vector<std::string> split_shell_words(const std::string& s);
std::string shell_quote(const std::string& s);
// The job array's batch script text (one `case` branch per point of todo).
std::string job_script(const std::string& exe, const std::filesystem::path& sweep_dir,
                       const SweepIndex& x, const std::vector<std::size_t>& todo,
                       unsigned max_running);
// Writes slurm/job-<n>.sh, submits it with sbatch, returns the job id; marks the points
// submitted with their log paths and records the job in x.jobs (the caller writes the index).
std::string submit_slurm(const std::string& exe, const std::filesystem::path& sweep_dir,
                         SweepIndex& x, const std::vector<std::size_t>& todo,
                         unsigned max_running);
// Polls squeue until no task of the job is queued or running, printing counts when they change.
void wait_slurm(const std::string& job_id, const std::filesystem::path& sweep_dir,
                const std::vector<std::size_t>& todo, const SweepIndex& x);
// Whether Slurm still lists the job (queued or running): kEnded once Slurm does not know it any
// more, kUnknown when it cannot be asked (no squeue, controller down), with squeue's words in
// `why`.
enum class JobState { kActive, kEnded, kUnknown };
JobState slurm_job_state(const std::string& job_id, std::string* why = nullptr);
// After the job: each point of the job whose folder is complete is ok; any other is failed, with
// the exit code its task recorded and, if it has none, the reason Slurm's log gives.
void collect_slurm(const std::string& job_id, const std::filesystem::path& sweep_dir, SweepIndex& x);

}  // namespace ptcp::cli
