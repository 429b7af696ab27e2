// EAL start-up and shutdown. EAL may be initialized once per process and cleaned up once, so
// this is a scoped session: construct it first, destroy it last (after every pool and port).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace ptcp::dpdk {

// Thrown when EAL, a pool or a port cannot be set up; what() names the step and the reason.
class DpdkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The virtual testbed's defaults: no hugepages (any machine, no root setup), 512 MB of normal
// memory, no shared runtime files (several processes may run side by side) and no PCI scan.
// --in-memory is not usable with --no-huge in DPDK 22.11 (it implies legacy memory).
std::vector<std::string> default_virtual_eal_args();

// The arguments EAL will see: the user's (after `--` on the command line) when given, else the
// virtual defaults; `extra` (e.g. --vdev options the backend needs) is appended either way.
std::vector<std::string> resolve_eal_args(const std::vector<std::string>& user,
                                          const std::vector<std::string>& extra = {});

class EalSession {
 public:
  // Calls rte_eal_init(args). Throws DpdkError if EAL refuses them or was already initialized
  // in this process.
  explicit EalSession(const std::vector<std::string>& args);
  ~EalSession();  // rte_eal_cleanup()
  EalSession(const EalSession&) = delete;
  EalSession& operator=(const EalSession&) = delete;

  const std::vector<std::string>& args() const { return args_; }
  static bool active();  // an EalSession exists in this process

 private:
  std::vector<std::string> args_;
};

}  // namespace ptcp::dpdk
