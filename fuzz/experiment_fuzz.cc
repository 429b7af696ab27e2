// exp::parse_experiment on arbitrary text. Lines at the start of the form "--set key=value"
// are taken as overrides, the rest is the file. Files it names are served from memory: any
// path ending in ".txt" is a small valid CDF. Bad input must raise ExperimentError (anything
// else escaping is a finding); good input must survive the resolved-TOML round trip.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "experiment/emit.h"
#include "experiment/error.h"
#include "experiment/parse.h"

using namespace ptcp;

namespace {

std::optional<std::string> serve_file(const std::string& path) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".txt") == 0) {
    return std::string("1000 0\n10000 50\n100000 100\n");
  }
  return std::nullopt;
}

// Hosts the [topology] asks for, from the raw TOML (0 when it cannot tell). The parser's
// cross-section checks are quadratic in hosts (offered_port_load's hosts x hosts demand matrix:
// 4096 hosts take seconds, 60000 hosts 28 GB), a known limitation reported separately; the
// fuzzer explores syntax and semantics on topologies small enough to check quickly.
double requested_hosts(std::string_view text) {
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error&) {
    return 0;
  }
  const toml::table* t = root["topology"].as_table();
  if (t == nullptr) return 0;
  auto n = [&](const char* key, double def) {
    const toml::node* v = t->get(key);
    if (v == nullptr) return def;
    if (const auto* i = v->as_integer()) return static_cast<double>(i->get());
    return def;
  };
  const std::string kind = (*t)["kind"].value_or(std::string("fat-tree"));
  if (kind == "fat-tree") {
    if (t->contains("k")) return n("k", 0) * n("k", 0) * n("k", 0) / 4;
    return n("pods", 4) * n("tors_per_pod", 2) * n("servers_per_tor", 32) + n("cores", 4) +
           n("pods", 4) * n("aggs_per_pod", 2);
  }
  if (kind == "leaf-spine") return n("tors", 2) * n("servers_per_tor", 16) + n("spines", 2);
  if (kind == "dumbbell") return n("hosts_left", 2) + n("hosts_right", 2);
  return n("hosts", 3);
}

constexpr double kMaxHosts = 600;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<exp::Override> overrides;
  try {
    while (text.substr(0, 6) == "--set ") {
      const std::size_t nl = text.find('\n');
      const std::string_view line = text.substr(6, nl == text.npos ? text.npos : nl - 6);
      overrides.push_back(exp::parse_override(line));
      text = nl == text.npos ? std::string_view{} : text.substr(nl + 1);
    }
    if (requested_hosts(text) > kMaxHosts) return 0;
    for (const exp::Override& o : overrides) {
      if (o.path.rfind("topology", 0) == 0) return 0;  // could ask for any size
    }
    const exp::Experiment e = exp::parse_experiment(text, "fuzz/e.toml", overrides, serve_file);
    // The resolved file parses again to the same resolved file.
    const std::string once = exp::emit_toml(e);
    const exp::Experiment again = exp::parse_experiment(once, "fuzz/e.toml", {}, serve_file);
    exp::Experiment e2 = again;
    e2.overrides = e.overrides;  // the header comment lists them; the second parse has none
    if (exp::emit_toml(e2) != once) {
      __builtin_printf("round trip changed the experiment:\n%s\n---\n%s\n", once.c_str(),
                       exp::emit_toml(e2).c_str());
      __builtin_trap();
    }
  } catch (const exp::ExperimentError& err) {
    // Expected for bad input: a message that names a place.
    if (err.where().empty()) __builtin_trap();
  }
  return 0;
}
