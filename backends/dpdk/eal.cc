#include "backends/dpdk/eal.h"

#include <rte_eal.h>
#include <rte_errno.h>

#include <atomic>

namespace ptcp::dpdk {
namespace {
std::atomic<bool> g_initialized{false};  // EAL cannot be re-initialized even after cleanup
std::atomic<bool> g_active{false};
}  // namespace

std::vector<std::string> default_virtual_eal_args() {
  return {"--no-huge", "-m", "512", "--no-shconf", "--no-pci"};
}

std::vector<std::string> resolve_eal_args(const std::vector<std::string>& user,
                                          const std::vector<std::string>& extra) {
  std::vector<std::string> args = user.empty() ? default_virtual_eal_args() : user;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

EalSession::EalSession(const std::vector<std::string>& args) : args_(args) {
  if (g_initialized.exchange(true)) {
    throw DpdkError("EAL: already initialized in this process (DPDK allows it once)");
  }
  // rte_eal_init wants a mutable argv starting with the program name and may permute it.
  std::vector<std::string> storage;
  storage.reserve(args.size() + 1);
  storage.emplace_back("powertcp");
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(storage.size() + 1);
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  const int rc = rte_eal_init(static_cast<int>(storage.size()), argv.data());
  if (rc < 0) {
    std::string joined;
    for (const auto& a : args) joined += " " + a;
    throw DpdkError("EAL: rte_eal_init failed (" + std::string(rte_strerror(rte_errno)) +
                    ") with arguments:" + joined);
  }
  g_active = true;
}

EalSession::~EalSession() {
  rte_eal_cleanup();
  g_active = false;
}

bool EalSession::active() { return g_active; }

}  // namespace ptcp::dpdk
