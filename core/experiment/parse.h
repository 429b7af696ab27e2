// Experiment files: TOML text in, a resolved Experiment out. Pure: files the experiment refers
// to (flow-size CDFs) are read through the caller's FileReader, so the core does no I/O.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/error.h"
#include "experiment/experiment.h"

namespace ptcp::exp {

// One --set key.path=value. Path segments are table keys or array indices ("workload.0.load").
// The value is read as a TOML value when it is one (0.6, true, [1, 2]) and as a string otherwise
// (hpcc, 10us).
struct Override {
  std::string path;
  std::string value;
  std::string arg;  // as typed, for error messages
};
// Splits "key.path=value"; throws ExperimentError when there is no '=' or the path is empty.
Override parse_override(std::string_view arg);

// Returns the file's contents, or nullopt when it cannot be read.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

// Parses, applies the overrides, validates and resolves. `file` names the text in errors and
// is the base for relative paths (CDF files). Throws ExperimentError.
Experiment parse_experiment(std::string_view text, const std::string& file,
                            const std::vector<Override>& overrides, const FileReader& read);

// Where relative paths in `experiment_file` point: its directory joined with `path`.
std::string resolve_relative(const std::string& experiment_file, const std::string& path);

}  // namespace ptcp::exp
