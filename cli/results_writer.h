// Writes a results folder atomically: everything goes into "<out>.tmp-XXXXXX" next to <out>,
// meta.json last, and the folder is renamed to <out> only when complete. On any error the
// temporary folder is removed; a process killed midway leaves only a ".tmp-" folder, never
// something named <out>.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "experiment/derived.h"
#include "experiment/experiment.h"
#include "experiment/results.h"

namespace ptcp::cli {

struct RunMeta {
  std::string backend;
  std::string started_at;  // UTC, ISO 8601
  double wall_time_s = 0;
};

struct WriteOptions {
  bool replace = false;  // replace an existing <out> (otherwise that is an error)
  // Called after each file is complete, with its name (tests use it to interrupt the write).
  std::function<void(const std::string&)> after_file;
};

// `results` are in the experiment's own units already (exp::unscale_results). Throws
// std::runtime_error with the path on failure.
void write_results_folder(const std::string& out, const exp::Experiment& e, const exp::Derived& d,
                          const exp::Results& results, const RunMeta& meta,
                          const WriteOptions& opt = {});

// The CSV text of each file (also used by tests).
std::string fct_csv(const exp::Experiment& e, const exp::Results& r);
std::string queue_csv(const exp::Experiment& e, const exp::Results& r);
std::string buffer_csv(const exp::Experiment& e, const exp::Results& r);
std::string flows_csv(const exp::Results& r);
std::string links_csv(const exp::Experiment& e, const exp::Results& r);

}  // namespace ptcp::cli
