// `powertcp run EXP.toml --backend ns3`: the ns-3 backend's entry in the command's table.
#include "experiment/backend.h"
#include "sim/run.h"

namespace ptcp::exp {

void register_ns3_backend(BackendTable& table) {
  Backend b;
  b.name = "ns3";
  b.description = "ns-3 3.37 simulation: the core's hosts and switches on PtcpNetDevice links";
  b.run = [](const RunInput& in, const RunOptions& opt, Results& out) {
    ns3sim::RunOptions o;
    o.progress = opt.progress;
    o.stop_requested = opt.stop_requested;
    ns3sim::run_on_ns3(in.scaled, in.flows, o, out);
  };
  table.add(std::move(b));
}

}  // namespace ptcp::exp
