// Progress line for long runs: simulated time, wall time, ETA and flows done, redrawn at most
// a few times per second, and only when stderr is a terminal (quiet in scripts and CI).
#pragma once

#include <chrono>

#include "experiment/backend.h"

namespace ptcp::cli {

class ProgressDisplay {
 public:
  explicit ProgressDisplay(bool enabled);
  void update(const exp::Progress& p);
  void finish();  // clears the line

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

bool stderr_is_terminal();

}  // namespace ptcp::cli
