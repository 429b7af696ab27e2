// powertcp merge PART... --out DIR: the parts of a multi-process testbed run (each node's
// `powertcp run --node NAME` folder) joined into one results folder, as if one process had
// run the whole experiment. Rows are concatenated (each node wrote only its own flows and
// ports), counters summed (peaks and times such as max_* and *_rtt_ns take the largest), and
// versions that differ between nodes are listed per node.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "experiment/derived.h"
#include "files.h"
#include "results_writer.h"

namespace fs = std::filesystem;

namespace ptcp::cli {
namespace {

struct BadPart : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string need_file(const fs::path& p) {
  const auto text = read_text_file(p.string());
  if (!text) throw BadPart(p.string() + ": cannot read it (is this a results folder of `powertcp run --node`?)");
  return *text;
}

// Rows of a CSV file without its header, split at commas (our files never quote).
std::vector<std::vector<std::string>> csv_rows(const fs::path& p, std::size_t columns) {
  std::istringstream in(need_file(p));
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<std::string>> rows;
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    std::vector<std::string> cols;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cols.push_back(c);
    if (cols.size() != columns) {
      throw BadPart(fmt::format("{}:{}: expected {} columns, got {}", p.string(), n, columns, cols.size()));
    }
    rows.push_back(std::move(cols));
  }
  return rows;
}

std::int64_t num(const std::string& s, const fs::path& p) {
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    throw BadPart(p.string() + ": '" + s + "' is not a number");
  }
}

double real(const std::string& s, const fs::path& p) {
  try {
    return std::stod(s);
  } catch (const std::exception&) {
    throw BadPart(p.string() + ": '" + s + "' is not a number");
  }
}

bool takes_max(const std::string& counter) {
  return counter.rfind("max_", 0) == 0 || counter.find("_rtt_ns") != std::string::npos ||
         counter == "stall_threshold_ns" || counter == "barrier_wait_wall_ns";
}

}  // namespace

int cmd_merge(const MergeArgs& a) {
  if (a.parts.empty()) {
    std::cerr << "powertcp merge: no parts given\n";
    return kExitBadInput;
  }
  if (fs::exists(a.out) && !a.force) {
    std::cerr << "powertcp: " << a.out << " already exists (use --force to replace it)\n";
    return kExitBadInput;
  }
  exp::Experiment e;
  exp::Results r;
  RunMeta meta;
  std::string first_toml, started;
  std::map<std::string, std::map<std::string, std::string>> info_by_node;  // key -> node -> value
  std::set<std::string> nodes;
  nlohmann::json first_meta;
  std::string current_meta;  // for errors about its shape
  try {
    for (const std::string& part : a.parts) {
      const fs::path dir(part);
      current_meta = (dir / "meta.json").string();
      const std::string toml = need_file(dir / "experiment.toml");
      const nlohmann::json m = nlohmann::json::parse(need_file(dir / "meta.json"), nullptr, false);
      if (m.is_discarded()) throw BadPart((dir / "meta.json").string() + ": not valid JSON");
      const std::string node = m.value("/versions/node"_json_pointer, std::string());
      if (node.empty()) throw BadPart(part + ": not a node's part (meta.json has no versions.node; run with --node)");
      if (!nodes.insert(node).second) throw BadPart(part + ": a second part for node " + node);
      if (first_toml.empty()) {
        first_toml = toml;
        first_meta = m;
        e = load_experiment((dir / "experiment.toml").string(), {});
        e.name = m.value("experiment", e.name);
        e.file = m.value("experiment_file", e.file);
        e.description = m.value("description", e.description);
        e.overrides = m.value("overrides", std::vector<std::string>{});
        meta.backend = m.value("backend", std::string("dpdk"));
        started = m.value("started_at", std::string());
      } else if (toml != first_toml) {
        throw BadPart(part + ": ran a different experiment than " + a.parts.front() + " (experiment.toml differs)");
      }
      started = std::min(started, m.value("started_at", started));
      meta.wall_time_s = std::max(meta.wall_time_s, m.value("wall_time_s", 0.0));
      r.end_ns = std::max<TimeNs>(r.end_ns, m.value("end_ns", TimeNs{0}));
      for (const auto& [k, v] : m["counters"].items()) {
        const auto x = v.get<std::uint64_t>();
        auto& c = r.counters[k];
        c = takes_max(k) ? std::max(c, x) : c + x;
      }
      for (const auto& [k, v] : m["versions"].items()) {
        if (v.is_string()) info_by_node[k][node] = v.get<std::string>();
      }
      const exp::Topology& t = *e.topology;
      auto node_id = [&](const std::string& name, const fs::path& f) {
        const auto id = t.find_node(name);
        if (!id) throw BadPart(f.string() + ": no node named " + name);
        return *id;
      };
      auto port_id = [&](const std::string& name, const fs::path& f) {
        const auto id = t.find_port(name);
        if (!id) throw BadPart(f.string() + ": no port named " + name);
        return *id;
      };
      const fs::path fct = dir / "fct.csv", q = dir / "queue.csv", b = dir / "buffer.csv";
      const fs::path fl = dir / "flows.csv", li = dir / "links.csv";
      for (const auto& c : csv_rows(fct, 10)) {
        r.fct.push_back(exp::FctRow{static_cast<std::uint32_t>(num(c[0], fct)), node_id(c[1], fct),
                                    node_id(c[2], fct), static_cast<std::uint64_t>(num(c[3], fct)),
                                    num(c[4], fct), num(c[5], fct), static_cast<std::uint64_t>(num(c[9], fct))});
      }
      for (const auto& c : csv_rows(q, 3)) {
        r.queue.push_back(exp::QueueRow{num(c[0], q), port_id(c[1], q), static_cast<std::uint64_t>(num(c[2], q))});
      }
      for (const auto& c : csv_rows(b, 3)) {
        r.buffer.push_back(exp::BufferRow{num(c[0], b), node_id(c[1], b), static_cast<std::uint64_t>(num(c[2], b))});
      }
      for (const auto& c : csv_rows(fl, 6)) {
        r.flows.push_back(exp::FlowRow{num(c[0], fl), static_cast<std::uint32_t>(num(c[1], fl)),
                                       real(c[2], fl), real(c[3], fl), num(c[4], fl),
                                       static_cast<std::uint64_t>(num(c[5], fl))});
      }
      for (const auto& c : csv_rows(li, 3)) {
        r.links.push_back(exp::LinkRow{num(c[0], li), port_id(c[1], li), static_cast<std::uint64_t>(num(c[2], li))});
      }
    }
  } catch (const BadPart& err) {
    std::cerr << "powertcp merge: " << err.what() << "\n";
    return kExitBadInput;
  } catch (const exp::ExperimentError& err) {
    std::cerr << "powertcp merge: " << err.what() << "\n";
    return kExitBadInput;
  } catch (const nlohmann::json::exception& err) {  // meta.json of the wrong shape
    std::cerr << "powertcp merge: " << current_meta << ": " << err.what() << "\n";
    return kExitBadInput;
  }
  // Every host must be there (its flows and their completions); switches may be hardware.
  const exp::Topology& t = *e.topology;
  std::string missing, missing_switches;
  for (const auto& n : t.nodes()) {
    if (nodes.count(n.name)) continue;
    (n.is_host() ? missing : missing_switches) += (n.is_host() ? missing : missing_switches).empty() ? n.name : " " + n.name;
  }
  if (!missing.empty()) {
    std::cerr << "powertcp merge: no part for host(s) " << missing << "\n";
    return kExitBadInput;
  }
  for (const auto& [key, by_node] : info_by_node) {
    std::set<std::string> values;
    for (const auto& [n, v] : by_node) values.insert(v);
    if (values.size() == 1 && by_node.size() == nodes.size()) {
      r.info[key] = *values.begin();
      continue;
    }
    std::string s;
    for (const auto& [n, v] : by_node) s += (s.empty() ? "" : "; ") + n + ": " + v;
    r.info[key] = s;
  }
  std::string all;
  for (const auto& n : nodes) all += (all.empty() ? "" : " ") + n;
  r.info["node"] = all;
  r.info["testbed"] = fmt::format("multi-process: {} nodes merged", nodes.size());
  if (!missing_switches.empty()) r.info["nodes_without_part"] = missing_switches;
  auto by_time = [](const auto& x, const auto& y) { return x.time_ns < y.time_ns; };
  std::stable_sort(r.queue.begin(), r.queue.end(), by_time);
  std::stable_sort(r.buffer.begin(), r.buffer.end(), by_time);
  std::stable_sort(r.flows.begin(), r.flows.end(), by_time);
  std::stable_sort(r.links.begin(), r.links.end(), by_time);
  meta.started_at = started;
  try {
    WriteOptions wo;
    wo.replace = a.force;
    write_results_folder(a.out, e, exp::derive(e), r, meta, wo);
  } catch (const std::exception& err) {
    std::cerr << "powertcp: " << err.what() << "\n";
    return kExitRunFailed;
  }
  std::cout << fmt::format("{}: {} parts merged ({}), {} of {} flows finished\n", a.out, nodes.size(),
                           all, r.fct.size(), r.counters[exp::counter::kFlowsTotal]);
  return kExitOk;
}

}  // namespace ptcp::cli
