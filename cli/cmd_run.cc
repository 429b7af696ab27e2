// powertcp run: load, pick the backend, run it, write the results folder atomically.
#include <csignal>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "commands.h"
#include "experiment/backend.h"
#include "experiment/derived.h"
#include "experiment/ideal_fct.h"
#include "experiment/scale.h"
#include "experiment/workload.h"
#include "files.h"
#include "progress.h"
#include "results_writer.h"

namespace ptcp::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

std::string utc_now(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

std::string missing_backend_message(const std::string& name) {
  if (name == "ns3") return "backend ns3 is not built (install libns3-dev and rebuild)";
  if (name == "dpdk") return "backend dpdk is not built (install dpdk-dev and rebuild)";
  std::string known;
  for (const auto& b : exp::BackendTable::global().all()) known += " " + b.name;
  return fmt::format("unknown backend '{}' (built:{})", name, known.empty() ? " none" : known);
}

int cmd_run(const RunArgs& a) {
  exp::Experiment e;
  try {
    e = load_experiment(a.file, a.sets);
  } catch (const exp::ExperimentError& err) {
    std::cerr << "powertcp: " << err.what() << "\n";
    return kExitBadInput;
  }
  const exp::Backend* backend = exp::BackendTable::global().find(a.backend);
  if (backend == nullptr) {
    std::cerr << "powertcp: " << missing_backend_message(a.backend) << "\n";
    return kExitBadInput;
  }
  if (!a.node.empty()) {
    if (!e.topology->find_node(a.node)) {
      std::cerr << "powertcp: --node: \"" << a.node << "\" is not a node of " << a.file << "\n";
      return kExitBadInput;
    }
    if (!backend->runs_single_node) {
      std::cerr << "powertcp: --node: backend " << a.backend << " runs whole experiments only\n";
      return kExitBadInput;
    }
  }
  const std::string out =
      !a.out.empty() ? a.out
                     : fmt::format("results/{}-{}-{}-{}{}", e.name, e.cc.algorithm, a.backend,
                                   utc_now("%Y%m%d-%H%M%S"), a.node.empty() ? "" : "-" + a.node);
  if (std::filesystem::exists(out) && !a.force) {
    std::cerr << "powertcp: " << out << " already exists (use --force to replace it)\n";
    return kExitBadInput;
  }

  const exp::Derived derived = exp::derive(e);
  const exp::Experiment scaled = exp::scaled_for_run(e);
  const std::vector<exp::Flow> flows = exp::scale_flows(exp::generate_flows(e), e.testbed.scale);
  ProgressDisplay display(!a.quiet && stderr_is_terminal());
  exp::RunOptions opt;
  opt.progress = [&](const exp::Progress& p) { display.update(p); };
  opt.stop_requested = &g_stop;
  opt.backend_args = a.backend_args;
  opt.node = a.node;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  RunMeta meta;
  meta.backend = a.backend;
  meta.started_at = utc_now("%Y-%m-%dT%H:%M:%SZ");
  const auto t0 = std::chrono::steady_clock::now();
  exp::Results results;
  try {
    backend->run(exp::RunInput{e, scaled, flows}, opt, results);
  } catch (const std::exception& err) {
    display.finish();
    std::cerr << "powertcp: the " << a.backend << " run failed: " << err.what()
              << " (no results written)\n";
    return g_stop.load() ? kExitInterrupted : kExitRunFailed;
  } catch (...) {
    display.finish();
    std::cerr << "powertcp: the " << a.backend << " run failed: internal error: the backend threw "
              << "something that is not a std::exception (no results written)\n";
    return kExitInternal;
  }
  display.finish();
  if (g_stop.load()) {
    std::cerr << "powertcp: interrupted (no results written)\n";
    return kExitInterrupted;
  }
  meta.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  results = exp::unscale_results(std::move(results), e.testbed.scale);
  if (results.counters.count(exp::counter::kFlowsTotal) == 0) {
    results.counters[exp::counter::kFlowsTotal] = flows.size();
  }
  if (results.counters.count(exp::counter::kFlowsFinished) == 0) {
    results.counters[exp::counter::kFlowsFinished] = results.fct.size();
  }
  try {
    WriteOptions wo;
    wo.replace = a.force;
    write_results_folder(out, e, derived, results, meta, wo);
  } catch (const std::exception& err) {
    std::cerr << "powertcp: " << err.what() << "\n";
    return kExitRunFailed;
  }
  if (!a.quiet) {
    std::vector<double> sd;
    for (const auto& r : results.fct) {
      const TimeNs ideal = exp::ideal_fct(e, r.src, r.dst, r.size_bytes);
      if (ideal > 0) sd.push_back(static_cast<double>(r.end_ns - r.start_ns) / static_cast<double>(ideal));
    }
    std::cout << fmt::format("{}: {} of {} flows finished, slowdown median {:.3f} p99 {:.3f}, wall {:.1f}s\n",
                             out, results.fct.size(), results.counters[exp::counter::kFlowsTotal],
                             percentile(sd, 0.5),
                             percentile(sd, 0.99), meta.wall_time_s);
  }
  return kExitOk;
}

}  // namespace ptcp::cli
