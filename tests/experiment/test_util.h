// Helpers for the experiment tests: parse TOML text with in-memory "files" and expect errors.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "experiment/parse.h"

namespace ptcp::exp::test {

inline std::optional<std::string> read_disk(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string source_path(const std::string& rel) {
  return std::string(POWERTCP_SOURCE_DIR) + "/" + rel;
}

// Files named "mem/..." come from `files`; anything else from disk.
inline Experiment parse(const std::string& text, std::vector<std::string> sets = {},
                        std::map<std::string, std::string> files = {},
                        const std::string& name = "mem/test.toml") {
  std::vector<Override> ov;
  for (const auto& s : sets) ov.push_back(parse_override(s));
  return parse_experiment(text, name, ov, [files](const std::string& p) -> std::optional<std::string> {
    const auto it = files.find(p);
    if (it != files.end()) return it->second;
    return read_disk(p);
  });
}

inline Experiment load_shipped(const std::string& name, std::vector<std::string> sets = {}) {
  const std::string path = source_path("experiments/" + name + ".toml");
  const auto text = read_disk(path);
  EXPECT_TRUE(text.has_value()) << path;
  std::vector<Override> ov;
  for (const auto& s : sets) ov.push_back(parse_override(s));
  return parse_experiment(*text, path, ov, read_disk);
}

// The parse error for `text`; fails the test when parsing succeeds.
inline ExperimentError error_of(const std::string& text, std::vector<std::string> sets = {},
                                std::map<std::string, std::string> files = {}) {
  try {
    parse(text, sets, files);
  } catch (const ExperimentError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an error for:\n" << text;
  return ExperimentError("", "", "");
}

inline const char* kMinimal = R"(
[topology]
kind = "star"
hosts = 4

[[workload]]
kind = "flows"
flows = [{ src = "h0", dst = "h1", size = 1000 }]
)";

}  // namespace ptcp::exp::test
