// Loads a shipped experiment with --set overrides and scales it for the virtual testbed, as
// `powertcp run` does.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "experiment/parse.h"
#include "experiment/scale.h"
#include "experiment/workload.h"

namespace ptcp::dpdk::testing {

struct LoadedExperiment {
  exp::Experiment experiment;
  exp::Experiment scaled;
  std::vector<exp::Flow> flows;  // run units
};

inline std::optional<std::string> read_text(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline LoadedExperiment load_experiment(const std::string& name,
                                        const std::vector<std::string>& sets) {
  const std::string file = std::string(POWERTCP_SOURCE_DIR) + "/experiments/" + name + ".toml";
  std::vector<exp::Override> ov;
  for (const auto& s : sets) ov.push_back(exp::parse_override(s));
  LoadedExperiment x{exp::parse_experiment(*read_text(file), file, ov, read_text), {}, {}};
  x.scaled = exp::scaled_for_run(x.experiment);
  x.flows = exp::scale_flows(exp::generate_flows(x.experiment), x.experiment.testbed.scale);
  return x;
}

}  // namespace ptcp::dpdk::testing
