#include "experiment/cdf.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace ptcp::exp {

std::optional<std::string> FlowSizeCdf::make(std::vector<CdfPoint> points, FlowSizeCdf& out) {
  if (points.size() < 2) return std::string("a CDF needs at least two points");
  for (std::size_t i = 0; i < points.size(); ++i) {
    const CdfPoint& p = points[i];
    if (!std::isfinite(p.size) || !std::isfinite(p.percent) || p.size < 0 || p.percent < 0 ||
        p.percent > 100) {
      return "point " + std::to_string(i + 1) + ": size must be >= 0 and percent in [0, 100]";
    }
    if (i > 0 && (p.size < points[i - 1].size || p.percent < points[i - 1].percent)) {
      return "point " + std::to_string(i + 1) + ": sizes and percents must not decrease";
    }
  }
  if (points.front().percent != 0) return std::string("the first point must be at 0 percent");
  if (points.back().percent != 100) return std::string("the last point must be at 100 percent");
  out.points_ = std::move(points);
  return std::nullopt;
}

std::optional<std::string> FlowSizeCdf::parse(std::string_view text, FlowSizeCdf& out) {
  std::vector<CdfPoint> pts;
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream ls(line);
    CdfPoint p;
    if (!(ls >> p.size)) {
      std::string rest;
      ls.clear();
      if (ls >> rest) return "line " + std::to_string(lineno) + ": expected 'size percent'";
      continue;  // blank
    }
    std::string extra;
    if (!(ls >> p.percent) || (ls >> extra)) {
      return "line " + std::to_string(lineno) + ": expected two numbers 'size percent'";
    }
    pts.push_back(p);
  }
  if (auto err = make(std::move(pts), out)) return err;
  return std::nullopt;
}

std::uint64_t FlowSizeCdf::sample(double u) const {
  const double pct = std::clamp(u, 0.0, 1.0) * 100.0;
  // First point whose percent exceeds pct: interpolate in the segment ending there.
  auto it = std::upper_bound(points_.begin(), points_.end(), pct,
                             [](double v, const CdfPoint& p) { return v < p.percent; });
  double size = 0;
  if (it == points_.end()) {
    size = points_.back().size;
  } else {
    const CdfPoint& hi = *it;
    const CdfPoint& lo = *(it - 1);
    size = lo.size + (hi.size - lo.size) * (pct - lo.percent) / (hi.percent - lo.percent);
  }
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(size)));
}

double FlowSizeCdf::mean() const {
  double m = 0;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const double w = (points_[i].percent - points_[i - 1].percent) / 100.0;
    m += w * (points_[i].size + points_[i - 1].size) / 2.0;
  }
  return m;
}

double FlowSizeCdf::second_moment() const {
  double m = 0;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const double w = (points_[i].percent - points_[i - 1].percent) / 100.0;
    const double a = points_[i - 1].size, b = points_[i].size;
    m += w * (a * a + a * b + b * b) / 3.0;
  }
  return m;
}

}  // namespace ptcp::exp
