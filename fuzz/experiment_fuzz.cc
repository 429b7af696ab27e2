// exp::parse_experiment on arbitrary text. Lines at the start of the form "--set key=value"
// are taken as overrides, the rest is the file. Files it names are served from memory: any
// path ending in ".txt" is a small valid CDF. Bad input must raise ExperimentError (anything
// else escaping is a finding); good input must survive the resolved-TOML round trip.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/emit.h"
#include "experiment/error.h"
#include "experiment/parse.h"

using namespace ptcp;

namespace {

std::optional<std::string> serve_file(const std::string& path) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".txt") == 0) {
    return std::string("1000 0\n10000 50\n100000 100\n");
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<exp::Override> overrides;
  try {
    while (text.substr(0, 6) == "--set ") {
      const std::size_t nl = text.find('\n');
      const std::string_view line = text.substr(6, nl == text.npos ? text.npos : nl - 6);
      overrides.push_back(exp::parse_override(line));
      text = nl == text.npos ? std::string_view{} : text.substr(nl + 1);
    }
    const exp::Experiment e = exp::parse_experiment(text, "fuzz/e.toml", overrides, serve_file);
    // The resolved file parses again to the same resolved file.
    const std::string once = exp::emit_toml(e);
    const exp::Experiment again = exp::parse_experiment(once, "fuzz/e.toml", {}, serve_file);
    exp::Experiment e2 = again;
    e2.overrides = e.overrides;  // the header comment lists them; the second parse has none
    if (exp::emit_toml(e2) != once) {
      __builtin_printf("round trip changed the experiment:\n%s\n---\n%s\n", once.c_str(),
                       exp::emit_toml(e2).c_str());
      __builtin_trap();
    }
  } catch (const exp::ExperimentError& err) {
    // Expected for bad input: a message that names a place.
    if (err.where().empty()) __builtin_trap();
  }
  return 0;
}
