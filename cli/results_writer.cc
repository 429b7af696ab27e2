#include "results_writer.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "experiment/emit.h"
#include "experiment/ideal_fct.h"
#include "experiment/quantity.h"
#include "version.h"

namespace fs = std::filesystem;

namespace ptcp::cli {
namespace {

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + p.string() + ": " + std::strerror(errno));
}

std::string port_name(const exp::Experiment& e, std::uint32_t p) {
  return e.topology->port(p).name;
}

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

nlohmann::json meta_json(const exp::Experiment& e, const exp::Derived& d, const exp::Results& r,
                         const RunMeta& m) {
  using nlohmann::json;
  json j;
  j["schema_version"] = exp::kResultsSchemaVersion;
  j["experiment"] = e.name;
  j["description"] = e.description;
  j["experiment_file"] = e.file;
  j["overrides"] = e.overrides;
  j["backend"] = m.backend;
  j["algorithm"] = e.cc.algorithm;
  json params = json::object();
  for (const auto& [k, v] : e.cc.params) params[k] = v;
  j["cc_params"] = params;
  j["base_rtt_ns"] = e.cc.base_rtt;
  j["seed"] = e.run.seed;
  j["scale"] = e.testbed.scale;
  json versions = {{"powertcp", kVersion}, {"schema", exp::kResultsSchemaVersion}};
  for (const auto& [k, v] : r.info) versions[k] = v;
  j["versions"] = versions;
  j["git_commit"] = kGitCommit;
  j["host"] = hostname();
  j["started_at"] = m.started_at;
  j["wall_time_s"] = m.wall_time_s;
  j["end_ns"] = r.end_ns;
  json counters = json::object();
  for (const char* k : {exp::counter::kDrops, exp::counter::kPauses, exp::counter::kRetransmits,
                        exp::counter::kTimeouts, exp::counter::kMalformed, exp::counter::kEcnMarks,
                        exp::counter::kPayloadErrors, exp::counter::kFlowsTotal,
                        exp::counter::kFlowsFinished}) {
    counters[k] = 0;
  }
  for (const auto& [k, v] : r.counters) counters[k] = v;
  j["counters"] = counters;
  j["derived"] = {{"hosts", d.hosts},
                  {"switches", d.switches},
                  {"links", d.links},
                  {"topology_tau_ns", d.topology_tau},
                  {"min_rtt_ns", d.min_rtt},
                  {"max_bdp_bytes", d.max_bdp_bytes},
                  {"expected_flows", d.expected_flows}};
  return j;
}

}  // namespace

std::string fct_csv(const exp::Experiment& e, const exp::Results& r) {
  std::vector<const exp::FctRow*> rows;
  for (const auto& x : r.fct) rows.push_back(&x);
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->flow_id < b->flow_id; });
  std::string s = "flow_id,src,dst,size_bytes,start_ns,end_ns,fct_ns,ideal_fct_ns,slowdown,retransmits\n";
  for (const exp::FctRow* x : rows) {
    const TimeNs fct = x->end_ns - x->start_ns;
    const TimeNs ideal = exp::ideal_fct(e, x->src, x->dst, x->size_bytes);
    const double slowdown = ideal > 0 ? static_cast<double>(fct) / static_cast<double>(ideal) : 0.0;
    s += fmt::format("{},{},{},{},{},{},{},{},{:.6f},{}\n", x->flow_id, e.topology->node(x->src).name,
                     e.topology->node(x->dst).name, x->size_bytes, x->start_ns, x->end_ns, fct, ideal,
                     slowdown, x->retransmits);
  }
  return s;
}

std::string queue_csv(const exp::Experiment& e, const exp::Results& r) {
  std::string s = "time_ns,port,qlen_bytes\n";
  for (const auto& x : r.queue) s += fmt::format("{},{},{}\n", x.time_ns, port_name(e, x.port), x.qlen_bytes);
  return s;
}

std::string buffer_csv(const exp::Experiment& e, const exp::Results& r) {
  std::string s = "time_ns,switch,used_bytes\n";
  for (const auto& x : r.buffer) {
    s += fmt::format("{},{},{}\n", x.time_ns, e.topology->node(x.node).name, x.used_bytes);
  }
  return s;
}

std::string flows_csv(const exp::Results& r) {
  std::string s = "time_ns,flow_id,cwnd_bytes,rate_bps,rtt_ns,acked_bytes\n";
  for (const auto& x : r.flows) {
    s += fmt::format("{},{},{:.0f},{:.0f},{},{}\n", x.time_ns, x.flow_id, x.cwnd_bytes, x.rate_bps,
                     x.rtt_ns, x.acked_bytes);
  }
  return s;
}

std::string links_csv(const exp::Experiment& e, const exp::Results& r) {
  std::string s = "time_ns,port,tx_bytes\n";
  for (const auto& x : r.links) s += fmt::format("{},{},{}\n", x.time_ns, port_name(e, x.port), x.tx_bytes);
  return s;
}

void write_results_folder(const std::string& out, const exp::Experiment& e, const exp::Derived& d,
                          const exp::Results& results, const RunMeta& meta, const WriteOptions& opt) {
  const fs::path target = fs::path(out).lexically_normal();
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (fs::exists(target) && !opt.replace) {
    throw std::runtime_error(target.string() + " already exists (use --force to replace it)");
  }
  fs::create_directories(parent);
  std::string templ = (parent / (target.filename().string() + ".tmp-XXXXXX")).string();
  if (mkdtemp(templ.data()) == nullptr) {
    throw std::runtime_error("cannot create " + templ + ": " + std::strerror(errno));
  }
  const fs::path tmp = templ;
  try {
    auto put = [&](const char* name, const std::string& text) {
      write_file(tmp / name, text);
      if (opt.after_file) opt.after_file(name);
    };
    put("experiment.toml", exp::emit_toml(e));
    put("fct.csv", fct_csv(e, results));
    put("queue.csv", queue_csv(e, results));
    put("buffer.csv", buffer_csv(e, results));
    put("flows.csv", flows_csv(results));
    put("links.csv", links_csv(e, results));
    put("meta.json", meta_json(e, d, results, meta).dump(2) + "\n");  // last: marks completion
    if (fs::exists(target)) {
      // --force: move the old folder aside first so a crash never leaves a mix of both.
      const fs::path old = tmp.string() + ".old";
      fs::rename(target, old);
      fs::rename(tmp, target);
      fs::remove_all(old);
    } else {
      fs::rename(tmp, target);
    }
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace ptcp::cli
