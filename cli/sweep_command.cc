// Options of `powertcp sweep` (docs/cluster.md explains the Slurm ones).
#include "sweep_command.h"

namespace ptcp::cli {

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& a) {
  auto* c = app.add_subcommand(
      "sweep",
      "run the cross product of --vary values (locally or as a Slurm job array); "
      "--resume DIR reruns a sweep's incomplete points, --status DIR shows them");
  c->add_option("experiment", a.file, "experiment file (.toml)");
  c->add_option("--vary,-v", a.varies, "key.path=v1,v2,... (repeatable)");
  c->add_option("--backend,-b", a.backend, "ns3 or dpdk (default ns3)");
  c->add_option("--set,-s", a.sets, "override for every point (repeatable)");
  c->add_option("--out,-o", a.out, "sweep folder (default results/<name>-sweep)");
  c->add_option("-j,--jobs", a.jobs,
                "points run at once (local: default 1; slurm: default no limit, else --array=...%N)");
  c->add_option("--executor,-e", a.executor, "local (default) or slurm")
      ->check(CLI::IsMember({"local", "slurm"}));
  c->add_option("--slurm-args", a.slurm_args,
                "extra sbatch arguments, one string: \"--partition=long --account=net\"");
  c->add_option("--time", a.time, "slurm: time limit per task, Slurm's format (30, 2:00:00, 1-0)");
  c->add_option("--mem", a.mem, "slurm: memory per task, Slurm's format (2G, 500M)");
  c->add_flag("--no-wait", a.no_wait, "slurm: print the job id and return at once");
  c->add_flag("--no-check", a.no_check,
              "do not validate every point first; each run validates its own (e.g. files that "
              "exist only where the tasks run)");
  c->add_option("--resume", a.resume, "sweep folder: run again only its incomplete points");
  c->add_option("--status", a.status, "sweep folder: print each point's state and log");
  return c;
}

}  // namespace ptcp::cli
