// powertcp model EXP.toml: the experiment on the fluid model (core/model), written like any run.
#pragma once

#include "commands.h"

namespace ptcp::cli {

// Refuses (exit 2, nothing written) an experiment the model cannot reduce to one bottleneck or an
// algorithm it does not model; otherwise `powertcp run EXP --backend model`.
int cmd_model(const RunArgs& a);

}  // namespace ptcp::cli
