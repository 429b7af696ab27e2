// powertcp validate and powertcp list.
#include <iostream>

#include <fmt/format.h>

#include "cc/registry.h"
#include "commands.h"
#include "experiment/backend.h"
#include "experiment/derived.h"
#include "experiment/emit.h"
#include "experiment/quantity.h"
#include "experiment/workload.h"
#include "files.h"

namespace ptcp::cli {
namespace {

std::string param_value(const cc::ParamSpec& s, double v) {
  switch (s.unit) {
    case cc::ParamUnit::kTimeNs: return exp::format_time(static_cast<TimeNs>(v));
    case cc::ParamUnit::kRateBps: return exp::format_rate(static_cast<BitsPerSec>(v));
    case cc::ParamUnit::kBytes: return fmt::format("{:g} B", v);
    default: return fmt::format("{:g}", v);
  }
}

std::string describe_workload(const exp::Experiment& e, const exp::Workload& w) {
  const auto& t = *e.topology;
  switch (w.kind) {
    case exp::WorkloadKind::kPoisson:
      return fmt::format("poisson: {} (mean {:.0f} B), load {:g} of {}, destinations {}, {} .. {}",
                         w.cdf_source.empty() ? "inline CDF" : w.cdf_source, w.cdf.mean(), w.load,
                         exp::to_string(w.load_on), exp::to_string(w.destinations),
                         exp::format_time(w.start), exp::format_time(w.stop));
    case exp::WorkloadKind::kIncast:
      if (w.request_rate > 0) {
        return fmt::format("incast requests: {}/s per host, {} senders ({}) x {} B", w.request_rate,
                           w.fan_in, exp::to_string(w.senders_from), w.bytes);
      }
      return fmt::format("incast burst: {} senders x {} B into {} at {}", w.fan_in, w.bytes,
                         t.node(w.receiver.value_or(0)).name, exp::format_time(w.start));
    case exp::WorkloadKind::kFlows: return fmt::format("{} explicit flows", w.flows.size());
    case exp::WorkloadKind::kLongFlows: return fmt::format("{} long flows", w.flows.size());
  }
  return "?";
}

}  // namespace

int cmd_validate(const std::string& file, const std::vector<std::string>& sets, bool print_toml) {
  exp::Experiment e;
  try {
    e = load_experiment(file, sets);
  } catch (const exp::ExperimentError& err) {
    std::cerr << "powertcp: " << err.what() << "\n";
    return kExitBadInput;
  }
  if (print_toml) {
    std::cout << exp::emit_toml(e);
    return kExitOk;
  }
  const exp::Derived d = exp::derive(e);
  std::string path;
  for (const auto& n : d.longest_path) path += (path.empty() ? "" : " ") + n;
  std::cout << fmt::format("experiment   {} ({}){}\n", e.name, file,
                           e.overrides.empty() ? "" : fmt::format(", {} --set", e.overrides.size()));
  std::cout << fmt::format("topology     {}: {} hosts, {} switches, {} links\n",
                           exp::to_string(e.topology_spec.kind), d.hosts, d.switches, d.links);
  std::cout << fmt::format("base RTT     {} ({}); topology tau {} on {}; shortest {}\n",
                           exp::format_time(d.base_rtt), e.cc.base_rtt_given ? "given" : "derived",
                           exp::format_time(d.topology_tau), path, exp::format_time(d.min_rtt));
  std::cout << fmt::format("max BDP      {} bytes at {} ({:.1f} packets of {} B payload)\n",
                           d.max_bdp_bytes, exp::format_rate(d.max_host_rate),
                           static_cast<double>(d.max_bdp_bytes) / e.transport.payload_bytes,
                           e.transport.payload_bytes);
  for (const auto& o : d.oversubscription) {
    std::cout << fmt::format("oversub      {}: {:g}:1\n", o.tier, o.ratio);
  }
  std::cout << "offered load per tier (poisson and incast requests; mean / max):\n";
  for (const auto& t : d.tiers) {
    std::cout << fmt::format("  {:<10} {:>5} ports  {:6.1f}% / {:6.1f}% ({})\n", t.tier, t.ports,
                             100 * t.mean_utilization, 100 * t.max_utilization, t.busiest_port);
  }
  for (std::size_t i = 0; i < e.workloads.size(); ++i) {
    std::cout << fmt::format("workload {}   {}\n", i, describe_workload(e, e.workloads[i]));
  }
  std::cout << fmt::format("flows        {:.0f} expected (seed {})\n", d.expected_flows, e.run.seed);
  std::string params;
  for (const auto& [k, v] : e.cc.params) {
    params += fmt::format(" {}={}", k, param_value(*e.cc.algo->param(k), v));
  }
  std::cout << fmt::format("cc           {}{}\n", e.cc.algorithm, params);
  std::cout << fmt::format("switch       buffer {} B, dt_alpha {:g}, ecn {}, int {}, pfc {}\n",
                           e.sw.buffer_bytes, e.sw.dt_alpha, e.sw.ecn, e.sw.int_enabled, e.sw.pfc);
  std::cout << fmt::format("run          duration {}, warmup {}, drain up to {}, scale {:g}\n",
                           exp::format_time(e.run.duration), exp::format_time(e.run.warmup),
                           exp::format_time(e.run.drain_limit), e.testbed.scale);
  return kExitOk;
}

int cmd_list() {
  for (const cc::Algorithm* a : cc::Registry::global().all()) {
    std::cout << fmt::format("{}{}{}\n  {}\n", a->name, a->needs_int ? "  [needs INT]" : "",
                             a->needs_ecn ? "  [needs ECN]" : "", a->description);
    for (const cc::ParamSpec& p : a->params) {
      const std::string def = p.optional ? "(optional)" : param_value(p, p.default_value);
      std::cout << fmt::format("    {:<16} {:<12} [{} .. {}] {}  {}\n", p.name, def,
                               param_value(p, p.min), param_value(p, p.max),
                               cc::to_string(p.unit), p.help);
    }
  }
  std::string built;
  for (const auto& b : exp::BackendTable::global().all()) built += " " + b.name;
  std::cout << "\nbackends built:" << (built.empty() ? " none" : built) << "\n";
  return kExitOk;
}

}  // namespace ptcp::cli
