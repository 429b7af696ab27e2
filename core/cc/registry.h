// Name -> algorithm table, as in picoquic: each algorithm describes its parameters (with
// defaults, ranges and units) and a factory. The experiment layer validates user parameters
// against the spec once; the factory receives them fully resolved.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cc/cc.h"

namespace ptcp::cc {

// What a parameter measures: the testbed scale factor divides rates and multiplies times.
enum class ParamUnit { kDimensionless, kBytes, kTimeNs, kRateBps, kCount };
const char* to_string(ParamUnit u);

struct ParamSpec {
  std::string name;
  double default_value = 0;
  double min = 0;
  double max = 0;
  ParamUnit unit = ParamUnit::kDimensionless;
  std::string help;
  // Optional parameters (default_value ignored) are absent unless the user sets them; the
  // algorithm then derives them (e.g. PowerTCP's beta from ai_rate * tau).
  bool optional = false;
};

using ParamValues = std::map<std::string, double, std::less<>>;

struct Algorithm {
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
  bool needs_int = false;  // switches must stamp INT for it to work
  bool needs_ecn = false;  // switches must mark ECN
  std::function<std::unique_ptr<CongestionControl>(const FlowContext&, const ParamValues&)> make;

  const ParamSpec* param(std::string_view n) const;
};

class Registry {
 public:
  // The process-wide registry with every built-in algorithm already in it.
  static Registry& global();

  // Adds an algorithm; throws std::invalid_argument if the name is taken.
  void add(Algorithm a);
  const Algorithm* find(std::string_view name) const;
  std::vector<const Algorithm*> all() const;  // sorted by name

 private:
  std::map<std::string, Algorithm, std::less<>> algorithms_;
};

// Checks user-given parameters against the algorithm's spec and fills in defaults. Returns an
// error message naming the parameter (unknown name, out of range) or nullopt on success.
std::optional<std::string> resolve_params(const Algorithm& a, const ParamValues& given,
                                          ParamValues& resolved);

// Defined in builtin.cc: registers powertcp, theta-powertcp, powertcp-rate, hpcc, dcqcn,
// timely, dctcp and the documentation example aimd.
void register_builtins(Registry& r);

}  // namespace ptcp::cc
