#include "experiment/scale.h"

#include <cmath>

namespace ptcp::exp {

TimeNs scale_time(TimeNs t, double s) {
  if (t == kNever) return kNever;
  return static_cast<TimeNs>(std::llround(static_cast<double>(t) * s));
}
BitsPerSec scale_rate(BitsPerSec r, double s) {
  return static_cast<BitsPerSec>(std::llround(static_cast<double>(r) / s));
}
TimeNs unscale_time(TimeNs t, double s) {
  if (t == kNever) return kNever;
  return static_cast<TimeNs>(std::llround(static_cast<double>(t) / s));
}
double unscale_rate(double r, double s) { return r * s; }

Experiment scaled_for_run(const Experiment& e) {
  const double s = e.testbed.scale;
  Experiment x = e;
  x.applied_scale = s;
  if (s == 1.0) return x;
  auto topo = std::make_shared<Topology>(*e.topology);
  topo->scale_links(s);
  x.topology = topo;  // routing depends on hops only: shared unchanged
  x.transport.rto = scale_time(e.transport.rto, s);
  x.transport.rto_max = scale_time(e.transport.rto_max, s);
  x.transport.cnp_interval = scale_time(e.transport.cnp_interval, s);
  if (x.cc.base_rtt_given) x.cc.base_rtt_given = scale_time(*x.cc.base_rtt_given, s);
  x.cc.base_rtt = scale_time(e.cc.base_rtt, s);
  for (auto& [name, value] : x.cc.params) {
    const cc::ParamSpec* spec = e.cc.algo->param(name);
    if (spec == nullptr) continue;
    if (spec->unit == cc::ParamUnit::kTimeNs) value *= s;
    if (spec->unit == cc::ParamUnit::kRateBps) value /= s;
  }
  x.run.duration = scale_time(e.run.duration, s);
  x.run.warmup = scale_time(e.run.warmup, s);
  x.run.queue_interval = scale_time(e.run.queue_interval, s);
  x.run.flow_interval = scale_time(e.run.flow_interval, s);
  x.run.link_interval = scale_time(e.run.link_interval, s);
  x.run.drain_limit = scale_time(e.run.drain_limit, s);
  x.faults.spec.reorder_delay = scale_time(e.faults.spec.reorder_delay, s);
  for (LinkDown& d : x.faults.down) {
    d.at = scale_time(d.at, s);
    d.duration = scale_time(d.duration, s);
  }
  for (Workload& w : x.workloads) {
    w.start = scale_time(w.start, s);
    w.stop = scale_time(w.stop, s);
    w.request_rate /= s;
    for (FlowEntry& f : w.flows) {
      f.start = scale_time(f.start, s);
      f.stop = scale_time(f.stop, s);
    }
  }
  return x;
}

std::vector<Flow> scale_flows(std::vector<Flow> flows, double s) {
  if (s == 1.0) return flows;
  for (Flow& f : flows) {
    f.start = scale_time(f.start, s);
    f.stop = scale_time(f.stop, s);
  }
  return flows;
}

}  // namespace ptcp::exp
