// sweep.json and index.csv: reading, writing (atomically) and refreshing from the results folders.
#include "sweep_index.h"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace ptcp::cli {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string value_of(const std::string& kv) { return kv.substr(kv.find('=') + 1); }
std::string key_of(const std::string& kv) { return kv.substr(0, kv.find('=')); }

void replace_file(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

std::string index_csv(const SweepIndex& x) {
  std::string s = "point,dir,status,exit_code";
  for (const auto& k : x.keys) s += "," + csv_field(k);
  s += "\n";
  for (const SweepPoint& p : x.points) {
    s += fmt::format("{},{},{},{}", p.id, csv_field(p.dir), p.state, p.exit_code);
    for (const auto& kv : p.sets) s += "," + csv_field(value_of(kv));
    s += "\n";
  }
  return s;
}

ojson to_json(const SweepIndex& x) {
  ojson j;
  j["schema_version"] = kSweepSchemaVersion;
  j["kind"] = "powertcp-sweep";
  j["experiment"] = x.experiment;
  j["experiment_hash"] = x.experiment_hash;
  j["backend"] = x.backend;
  j["sets"] = x.sets;
  j["vary"] = x.varies;
  j["keys"] = x.keys;
  j["executor"] = x.executor;
  j["slurm"] = {{"args", x.slurm.args}, {"time", x.slurm.time}, {"mem", x.slurm.mem}, {"jobs", x.jobs}};
  ojson pts = ojson::array();
  for (const SweepPoint& p : x.points) {
    ojson params = ojson::object();
    for (const auto& kv : p.sets) params[key_of(kv)] = value_of(kv);
    pts.push_back({{"id", p.id},
                   {"dir", p.dir},
                   {"params", params},
                   {"sets", p.sets},
                   {"state", p.state},
                   {"exit_code", p.exit_code},
                   {"reason", p.reason},
                   {"log", p.log},
                   {"job", p.job}});
  }
  j["points"] = pts;
  return j;
}

}  // namespace

std::string point_dir_name(std::size_t id) { return fmt::format("point-{:03}", id); }

std::string describe_point(const SweepPoint& p) {
  std::string s;
  for (const auto& kv : p.sets) s += (s.empty() ? "" : " ") + kv;
  return s;
}

bool results_complete(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "meta.json", ec);
}

void write_sweep_index(const fs::path& dir, const SweepIndex& index) {
  replace_file(dir / kSweepIndexFile, to_json(index).dump(2) + "\n");
  replace_file(dir / "index.csv", index_csv(index));
}

SweepIndex read_sweep_index(const fs::path& dir) {
  const fs::path file = dir / kSweepIndexFile;
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error(file.string() + ": cannot read (is " + dir.string() +
                             " a sweep folder made by `powertcp sweep`?)");
  }
  std::stringstream text;
  text << in.rdbuf();
  SweepIndex x;
  try {
    const ojson j = ojson::parse(text.str());
    if (j.value("kind", "") != "powertcp-sweep") throw std::runtime_error("kind is not \"powertcp-sweep\"");
    const int version = j.at("schema_version").get<int>();
    if (version != kSweepSchemaVersion) {
      throw std::runtime_error(fmt::format("schema_version {} is not supported (this powertcp reads {})",
                                           version, kSweepSchemaVersion));
    }
    x.experiment = j.at("experiment").get<std::string>();
    x.experiment_hash = j.value("experiment_hash", "");
    x.backend = j.at("backend").get<std::string>();
    x.sets = j.at("sets").get<std::vector<std::string>>();
    x.varies = j.at("vary").get<std::vector<std::string>>();
    x.keys = j.at("keys").get<std::vector<std::string>>();
    x.executor = j.at("executor").get<std::string>();
    const ojson& s = j.at("slurm");
    x.slurm = {s.value("args", ""), s.value("time", ""), s.value("mem", "")};
    x.jobs = s.value("jobs", std::vector<std::string>{});
    for (const ojson& p : j.at("points")) {
      SweepPoint q;
      q.id = p.at("id").get<std::size_t>();
      q.dir = p.at("dir").get<std::string>();
      q.sets = p.at("sets").get<std::vector<std::string>>();
      q.state = p.at("state").get<std::string>();
      q.exit_code = p.value("exit_code", -1);
      q.reason = p.value("reason", "");
      q.log = p.value("log", "");
      q.job = p.value("job", "");
      if (q.dir.empty() || q.dir.find('/') != std::string::npos || q.dir.front() == '.') {
        throw std::runtime_error(fmt::format("point {}: dir \"{}\" is not a folder name", q.id, q.dir));
      }
      x.points.push_back(std::move(q));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  }
  return x;
}

std::size_t refresh_from_disk(const fs::path& dir, SweepIndex& index) {
  std::size_t changed = 0;
  for (SweepPoint& p : index.points) {
    const bool complete = results_complete(dir / p.dir);
    if (complete && p.state != kStateOk) {
      p.state = kStateOk;
      p.exit_code = 0;
      p.reason.clear();
      ++changed;
    } else if (!complete && p.state == kStateOk) {
      p.state = kStatePending;
      p.exit_code = -1;
      p.reason = "results folder missing or incomplete";
      ++changed;
    }
  }
  return changed;
}

std::string text_hash(const std::string& text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace ptcp::cli
