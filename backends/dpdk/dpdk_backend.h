// `powertcp run EXP.toml --backend dpdk`: the experiment on the virtual testbed (one process,
// ring links) and its results in the common format. EAL arguments: the user's (set with
// set_eal_args, e.g. from the command line after `--`), else [testbed] eal_args, else the
// virtual defaults. EAL lives once per process; it is started on the first run.
#pragma once

#include <string>
#include <vector>

#include "backends/dpdk/virtual_testbed.h"
#include "experiment/backend.h"

namespace ptcp::dpdk {

// EAL arguments given on the command line (after `--`); they win over [testbed] eal_args.
void set_eal_args(std::vector<std::string> args);

// Starts EAL for this process if it is not running yet (arguments as described above).
void ensure_eal(const exp::Experiment& e);

// Runs `in` on the virtual testbed and fills `out` (run units), like the backend's run
// function; `opt` lets tests inject frames and read the raw run.
TestbedRun run_virtual(const exp::RunInput& in, const exp::RunOptions& ro, exp::Results& out,
                       TestbedOptions opt = {});

// One node of a multi-process run (RunOptions::node): its part of the results, in run units.
TestbedRun run_node(const exp::RunInput& in, const exp::RunOptions& ro, exp::Results& out);

// The counters and info the results get from a run (stalls, probes, drops, port stats...).
void fill_results(const exp::Experiment& scaled, const TestbedRun& run, exp::Results& out);

}  // namespace ptcp::dpdk
