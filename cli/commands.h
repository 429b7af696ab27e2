// The subcommands of `powertcp`. Each returns the process exit code (files.h).
#pragma once

#include <string>
#include <vector>

namespace ptcp::cli {

struct RunArgs {
  std::string file;
  std::string backend = "ns3";
  std::vector<std::string> sets;
  std::string out;  // empty: results/<name>-<algorithm>-<backend>-<UTC time>
  bool force = false;
  bool quiet = false;
  std::vector<std::string> backend_args;  // after `--` (DPDK: EAL arguments)
  std::string node;                       // --node: one node's part of a multi-process run
};
int cmd_run(const RunArgs& a);
// "backend ns3 is not built (install libns3-dev and rebuild)" or "unknown backend ...".
std::string missing_backend_message(const std::string& name);

// powertcp merge PART... --out DIR: the parts of a multi-process run (--node) as one folder.
struct MergeArgs {
  std::vector<std::string> parts;
  std::string out;
  bool force = false;
};
int cmd_merge(const MergeArgs& a);

int cmd_validate(const std::string& file, const std::vector<std::string>& sets, bool print_toml);
int cmd_list();

struct SweepArgs {
  std::string file;
  std::string backend;              // empty: ns3 (a resume: the sweep's own)
  std::vector<std::string> sets;
  std::vector<std::string> varies;  // key=v1,v2,...
  std::string out;
  unsigned jobs = 0;                // local: 0 means 1; slurm: at most this many tasks at once
  std::string executor;             // local or slurm; empty: local (a resume: the sweep's own)
  std::string slurm_args, time, mem;  // slurm only (sweep_command.cc explains)
  bool no_wait = false;
  bool no_check = false;            // do not validate every point before starting
  std::string resume, status;       // a sweep folder
};
int cmd_sweep(const SweepArgs& a);

// plot / compare: runs /usr/bin/python3 <analysis dir>/<script> with the arguments.
int cmd_python(const std::string& script, const std::vector<std::string>& args);

// Where the analysis scripts are: <exe dir>/../share/powertcp/analysis if it exists, else the
// source tree's analysis/.
std::string analysis_dir();
std::string self_exe();

// The sweep's points: the cross product of the --vary lists, as --set arguments per point.
// Throws exp::ExperimentError for a malformed --vary.
std::vector<std::vector<std::string>> sweep_points(const std::vector<std::string>& varies);

}  // namespace ptcp::cli
