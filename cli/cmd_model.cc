#include "cmd_model.h"

#include <iostream>

#include "experiment/scale.h"
#include "experiment/workload.h"
#include "files.h"
#include "model/model_backend.h"

namespace ptcp::cli {

int cmd_model(const RunArgs& a) {
  // A bad file throws exp::ExperimentError: exit 2 through run_guarded (guard.h), as for run.
  const exp::Experiment e = load_experiment(a.file, a.sets);
  const std::string why = model::cannot_model(e, exp::generate_flows(e));
  if (!why.empty()) {
    std::cerr << "powertcp: " << a.file << ": " << why << "\n";
    return kExitBadInput;
  }
  RunArgs run = a;
  run.backend = "model";
  return cmd_run(run);
}

}  // namespace ptcp::cli
