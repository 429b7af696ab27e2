// The `model` backend: `powertcp run EXP --backend model` (and `powertcp model EXP`) reduce the
// experiment to its single bottleneck (model/bottleneck.h), integrate the fluid model
// (model/fluid_model.h) and fill exp::Results like the ns-3 and DPDK backends do, so the same
// results writer, `powertcp plot` and `powertcp compare` put theory beside simulation and
// testbed. What it writes:
//   queue.csv   the bottleneck port (always) and every other traced port (0: nothing else queues)
//   buffer.csv  every switch: the bottleneck's owner holds the queue, the others 0
//   links.csv   the bottleneck port's departures
//   flows.csv   traced flows while they send: window, pacing rate (window/tau), RTT, acked bytes
//   fct.csv     flows of fixed size, finished when their last byte is acknowledged
// Sizes are converted between payload and wire bytes with the full-packet ratio.
#pragma once

#include <string>

#include "experiment/backend.h"
#include "model/fluid_model.h"

namespace ptcp::model {

// Why the model cannot run this experiment ("" when it can): an algorithm it does not model, or
// a topology it cannot reduce to one bottleneck. `e` in run units.
std::string cannot_model(const exp::Experiment& e, const std::vector<exp::Flow>& flows);

// The fluid-model configuration of an experiment (run units). Throws exp::BackendError.
ModelConfig model_config(const exp::Experiment& e, const std::vector<exp::Flow>& flows);

void run_model(const exp::RunInput& in, const exp::RunOptions& opt, exp::Results& out);

}  // namespace ptcp::model

namespace ptcp::exp {
void register_model_backend(BackendTable& table);
}  // namespace ptcp::exp
