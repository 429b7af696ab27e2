// How a backend plugs into `powertcp run --backend NAME`. A backend is a name and a run
// function. It gets the experiment (as written, and in run units after the testbed scale),
// the flows to start (run units), and fills Results in run units; the command converts units,
// computes ideal FCTs and slowdowns, and writes the results folder atomically.
//
// Registering: the backend's library defines ptcp::exp::register_<name>_backend(BackendTable&)
// (declared below), and its CMakeLists.txt adds itself to the command:
//   target_link_libraries(powertcp PRIVATE <its library>)
//   target_compile_definitions(powertcp PRIVATE POWERTCP_WITH_NS3)   # or POWERTCP_WITH_DPDK
// cli/main.cc calls the registration function under that #ifdef.
#pragma once

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "experiment/experiment.h"
#include "experiment/results.h"
#include "experiment/workload.h"

namespace ptcp::exp {

struct Progress {
  TimeNs now = 0;           // run units
  TimeNs end = 0;           // duration (+ drain bound), run units
  std::uint64_t flows_done = 0;
  std::uint64_t flows_total = 0;
};

struct RunOptions {
  // Call now and then (at most a few times per second is plenty); may be empty.
  std::function<void(const Progress&)> progress;
  // Set by the command on SIGINT/SIGTERM: stop soon and throw BackendError("interrupted").
  const std::atomic<bool>* stop_requested = nullptr;
  bool verbose = false;
  // Arguments after `--` on the command line, for the backend as they are (DPDK: EAL's).
  std::vector<std::string> backend_args;
  // `--node NAME`: run only this node of the experiment (one process per node, results are
  // this node's part; `powertcp merge` joins the parts). Empty: the whole experiment.
  std::string node;
};

struct RunInput {
  const Experiment& experiment;  // as written (unscaled); applied_scale == 1
  const Experiment& scaled;      // run units: rates / s, times * s (== experiment when s == 1)
  const std::vector<Flow>& flows;  // to start at flow.start (run units); long flows stop at flow.stop
};

// A failed run: the message is shown and nothing is written.
class BackendError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Backend {
  std::string name;
  std::string description;
  // Fills: fct (every finished flow), queue/links (ports in run.trace_ports at
  // run.queue_interval / run.link_interval), buffer (every switch at run.queue_interval),
  // flows (flows in run.trace_flows at run.flow_interval), counters (the counter:: names),
  // info (versions), end_ns. Throws BackendError on failure.
  std::function<void(const RunInput&, const RunOptions&, Results&)> run;
  // Whether run() accepts RunOptions::node (the command refuses --node otherwise).
  bool runs_single_node = false;
};

class BackendTable {
 public:
  static BackendTable& global();
  void add(Backend b);  // replaces a backend of the same name
  const Backend* find(std::string_view name) const;
  const std::vector<Backend>& all() const { return backends_; }

 private:
  std::vector<Backend> backends_;
};

// Defined by the optional backend libraries.
void register_ns3_backend(BackendTable& table);
void register_dpdk_backend(BackendTable& table);

}  // namespace ptcp::exp
