#include "experiment/quantity.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <string>

namespace ptcp::exp {
namespace {

struct Unit {
  std::string_view suffix;
  double factor;
};

// Splits "12.5us" into 12.5 and "us"; the number must be finite and non-negative.
std::optional<std::pair<double, std::string_view>> split(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) != 0 ||
                             text[i] == '.' || text[i] == 'e' || text[i] == 'E' ||
                             ((text[i] == '+' || text[i] == '-') && i > 0 &&
                              (text[i - 1] == 'e' || text[i - 1] == 'E')))) {
    // "e" may start a unit only if no digit follows; numbers here never need a bare 'e'.
    if ((text[i] == 'e' || text[i] == 'E') &&
        (i + 1 >= text.size() || (std::isdigit(static_cast<unsigned char>(text[i + 1])) == 0 &&
                                  text[i + 1] != '+' && text[i + 1] != '-'))) {
      break;
    }
    ++i;
  }
  if (i == 0) return std::nullopt;
  const std::string num(text.substr(0, i));
  char* end = nullptr;
  const double v = std::strtod(num.c_str(), &end);
  if (end != num.c_str() + num.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  std::string_view unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return std::pair{v, unit};
}

template <std::size_t N>
std::optional<double> parse_with(std::string_view text, const std::array<Unit, N>& units) {
  const auto parts = split(text);
  if (!parts) return std::nullopt;
  for (const Unit& u : units) {
    if (parts->second == u.suffix) return parts->first * u.factor;
  }
  return std::nullopt;
}

constexpr std::array<Unit, 5> kTimeUnits{{{"", 1}, {"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}}};
constexpr std::array<Unit, 10> kRateUnits{{{"", 1},
                                           {"bps", 1},
                                           {"Kbps", 1e3},
                                           {"Mbps", 1e6},
                                           {"Gbps", 1e9},
                                           {"Tbps", 1e12},
                                           {"kbps", 1e3},
                                           {"Kb/s", 1e3},
                                           {"Mb/s", 1e6},
                                           {"Gb/s", 1e9}}};
constexpr std::array<Unit, 8> kByteUnits{{{"", 1},
                                          {"B", 1},
                                          {"KB", 1e3},
                                          {"MB", 1e6},
                                          {"GB", 1e9},
                                          {"KiB", 1024.0},
                                          {"MiB", 1048576.0},
                                          {"GiB", 1073741824.0}}};

// Integral results must be whole: "1.5ns" or "0.5B" are errors, not silently rounded.
template <typename T>
std::optional<T> whole(std::optional<double> v, double max) {
  if (!v || *v > max) return std::nullopt;
  const double r = std::round(*v);
  if (std::fabs(r - *v) > 1e-6 * std::max(1.0, std::fabs(*v))) return std::nullopt;
  return static_cast<T>(r);
}

// "28960" with divisor 1000 -> "28.96".
std::string decimal(std::uint64_t value, std::uint64_t divisor) {
  std::string s = std::to_string(value / divisor);
  std::uint64_t rem = value % divisor;
  if (rem == 0) return s;
  std::string frac;
  for (std::uint64_t d = divisor / 10; d > 0; d /= 10) {
    frac += static_cast<char>('0' + rem / d);
    rem %= d;
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return s + "." + frac;
}

// Picks the largest unit that keeps at most three decimals exact.
std::string format_with(std::uint64_t v, const std::array<std::pair<std::uint64_t, const char*>, 4>& u,
                        const char* base) {
  for (const auto& [div, name] : u) {
    if (v >= div && (v % (div / 1000 == 0 ? 1 : div / 1000)) == 0) return decimal(v, div) + name;
  }
  return std::to_string(v) + base;
}

}  // namespace

std::optional<TimeNs> parse_time(std::string_view text) {
  return whole<TimeNs>(parse_with(text, kTimeUnits), 9.2e18);
}
std::optional<BitsPerSec> parse_rate(std::string_view text) {
  return whole<BitsPerSec>(parse_with(text, kRateUnits), 1.8e19);
}
std::optional<std::uint64_t> parse_bytes(std::string_view text) {
  return whole<std::uint64_t>(parse_with(text, kByteUnits), 1.8e19);
}

std::string format_time(TimeNs t) {
  if (t < 0) return "-" + format_time(-t);
  return format_with(static_cast<std::uint64_t>(t),
                     {{{1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}, {1, "ns"}}}, "ns");
}
std::string format_rate(BitsPerSec r) {
  return format_with(r, {{{1'000'000'000'000, "Tbps"}, {1'000'000'000, "Gbps"}, {1'000'000, "Mbps"},
                          {1'000, "Kbps"}}},
                     "bps");
}
std::string format_bytes(std::uint64_t b) {
  if (b >= 1024 && b % 1048576 == 0) return std::to_string(b / 1048576) + "MiB";
  if (b >= 1000 && b % 1'000'000 == 0) return std::to_string(b / 1'000'000) + "MB";
  if (b >= 1000 && b % 1000 == 0) return std::to_string(b / 1000) + "KB";
  return std::to_string(b) + "B";
}

}  // namespace ptcp::exp
