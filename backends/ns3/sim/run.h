// Runs one experiment on ns-3: builds the network, starts the flows at their times, samples the
// traces at the [run] intervals, stops at the duration (or, with a drain limit, when every flow
// is done or the limit is reached) and fills exp::Results (the command writes the folder).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/units.h"
#include "experiment/backend.h"
#include "experiment/experiment.h"
#include "experiment/results.h"
#include "experiment/workload.h"
#include "faults/faults.h"

namespace ptcp::ns3sim {

// Counters beyond exp::Results::counters, for tests and benchmarks.
struct RunStats {
  std::uint64_t bytes_delivered = 0;  // verified in-order bytes at receivers
  std::uint64_t frames_sent = 0;      // frames put on any wire by hosts and switches: packet hops
  std::uint64_t events = 0;           // ns-3 events executed
  std::vector<std::uint32_t> flows_received;  // flows whose receiver verified every byte
  TimeNs sim_end_ns = 0;
  faults::FaultCounters faults;       // summed over every faulty link direction ([faults])
  double wall_s = 0;
};

struct RunOptions {
  // Ports (global ids) to capture into `pcap_dir`/<port name>.pcap (Ethernet framing).
  std::vector<std::uint32_t> pcap_ports;
  std::string pcap_dir;
  // Called every `progress_every` of simulated time (never when unset).
  std::function<void(const exp::Progress&)> progress;
  TimeNs progress_every = 100 * kNsPerUs;
  const std::atomic<bool>* stop_requested = nullptr;  // checked with progress: throws BackendError
  // Stop as soon as every flow is done, even before the duration (tests and benchmarks).
  bool stop_when_done = false;
};

// `e` as ns-3 runs it: with cc.base_rtt = "measured", base_rtt becomes the unloaded data+ACK
// RTT computed for the flows' host pairs (experiment/probe_rtt.h: a simulation has nothing to
// measure; it is what the DPDK backend's probes measure); otherwise `e` unchanged.
exp::Experiment with_resolved_base_rtt(const exp::Experiment& e, const std::vector<exp::Flow>& flows);

// Runs `e` (run units) with `flows`. A "measured" base_rtt must be resolved first (above). Throws exp::BackendError with the reason on a
// configuration the core refuses.
void run_on_ns3(const exp::Experiment& e, const std::vector<exp::Flow>& flows,
                const RunOptions& opt, exp::Results& out, RunStats* stats = nullptr);

// Counter name for the stats above that exp::counter does not define.
inline constexpr const char* kCounterResumes = "resumes";
inline constexpr const char* kCounterNoRoute = "no_route";
inline constexpr const char* kCounterPacketHops = "packet_hops";
// Only with [faults]: what the injected link faults did.
inline constexpr const char* kCounterFaultsLost = "faults_lost";
inline constexpr const char* kCounterFaultsReordered = "faults_reordered";
inline constexpr const char* kCounterFaultsDuplicated = "faults_duplicated";
inline constexpr const char* kCounterFaultsCorrupted = "faults_corrupted";

}  // namespace ptcp::ns3sim
