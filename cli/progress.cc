#include "progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "experiment/quantity.h"

namespace ptcp::cli {

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

ProgressDisplay::ProgressDisplay(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_) {}

void ProgressDisplay::update(const exp::Progress& p) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  const double wall = std::chrono::duration<double>(now - start_).count();
  const double frac = p.end > 0 ? static_cast<double>(p.now) / static_cast<double>(p.end) : 0.0;
  std::string eta = "?";
  if (frac > 0.001 && frac < 1.0) eta = fmt::format("{:.0f}s", wall * (1.0 - frac) / frac);
  std::fprintf(stderr, "\r\033[Ksim %s / %s  wall %.1fs  ETA %s  flows %llu/%llu",
               exp::format_time(p.now - p.now % 1000).c_str(), exp::format_time(p.end).c_str(), wall,
               eta.c_str(), static_cast<unsigned long long>(p.flows_done),
               static_cast<unsigned long long>(p.flows_total));
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressDisplay::finish() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

}  // namespace ptcp::cli
