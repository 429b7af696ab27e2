// One node of a multi-process run (`powertcp run EXP --backend dpdk --node NAME`): a host or a
// switch on the ports [testbed.nodes.NAME] devices names (PCI addresses or vdevs such as
// net_memif / net_af_packet), with the same HostNode / SwitchNode runtimes as the virtual
// testbed. The nodes meet at a start barrier carried over the data network in probe packets
// (node_control.h): every sender measures the RTT to its flows' receivers, reports to the
// coordinator (the topology's first host), which sends each host the base RTT and a GO with
// the time left to the common epoch; flows start at their times relative to it. Each node
// records its own part (its flows, its ports, its counters) in run units, relative to the
// epoch; `powertcp merge` joins the parts.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/dpdk/capture.h"
#include "backends/dpdk/host_node.h"
#include "backends/dpdk/mempool.h"
#include "backends/dpdk/switch_node.h"
#include "backends/dpdk/tsc_clock.h"
#include "backends/dpdk/virtual_testbed.h"
#include "experiment/experiment.h"
#include "experiment/workload.h"

namespace ptcp::dpdk {

// EAL arguments for a node: the user's (or the virtual defaults) plus one --vdev per virtual
// device and one -a per PCI device of [testbed.nodes.<node>] (the defaults' --no-pci is
// dropped when a PCI device is listed). Throws std::invalid_argument when the node has no
// [testbed.nodes] entry.
std::vector<std::string> node_eal_args(const exp::Experiment& e, const std::string& node,
                                       const std::vector<std::string>& user);

struct NodeOptions {
  unsigned probe_rounds = 5;
  bool use_measured_base_rtt = false;
  TimeNs barrier_timeout = 60 * kNsPerSec;  // wall: links up, peers measured, GO received
  bool yield = false;  // sched_yield after every iteration (nodes sharing a core)
  std::string capture_dir;                  // pcapng of the ports listed (this node's only)
  std::vector<std::uint32_t> capture_ports;
  const std::atomic<bool>* stop_requested = nullptr;
  std::function<void(TimeNs run_now, std::size_t flows_done, std::size_t flows_total)> progress;
};

struct NodeRunInfo {
  std::string node;
  bool coordinator = false;
  std::vector<std::string> devices;
  TimeNs barrier_wait = 0;  // from start-up to the epoch (wall ns)
  bool saw_stop = false;    // ended by the coordinator's STOP (not by the hard stop)
  unsigned probes_stalled_only = 0;  // pairs measured only by probes that saw a stall
  std::string unacked;      // control messages never acknowledged ("STOP->h2 x5 ...")
};

class NodeRunner {
 public:
  // `e` scaled for the run; needs a live EalSession with the node's devices. Throws DpdkError.
  NodeRunner(const exp::Experiment& e, std::vector<exp::Flow> flows, std::uint32_t node,
             NodeOptions opt);
  ~NodeRunner();
  NodeRunner(const NodeRunner&) = delete;
  NodeRunner& operator=(const NodeRunner&) = delete;

  TestbedRun run();
  const NodeRunInfo& info() const { return info_; }

 private:
  struct Pending {  // a control message sent until its probe reply comes back
    std::uint32_t dst = 0;
    std::uint16_t msg = 0;
    std::uint64_t value = 0;
    TimeNs sent = -1;
    unsigned tries = 0;
    bool acked = false;
  };
  TestbedRun run_host();
  TestbedRun run_switch();
  void send_control(std::uint32_t dst, std::uint16_t msg, std::uint64_t value);
  bool acked(std::uint32_t dst, std::uint16_t msg) const;
  void pump(TimeNs now);
  void finish(TestbedRun& out, TimeNs epoch);

  const exp::Experiment& e_;
  std::vector<exp::Flow> flows_;
  std::uint32_t node_;
  NodeOptions opt_;
  NodeRunInfo info_;
  TscClock clock_;
  std::unique_ptr<MbufPool> pool_;
  std::vector<std::unique_ptr<PcapngCapture>> captures_;
  std::vector<std::uint16_t> ports_;
  std::unique_ptr<HostNode> host_;
  std::unique_ptr<SwitchNode> switch_;
  transport::HostConfig host_cfg_;
  std::uint32_t coordinator_ = 0;
  TimeNs retry_ = 0;  // control message retransmission interval
  std::vector<Pending> pending_;
  std::vector<TimeNs> rtt_to_;  // by node: the smallest control-probe RTT seen
  std::uint32_t pool_free_start_ = 0;

 public:
  // Host pairs whose RTT came only from probes that saw a stall (an upper bound, not clean).
  unsigned probes_stalled_only() const { return probes_stalled_only_; }

 private:
  unsigned probes_stalled_only_ = 0;
};

}  // namespace ptcp::dpdk
