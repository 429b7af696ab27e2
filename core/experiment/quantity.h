// Quantities with units as users write them in experiment files: "25Gbps", "1us", "4MiB".
// A bare number means the base unit (bit/s, ns, bytes). Parsing is strict: a wrong or missing
// unit is an error the caller reports with the key's location.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/units.h"

namespace ptcp::exp {

// Each returns nullopt when `text` is not a number followed by a unit of that kind.
std::optional<TimeNs> parse_time(std::string_view text);          // ns, us, ms, s
std::optional<BitsPerSec> parse_rate(std::string_view text);      // bps, Kbps, Mbps, Gbps, Tbps
std::optional<std::uint64_t> parse_bytes(std::string_view text);  // B, KB, MB, GB, KiB, MiB, GiB

// The shortest exact spelling, e.g. 28960 -> "28.96us", 25e9 -> "25Gbps", 4194304 -> "4MiB".
std::string format_time(TimeNs t);
std::string format_rate(BitsPerSec r);
std::string format_bytes(std::uint64_t b);

// What each accepts, for error messages.
inline constexpr const char* kTimeHelp = "a time such as \"10us\" (units ns, us, ms, s)";
inline constexpr const char* kRateHelp = "a rate such as \"25Gbps\" (units bps, Kbps, Mbps, Gbps)";
inline constexpr const char* kBytesHelp =
    "a size such as \"4MiB\" or 1000 (units B, KB, MB, GB, KiB, MiB, GiB)";

}  // namespace ptcp::exp
