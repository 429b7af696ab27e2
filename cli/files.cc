#include "files.h"

#include <fstream>
#include <sstream>

#include "experiment/parse.h"

namespace ptcp::cli {

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return s.str();
}

exp::Experiment load_experiment(const std::string& path, const std::vector<std::string>& sets) {
  const auto text = read_text_file(path);
  if (!text) throw exp::ExperimentError(path, "", "cannot read the experiment file");
  std::vector<exp::Override> overrides;
  for (const std::string& s : sets) overrides.push_back(exp::parse_override(s));
  return exp::parse_experiment(*text, path, overrides, read_text_file);
}

}  // namespace ptcp::cli
