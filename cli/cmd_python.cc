// powertcp plot / compare: hand over to the analysis scripts, and where the command lives.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "commands.h"
#include "files.h"

#ifndef POWERTCP_SOURCE_ANALYSIS_DIR
#define POWERTCP_SOURCE_ANALYSIS_DIR "analysis"
#endif

namespace fs = std::filesystem;

namespace ptcp::cli {

std::string self_exe() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("powertcp") : p.string();
}

std::string analysis_dir() {
  const fs::path installed = fs::path(self_exe()).parent_path() / ".." / "share" / "powertcp" / "analysis";
  std::error_code ec;
  if (fs::is_directory(installed, ec)) return installed.lexically_normal().string();
  return POWERTCP_SOURCE_ANALYSIS_DIR;
}

int cmd_python(const std::string& script, const std::vector<std::string>& args) {
  const std::string path = analysis_dir() + "/" + script;
  if (!fs::exists(path)) {
    std::cerr << "powertcp: " << path << " not found (is the analysis package installed?)\n";
    return kExitBadInput;
  }
  std::vector<std::string> argv{"/usr/bin/python3", path};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c;
  for (auto& a : argv) c.push_back(a.data());
  c.push_back(nullptr);
  execv(c[0], c.data());
  std::cerr << "powertcp: cannot run /usr/bin/python3\n";
  return kExitRunFailed;
}

}  // namespace ptcp::cli
