// The powertcp command: run, validate, list, sweep, plot, compare.
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cmd_model.h"
#include "commands.h"
#include "experiment/backend.h"
#include "files.h"
#include "guard.h"
#include "model/model_backend.h"
#include "sweep_command.h"

namespace {

// `powertcp run EXP -- ARGS...`: everything after the first `--` belongs to the backend (EAL
// arguments for DPDK), untouched by the option parser. Returns the argc CLI11 should see.
int split_backend_args(int argc, char** argv, std::vector<std::string>& backend_args) {
  int first = 1;
  while (first < argc && argv[first][0] == '-') ++first;
  if (first >= argc || std::string(argv[first]) != "run") return argc;
  for (int i = first + 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      backend_args.assign(argv + i + 1, argv + argc);
      return i;
    }
  }
  return argc;
}

}  // namespace

int main(int argc, char** argv) {
  ptcp::exp::register_model_backend(ptcp::exp::BackendTable::global());
#ifdef POWERTCP_WITH_NS3
  ptcp::exp::register_ns3_backend(ptcp::exp::BackendTable::global());
#endif
#ifdef POWERTCP_WITH_DPDK
  ptcp::exp::register_dpdk_backend(ptcp::exp::BackendTable::global());
#endif
  CLI::App app{"powertcp: one experiment file, simulation (ns-3) or testbed (DPDK), the same results"};
  app.require_subcommand(1);
  app.footer("Exit codes: 0 success; 1 the run failed (the backend, out of memory, a file system "
             "error); 2 bad input (file, --set, backend, --out); 3 internal error (a bug: please "
             "report it); 130 interrupted. No results folder is written unless the run succeeds.");

  ptcp::cli::RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "run an experiment and write a results folder");
  run_cmd->add_option("experiment", run.file, "experiment file (.toml)")->required();
  run_cmd->add_option("--backend,-b", run.backend, "ns3 or dpdk")->capture_default_str();
  run_cmd->add_option("--set,-s", run.sets, "override a key: key.path=value (repeatable)");
  run_cmd->add_option("--out,-o", run.out, "results folder (default results/<name>-<cc>-<backend>-<time>)");
  run_cmd->add_flag("--force", run.force, "replace an existing results folder");
  run_cmd->add_flag("--quiet,-q", run.quiet, "no progress line or summary");
  run_cmd->add_option("--node", run.node,
                      "run only this node (multi-process testbed; writes the node's part)");
  run_cmd->footer("Arguments after -- go to the backend unchanged (DPDK: EAL arguments).");
  argc = split_backend_args(argc, argv, run.backend_args);

  std::string vfile;
  std::vector<std::string> vsets;
  bool vtoml = false;
  auto* val_cmd = app.add_subcommand("validate", "check an experiment and print what it resolves to");
  val_cmd->add_option("experiment", vfile, "experiment file (.toml)")->required();
  val_cmd->add_option("--set,-s", vsets, "override a key: key.path=value (repeatable)");
  val_cmd->add_flag("--toml", vtoml, "print the resolved experiment as TOML");

  ptcp::cli::RunArgs model;
  auto* model_cmd = app.add_subcommand(
      "model", "the experiment on the fluid model (one bottleneck): run --backend model");
  model_cmd->add_option("experiment", model.file, "experiment file (.toml)")->required();
  model_cmd->add_option("--set,-s", model.sets, "override a key: key.path=value (repeatable)");
  model_cmd->add_option("--out,-o", model.out, "results folder (default results/<name>-<cc>-model-<time>)");
  model_cmd->add_flag("--force", model.force, "replace an existing results folder");
  model_cmd->add_flag("--quiet,-q", model.quiet, "no progress line or summary");

  ptcp::cli::MergeArgs merge;
  auto* merge_cmd = app.add_subcommand("merge", "join the parts of a multi-process run (run --node) into one results folder");
  merge_cmd->add_option("parts", merge.parts, "the nodes' results folders")->required();
  merge_cmd->add_option("--out,-o", merge.out, "results folder to write")->required();
  merge_cmd->add_flag("--force", merge.force, "replace an existing results folder");

  auto* list_cmd = app.add_subcommand("list", "congestion-control algorithms and their parameters");

  ptcp::cli::SweepArgs sweep;
  auto* sweep_cmd = ptcp::cli::add_sweep_command(app, sweep);

  // plot and compare hand every argument after them, in order, to the analysis scripts.
  auto* plot_cmd = app.add_subcommand("plot", "plot results folders: RESULTS... [--out DIR] (analysis/plot.py)");
  plot_cmd->prefix_command();
  auto* compare_cmd = app.add_subcommand("compare", "compare results folders: A B (analysis/compare.py)");
  compare_cmd->prefix_command();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : ptcp::cli::kExitBadInput;
  }
  auto rest = [](CLI::App* c) { return c->remaining(); };
  using ptcp::cli::run_guarded;
  if (*run_cmd) return run_guarded("run", [&] { return ptcp::cli::cmd_run(run); });
  if (*merge_cmd) return run_guarded("merge", [&] { return ptcp::cli::cmd_merge(merge); });
  if (*val_cmd) return run_guarded("validate", [&] { return ptcp::cli::cmd_validate(vfile, vsets, vtoml); });
  if (*model_cmd) return run_guarded("model", [&] { return ptcp::cli::cmd_model(model); });
  if (*list_cmd) return run_guarded("list", [&] { return ptcp::cli::cmd_list(); });
  if (*sweep_cmd) return run_guarded("sweep", [&] { return ptcp::cli::cmd_sweep(sweep); });
  if (*plot_cmd) return run_guarded("plot", [&] { return ptcp::cli::cmd_python("plot.py", rest(plot_cmd)); });
  if (*compare_cmd) {
    return run_guarded("compare", [&] { return ptcp::cli::cmd_python("compare.py", rest(compare_cmd)); });
  }
  return ptcp::cli::kExitBadInput;
}
