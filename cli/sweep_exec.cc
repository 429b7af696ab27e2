// What both executors share: the command of a point, cleaning up after a killed attempt, and
// deciding a point's state from its results folder.
#include <fmt/format.h>

#include "sweep_exec.h"

namespace fs = std::filesystem;

namespace ptcp::cli {

std::vector<std::string> point_command(const std::string& exe, const fs::path& sweep_dir,
                                       const SweepIndex& x, const SweepPoint& p) {
  std::vector<std::string> argv{exe,       "run",   x.experiment,
                                "--backend", x.backend, "--out",
                                (sweep_dir / p.dir).string(), "--quiet"};
  for (const auto& s : x.sets) argv.insert(argv.end(), {"--set", s});
  for (const auto& s : p.sets) argv.insert(argv.end(), {"--set", s});
  return argv;
}

void clear_incomplete(const fs::path& sweep_dir, const SweepPoint& p) {
  std::error_code ec;
  const fs::path dir = sweep_dir / p.dir;
  if (fs::exists(dir, ec) && !results_complete(dir)) fs::remove_all(dir, ec);
  const std::string prefix = p.dir + ".tmp-";
  for (const auto& entry : fs::directory_iterator(sweep_dir, ec)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) fs::remove_all(entry.path(), ec);
  }
}

void settle_point(const fs::path& sweep_dir, SweepPoint& p, int exit_code, const std::string& reason) {
  p.exit_code = exit_code;
  if (results_complete(sweep_dir / p.dir)) {
    p.state = kStateOk;
    p.reason.clear();
    return;
  }
  p.state = kStateFailed;
  if (!reason.empty()) {
    p.reason = reason;
  } else if (exit_code == 0) {
    p.reason = "exited 0 but its results folder is not complete";
  } else if (exit_code > 0) {
    p.reason = fmt::format("exit {}", exit_code);
  } else {
    p.reason = "no exit status";
  }
}

}  // namespace ptcp::cli
