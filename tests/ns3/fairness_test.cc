// experiments/fairness on ns-3 with beta = HostBw*tau/10: flows join one bottleneck every 2 ms.
// Theory (reference section 5): N PowerTCP flows share equally and hold sum(beta) = N*beta in
// the queue; a lone flow is capped at the BDP and keeps the link full with an empty queue.
// The shipped file sets cc.base_rtt = "measured": tau is the unloaded data+ACK RTT (7.32 us),
// not the authors' rule (6.96 us), under which a lone flow's window cap (HostBw*tau) left the
// link at 93%. Flows stop at their stop times, so every phase is the one the file describes.
// The windows count payload bytes while the queue counts frame bytes (x1.16 at 1000-byte
// payloads with INT). The targets below are the and are not loosened.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "experiment_runs.h"

namespace ptcp::ns3test {
namespace {

double acked_at(const std::vector<exp::FlowRow>& rows, std::uint32_t flow, TimeNs t) {
  // Latest sample of `flow` at or before t (rows are in time order).
  double v = 0;
  for (const auto& r : rows) {
    if (r.time_ns > t) break;
    if (r.flow_id == flow) v = static_cast<double>(r.acked_bytes);
  }
  return v;
}

TEST(Fairness, PowerTcpSharesEquallyWithTheTheoreticalQueue) {
  const SimRun r = simulate("fairness", {"cc.powertcp.expected_flows=10"});
  const exp::Experiment& e = r.e;
  const std::string port = "sw0->sw1";
  const auto q = queue_of(r, port);
  const auto l = links_of(r, port);
  const double rate = static_cast<double>(e.topology->port(*e.topology->find_port(port)).link.rate);
  const double beta = beta_bytes(e, 0);
  const double pkt = static_cast<double>(packet_wire_bytes(e));
  std::printf("tau %.2f us, beta %.0f B (HostBw*tau/10), packet %.0f B on the wire\n",
              static_cast<double>(e.cc.base_rtt) / 1e3, beta, pkt);

  // Phases: between consecutive flow starts (and the end of the run); flows finishing inside
  // the run end their phase too.
  std::vector<TimeNs> edges{r.stats.sim_end_ns};
  for (const auto& f : r.flows) edges.push_back(f.start);
  for (const auto& f : r.results.fct) edges.push_back(f.end_ns);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  int multi_phases = 0;
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    // Steady state: the second half of the phase, up to the last link sample (the run may end
    // between two samples: past the last one tx_between would see no bytes).
    const TimeNs t0 = (edges[i] + edges[i + 1]) / 2;
    const TimeNs t1 = l.empty() ? edges[i + 1] : std::min(edges[i + 1], l.back().time_ns);
    if (t1 - t0 < 100 * kNsPerUs) continue;
    std::vector<std::uint32_t> active;
    for (const auto& f : r.flows) {
      TimeNs end = kNever;
      for (const auto& row : r.results.fct) {
        if (row.flow_id == f.id) end = row.end_ns;
      }
      if (f.start <= edges[i] && end >= t1) active.push_back(f.id);
    }
    const double n = static_cast<double>(active.size());
    if (active.empty()) continue;
    double sum = 0, sum2 = 0;
    std::string rates;
    for (const std::uint32_t id : active) {
      const double x = (acked_at(r.results.flows, id, t1) - acked_at(r.results.flows, id, t0)) * 8 /
                       (static_cast<double>(t1 - t0) * 1e-9);
      sum += x;
      sum2 += x * x;
      rates += " " + std::to_string(x / 1e9).substr(0, 5);
    }
    const double jain = sum * sum / (n * sum2);
    double qsum = 0;
    int qn = 0;
    for (const auto& s : q) {
      if (s.time_ns >= t0 && s.time_ns <= t1) {
        qsum += static_cast<double>(s.qlen_bytes);
        ++qn;
      }
    }
    const double qmean = qn > 0 ? qsum / qn : 0;
    const double util = tx_between(l, t0, t1) * 8 / (rate * static_cast<double>(t1 - t0) * 1e-9);
    std::printf("phase %.2f-%.2f ms: %zu flows, goodput Gb/s%s, Jain %.4f, mean queue %.0f B "
                "(N*beta %.0f B), utilization %.4f\n",
                static_cast<double>(edges[i]) / 1e6, static_cast<double>(t1) / 1e6, active.size(),
                rates.c_str(), jain, qmean, n * beta, util);
    if (active.size() == 1) {
      EXPECT_GT(util, 0.95) << "lone flow in phase starting " << edges[i];
    } else {
      ++multi_phases;
      EXPECT_GT(jain, 0.98) << "phase starting " << edges[i];
      const double target = n * beta;
      EXPECT_LE(std::abs(qmean - target), std::max(0.25 * target, 2 * pkt))
          << "phase starting " << edges[i];
    }
  }
  EXPECT_GE(multi_phases, 3);
}

}  // namespace
}  // namespace ptcp::ns3test
