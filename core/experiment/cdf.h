// Flow-size distributions given as a CDF: lines "size_bytes cumulative_percent", '#' comments.
// Sampling is by inverse CDF with linear interpolation between points, as in the HPCC and
// PowerTCP evaluation scripts; mean and variance follow exactly from that piecewise-uniform model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptcp::exp {

struct CdfPoint {
  double size = 0;     // bytes
  double percent = 0;  // cumulative probability in percent
  friend bool operator==(const CdfPoint&, const CdfPoint&) = default;
};

class FlowSizeCdf {
 public:
  FlowSizeCdf() = default;
  // Checks the points: sizes and percents non-decreasing, starting at 0 %, ending at 100 %.
  // Returns an error message or nullopt.
  static std::optional<std::string> make(std::vector<CdfPoint> points, FlowSizeCdf& out);
  // Parses the text format; errors say which line.
  static std::optional<std::string> parse(std::string_view text, FlowSizeCdf& out);

  // u in [0, 1): the size at that quantile, rounded to whole bytes, at least 1.
  std::uint64_t sample(double u) const;
  double mean() const;
  double second_moment() const;  // E[X^2]
  const std::vector<CdfPoint>& points() const { return points_; }
  bool empty() const { return points_.empty(); }

 private:
  std::vector<CdfPoint> points_;
};

}  // namespace ptcp::exp
