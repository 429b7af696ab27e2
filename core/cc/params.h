// Helpers for algorithm factories: read resolved parameters once, at flow creation. Nothing
// here runs on the per-ACK path.
#pragma once

#include <optional>
#include <string_view>

#include "cc/registry.h"

namespace ptcp::cc {

// The value the user gave or resolve_params() filled in; `fallback` covers a caller that
// skipped resolve_params() (tests, direct construction).
inline double param_or(const ParamValues& p, std::string_view name, double fallback) {
  const auto it = p.find(name);
  return it == p.end() ? fallback : it->second;
}

// An optional parameter: present only when the user set it.
inline std::optional<double> param_opt(const ParamValues& p, std::string_view name) {
  const auto it = p.find(name);
  if (it == p.end()) return std::nullopt;
  return it->second;
}

}  // namespace ptcp::cc
