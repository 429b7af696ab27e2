// Loading shipped experiments and running them on ns-3, for the backend's scenario tests.
#pragma once

#include <string>
#include <vector>

#include "experiment/experiment.h"
#include "experiment/results.h"
#include "experiment/workload.h"
#include "sim/run.h"

namespace ptcp::ns3test {

// experiments/<name>.toml with `--set` overrides applied.
exp::Experiment load(const std::string& name, const std::vector<std::string>& sets = {});

struct SimRun {
  exp::Experiment e;
  std::vector<exp::Flow> flows;
  exp::Results results;
  ns3sim::RunStats stats;
};
SimRun simulate(const std::string& name, const std::vector<std::string>& sets = {},
        const ns3sim::RunOptions& opt = {});

// Samples of one traced port, by port name, in time order.
std::vector<exp::QueueRow> queue_of(const SimRun& r, const std::string& port);
std::vector<exp::LinkRow> links_of(const SimRun& r, const std::string& port);
// Bytes the port carried between t0 and t1, from cumulative samples interpolated linearly.
double tx_between(const std::vector<exp::LinkRow>& l, TimeNs t0, TimeNs t1);
// Full-size data packet on the wire (frame + preamble/FCS/IFG), with INT if the CC uses it.
std::uint64_t packet_wire_bytes(const exp::Experiment& e);
double beta_bytes(const exp::Experiment& e, std::uint32_t host);

}  // namespace ptcp::ns3test
