// The virtual testbed: a whole experiment topology inside one process. Every link is a pair
// of rings, each end a queue pair of a net_ring DPDK device (RingFabric); every host and
// switch is a real node runtime
// (HostNode, SwitchNode) on its own ports, all driven by one run-to-completion loop on one
// lcore. Rates and delays come from the experiment scaled by [testbed] scale so one core keeps
// up; everything recorded here is in the scaled run's units (the caller unscales).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backends/dpdk/capture.h"
#include "backends/dpdk/host_node.h"
#include "backends/dpdk/mempool.h"
#include "backends/dpdk/port.h"
#include "backends/dpdk/ring_fabric.h"
#include "backends/dpdk/switch_node.h"
#include "backends/dpdk/tsc_clock.h"
#include "experiment/experiment.h"
#include "experiment/workload.h"
#include "faults/faults.h"

namespace ptcp::dpdk {

// A raw frame put on a link at a given time (tests: malformed input on a port).
struct Injection {
  std::uint32_t port = 0;  // global port id of the sending side (e.g. "h3->tor0")
  TimeNs at = 0;           // run time (relative to the flows' epoch)
  std::vector<std::uint8_t> bytes;
};

struct TestbedOptions {
  unsigned ring_depth = 2048;          // per link direction
  unsigned probe_rounds = 5;           // RTT probes per host pair; the minimum is kept
  bool use_measured_base_rtt = false;  // cc.base_rtt = "measured": hosts get the measured tau
  bool verify_payload = true;
  TimeNs probe_round_timeout = 200 * kNsPerMs;  // wall clock, per round
  std::vector<Injection> injections;
  // pcapng capture: one file <capture_dir>/<port name>.pcapng per port id listed (what that
  // link end sends), e.g. from POWERTCP_DPDK_PCAP=DIR:tor0->h0,h1->tor0.
  std::string capture_dir;
  std::vector<std::uint32_t> capture_ports;
  // Set by the command on SIGINT/SIGTERM: the run stops at the next iteration (interrupted).
  const std::atomic<bool>* stop_requested = nullptr;
  // Called about every 10 ms of wall time during the run (terminal progress).
  std::function<void(TimeNs run_now, std::size_t flows_done, std::size_t flows_total)> progress;
};

// The loop's watch on itself: gaps between iterations longer than a tenth of tau mean the
// machine took the core away; they are counted, never hidden.
struct LoopStats {
  std::uint64_t iterations = 0;
  std::uint64_t stalls = 0;
  TimeNs stall_threshold = 0;
  TimeNs max_gap = 0;
  TimeNs stalled_ns = 0;  // sum of the gaps counted as stalls
  void observe(TimeNs gap) {
    ++iterations;
    if (gap > max_gap) max_gap = gap;
    if (gap > stall_threshold) {
      ++stalls;
      stalled_ns += gap;
    }
  }
};

struct PairRtt {
  std::uint32_t src = 0, dst = 0;
  TimeNs min_rtt = 0;  // 0 when no reply came back
  unsigned replies = 0;
  unsigned discarded = 0;  // replies whose flight saw a loop stall
};

struct QueueRow { TimeNs t; std::uint32_t port; std::uint64_t bytes; };
struct BufferRow { TimeNs t; std::uint32_t node; std::uint64_t used; };
struct FlowRow { TimeNs t; transport::FlowSample s; };
struct LinkRow { TimeNs t; std::uint32_t port; std::uint64_t tx_bytes; };
struct ReceivedFlow { std::uint32_t src; std::uint32_t flow_id; std::uint64_t bytes; TimeNs t; };

struct TestbedRun {
  std::vector<transport::FlowRecord> completed;  // sender side, times relative to the epoch
  std::vector<ReceivedFlow> received;            // receiver side: every byte verified
  std::size_t flows_total = 0;
  std::size_t flows_required = 0;  // flows that must finish (long flows need not)
  bool all_completed = false;
  bool interrupted = false;
  TimeNs end_time = 0;  // run time when the loop stopped

  std::vector<QueueRow> queue;
  std::vector<BufferRow> buffer;
  std::vector<FlowRow> flows;
  std::vector<LinkRow> links;

  std::vector<PairRtt> probes;
  TimeNs measured_base_rtt = 0;  // the largest pair minimum
  TimeNs base_rtt_used = 0;

  LoopStats loop;  // the flow phase
  LoopStats probe_loop;
  std::uint64_t max_buffer_used = 0;  // over all switches and iterations
  std::uint64_t buffer_bytes = 0;

  std::vector<transport::HostCounters> host_counters;  // by host index
  std::vector<HostNodeCounters> host_node_counters;
  std::vector<std::pair<std::uint32_t, sw::SwitchCounters>> switch_counters;  // (node, counters)
  std::vector<SwitchNodeCounters> switch_node_counters;
  std::vector<sw::PortCounters> port_counters;  // by global port id (switch ports; hosts: zero)
  std::vector<EgressCounters> egress_counters;  // by global port id
  std::vector<PortStats> port_stats;            // by global port id (the device queue's view)

  // [faults]: what the injectors did, summed over every faulty link direction (fault_links).
  faults::FaultCounters faults;
  std::size_t fault_links = 0;

  std::uint32_t pool_size = 0;
  std::uint32_t pool_free_start = 0;
  std::uint32_t pool_free_end = 0;  // after every frame was drained: equal to start = no leak
};

class VirtualTestbed {
 public:
  // `e` must be scaled for the run (rates / s, times * s). Needs a live EalSession. Throws
  // DpdkError (DPDK set-up) or std::invalid_argument (a configuration the core refuses).
  VirtualTestbed(const exp::Experiment& e, std::vector<exp::Flow> flows, TestbedOptions opt = {});
  ~VirtualTestbed();
  VirtualTestbed(const VirtualTestbed&) = delete;
  VirtualTestbed& operator=(const VirtualTestbed&) = delete;

  // Probes, flows, drain; may be called once.
  TestbedRun run();

  // Inspection for tests.
  std::size_t host_count() const { return hosts_.size(); }
  HostNode& host(std::uint32_t i) { return *hosts_[i]; }
  const MbufPool& pool() const { return *pool_; }
  QueueRef link_end(std::uint32_t global_port) const { return ends_[global_port]; }

 private:
  void poll_all(TimeNs now);
  void measure(TestbedRun& out);
  void set_callbacks(TestbedRun& out);
  void sample(TimeNs now, TimeNs epoch, TestbedRun& out);  // queue.csv, buffer.csv
  void sample_flows(TimeNs now, TimeNs epoch, TestbedRun& out);
  unsigned drain_all();
  // Every link end's egress, by global port id (hosts' and switches').
  std::vector<Egress*> egresses();

  const exp::Experiment& e_;
  std::vector<exp::Flow> flow_list_;
  TestbedOptions opt_;
  TscClock clock_;
  std::unique_ptr<MbufPool> pool_;
  std::unique_ptr<RingFabric> fabric_;
  std::vector<std::unique_ptr<PcapngCapture>> captures_;  // by global port id (mostly null)
  std::vector<QueueRef> ends_;  // global port id -> (DPDK port, queue)
  std::vector<std::unique_ptr<HostNode>> hosts_;            // by host index
  std::vector<std::unique_ptr<SwitchNode>> switches_;       // in node order
  std::vector<std::uint32_t> switch_node_ids_;
  std::vector<transport::HostConfig> host_cfgs_;
  std::vector<bool> required_;  // by flow id: the run waits for it
  std::size_t required_done_ = 0;
  std::uint32_t pool_free_start_ = 0;
  bool ran_ = false;
};

}  // namespace ptcp::dpdk
