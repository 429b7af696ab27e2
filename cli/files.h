// File-system side of the command: reading experiment files and loading them with errors that
// name the file, line and key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "experiment/error.h"
#include "experiment/experiment.h"

namespace ptcp::cli {

std::optional<std::string> read_text_file(const std::string& path);

// Reads, parses and resolves; throws exp::ExperimentError (also for an unreadable file).
exp::Experiment load_experiment(const std::string& path, const std::vector<std::string>& sets);

// Exit codes of the command (docs/experiments.md). 1 also covers what the machine refused (out
// of memory, a file system error); 3 is a bug of ours (an exception nobody expected), kept apart
// from 1 and 2 so scripts and sweeps do not blame the experiment or the backend for it.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRunFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;
inline constexpr int kExitInterrupted = 130;

}  // namespace ptcp::cli
