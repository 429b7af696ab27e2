#include "cc/registry.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ptcp::cc {

const char* to_string(ParamUnit u) {
  switch (u) {
    case ParamUnit::kDimensionless: return "dimensionless";
    case ParamUnit::kBytes: return "bytes";
    case ParamUnit::kTimeNs: return "ns";
    case ParamUnit::kRateBps: return "bit/s";
    case ParamUnit::kCount: return "count";
  }
  return "?";
}

const ParamSpec* Algorithm::param(std::string_view n) const {
  for (const ParamSpec& p : params) {
    if (p.name == n) return &p;
  }
  return nullptr;
}

Registry& Registry::global() {
  static Registry r = [] {
    Registry reg;
    register_builtins(reg);
    return reg;
  }();
  return r;
}

void Registry::add(Algorithm a) {
  if (a.name.empty()) throw std::invalid_argument("congestion control without a name");
  if (!a.make) throw std::invalid_argument("congestion control '" + a.name + "' has no factory");
  if (algorithms_.count(a.name) != 0) {
    throw std::invalid_argument("congestion control '" + a.name + "' is already registered");
  }
  std::string name = a.name;
  algorithms_.emplace(std::move(name), std::move(a));
}

const Algorithm* Registry::find(std::string_view name) const {
  const auto it = algorithms_.find(name);
  return it == algorithms_.end() ? nullptr : &it->second;
}

std::vector<const Algorithm*> Registry::all() const {
  std::vector<const Algorithm*> out;
  out.reserve(algorithms_.size());
  for (const auto& [name, a] : algorithms_) out.push_back(&a);  // std::map: already sorted
  return out;
}

namespace {

std::string valid_names(const Algorithm& a) {
  if (a.params.empty()) return "it takes no parameters";
  std::string s = "valid: ";
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    if (i != 0) s += ", ";
    s += a.params[i].name;
  }
  return s;
}

std::string fmt_value(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

std::optional<std::string> resolve_params(const Algorithm& a, const ParamValues& given,
                                          ParamValues& resolved) {
  ParamValues out;
  for (const auto& [name, value] : given) {
    const ParamSpec* spec = a.param(name);
    if (spec == nullptr) {
      return "unknown parameter '" + name + "' for congestion control '" + a.name + "' (" +
             valid_names(a) + ")";
    }
    // NaN fails both comparisons, so test for the inside of the range.
    if (!(value >= spec->min && value <= spec->max)) {
      return "parameter '" + name + "' of congestion control '" + a.name + "' is " +
             fmt_value(value) + ", outside [" + fmt_value(spec->min) + ", " +
             fmt_value(spec->max) + "]" +
             (spec->unit == ParamUnit::kDimensionless ? "" : std::string(" ") + to_string(spec->unit));
    }
    out[name] = value;
  }
  for (const ParamSpec& spec : a.params) {
    if (!spec.optional && out.find(spec.name) == out.end()) out[spec.name] = spec.default_value;
  }
  resolved = std::move(out);
  return std::nullopt;
}

}  // namespace ptcp::cc
