// The [testbed] scale factor s: the run-units copy of an experiment has every rate divided by s
// and every time multiplied by s (link rates and delays, base RTT, RTO, CNP interval, CC
// parameters by their ParamUnit, run duration, sampling intervals, workload times), so windows
// and queues in bytes and the BDP in packets are unchanged. ECN tables stay keyed by the
// unscaled rate. Results go back with times / s and rates * s (experiment/results.h).
#pragma once

#include <vector>

#include "experiment/experiment.h"
#include "experiment/workload.h"

namespace ptcp::exp {

TimeNs scale_time(TimeNs t, double s);        // t * s, rounded; kNever stays kNever
BitsPerSec scale_rate(BitsPerSec r, double s);  // r / s, rounded
TimeNs unscale_time(TimeNs t, double s);      // t / s, rounded
double unscale_rate(double r, double s);      // r * s

// The experiment in run units (s = e.testbed.scale). With s = 1 it is an exact copy.
Experiment scaled_for_run(const Experiment& e);
std::vector<Flow> scale_flows(std::vector<Flow> flows, double s);

}  // namespace ptcp::exp
