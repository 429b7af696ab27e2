#include "experiment/results.h"

#include "experiment/scale.h"

namespace ptcp::exp {

Results unscale_results(Results r, double s) {
  if (s == 1.0) return r;
  for (FctRow& x : r.fct) {
    x.start_ns = unscale_time(x.start_ns, s);
    x.end_ns = unscale_time(x.end_ns, s);
  }
  for (QueueRow& x : r.queue) x.time_ns = unscale_time(x.time_ns, s);
  for (BufferRow& x : r.buffer) x.time_ns = unscale_time(x.time_ns, s);
  for (FlowRow& x : r.flows) {
    x.time_ns = unscale_time(x.time_ns, s);
    x.rtt_ns = unscale_time(x.rtt_ns, s);
    x.rate_bps = unscale_rate(x.rate_bps, s);
  }
  for (LinkRow& x : r.links) x.time_ns = unscale_time(x.time_ns, s);
  r.end_ns = unscale_time(r.end_ns, s);
  return r;
}

}  // namespace ptcp::exp
