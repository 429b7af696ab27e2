// The resolved experiment as TOML (experiment.toml in every results folder): every default
// filled in, CDFs inline, in the experiment's own units. Parsing it again gives the same
// experiment, so a results folder is enough to rerun it.
#pragma once

#include <string>

#include "experiment/experiment.h"

namespace ptcp::exp {

std::string emit_toml(const Experiment& e);

}  // namespace ptcp::exp
