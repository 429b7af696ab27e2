// The software switch: N DPDK ports running ptcp::sw::Switch with mbuf pointers as handles.
// The core decides admission, ECN, INT (stamped from this loop's TSC time) and PFC and paces
// each egress port at its link's rate (dequeue()/next_departure()); this runtime only moves
// mbufs: PFC frames first, then packets, each held for its link's propagation delay.
#pragma once

#include <rte_mbuf.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "backends/dpdk/egress.h"
#include "backends/dpdk/probe_peek.h"
#include "backends/dpdk/tsc_clock.h"
#include "switch/switch.h"

namespace ptcp::dpdk {

struct SwitchNodeCounters {
  std::uint64_t rx_frames = 0;
  std::uint64_t rx_dropped_multiseg = 0;
  std::uint64_t rx_by_result[5] = {};  // indexed by sw::RxResult
  std::uint64_t tx_frames = 0;
  std::uint64_t pfc_frames_sent = 0;
  std::uint64_t mbuf_alloc_failures = 0;
  std::uint64_t max_buffer_used = 0;   // peak of Switch::buffer_used(), checked per iteration
};

class SwitchNode {
 public:
  // egress[i] is the link of the switch's port i (sw::PortId i).
  SwitchNode(sw::SwitchConfig cfg, std::vector<Egress> egress, rte_mempool* pool);
  ~SwitchNode();
  SwitchNode(const SwitchNode&) = delete;
  SwitchNode& operator=(const SwitchNode&) = delete;

  sw::Switch& core() { return sw_; }
  const sw::Switch& core() const { return sw_; }
  void poll(TimeNs now);
  // Frees every mbuf the switch and its links still hold; returns how many.
  unsigned drain();

  // Multi-process runs: arrivals take the clock read after rx_burst (see HostNode).
  void set_rx_clock(const TscClock* c) { rx_clock_ = c; }
  // When set, called for every probe passing through (multi-process runs: barrier and end).
  std::function<void(TimeNs, const ProbeSeen&)> on_probe;

  const std::vector<Egress>& egress() const { return egress_; }
  std::vector<Egress>& egress() { return egress_; }
  const SwitchNodeCounters& counters() const { return counters_; }

 private:
  void transmit_port(sw::PortId p, TimeNs now);

  sw::Switch sw_;
  std::vector<Egress> egress_;
  rte_mempool* pool_;
  rte_mbuf* pfc_spare_ = nullptr;  // a PFC frame is written here; kept until one is due
  std::vector<TimeNs> next_dep_;
  const TscClock* rx_clock_ = nullptr;  // cached next_departure() per port
  SwitchNodeCounters counters_{};
};

}  // namespace ptcp::dpdk
