// The host runtime: one ptcp::transport::Host behind one DPDK port, driven from a
// run-to-completion loop. Per iteration: receive a burst into the core (then free the mbufs),
// let the core write frames into fresh mbufs while the emulated NIC is free (paced at the
// link's rate: the core hands out frames whenever asked), and release what has crossed the
// wire. No allocation (beyond mbufs from the pool, taken a burst at a time), lock or system
// call on this path.
#pragma once

#include <rte_mbuf.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "backends/dpdk/egress.h"
#include "backends/dpdk/probe_peek.h"
#include "backends/dpdk/tsc_clock.h"
#include "transport/host.h"

namespace ptcp::dpdk {

struct HostNodeCounters {
  std::uint64_t rx_frames = 0;
  std::uint64_t rx_bursts = 0;            // rx_bursts that returned frames (rx_frames / this: mean burst)
  std::uint64_t rx_dropped_multiseg = 0;  // chained mbufs: the core wants contiguous frames
  std::uint64_t rx_dropped_bad_cksum = 0; // the NIC's IPv4 checksum offload flagged them
  std::uint64_t tx_frames = 0;
  std::uint64_t mbuf_alloc_failures = 0;  // pool empty: the frame waits for the next iteration
};

class HostNode {
 public:
  HostNode(const transport::HostConfig& cfg, Egress egress, rte_mempool* pool);
  ~HostNode();
  HostNode(const HostNode&) = delete;
  HostNode& operator=(const HostNode&) = delete;

  transport::Host& host() { return *host_; }
  const transport::Host& host() const { return *host_; }
  // Replaces the core host (e.g. with the measured base RTT). Callbacks must be set again.
  void reset_host(const transport::HostConfig& cfg);

  void start_flow(TimeNs now, const transport::FlowSpec& f) {
    host_->start_flow(now, f);
    wake_ = now;
  }
  // Long flows with a stop time: no new data from now on (transport::Host::stop_flow).
  bool stop_flow(TimeNs now, std::uint32_t flow_id) {
    wake_ = now;
    return host_->stop_flow(now, flow_id);
  }
  void send_probe(TimeNs now, std::uint32_t dst, std::uint64_t id) {
    host_->send_probe(now, dst, id);
    wake_ = now;
  }

  // One loop iteration; true when it moved a frame (received, written or handed to the
  // device), i.e. the iteration was work rather than an idle spin.
  bool poll(TimeNs now);
  // poll() without the receive: for a caller that reads the port itself and hands frames in
  // with deliver() (an empty rx_burst still costs a cache miss on the ring's producer index).
  bool send_due(TimeNs now);
  // A frame the caller received itself (e.g. after rewriting it): into the core, and the
  // next poll() will transmit whatever it made due.
  void deliver(TimeNs now, std::span<const std::uint8_t> frame) {
    host_->on_frame(now, frame);
    wake_ = now;
  }
  // When this node next has something to do without input (used by tests and idle checks).
  TimeNs next_event() const;
  unsigned drain();  // frees frames on the emulated wire and the unused mbufs in hand

  // Multi-process runs: frames from other processes arrive while this one is descheduled, so
  // received frames take the clock read after rx_burst, not the iteration's (older) time.
  void set_rx_clock(const TscClock* c) { rx_clock_ = c; }
  // When set, called for every probe this host receives (before the core answers it).
  std::function<void(TimeNs, const ProbeSeen&)> on_probe;

  Egress& egress() { return egress_; }
  const Egress& egress() const { return egress_; }
  const HostNodeCounters& counters() const { return counters_; }
  // What the link carried: wire::wire_bytes of each frame sent (preamble, FCS, gap, padding), as
  // the ns-3 device and the core switch port count, so links.csv means the same in both backends.
  std::uint64_t tx_wire_bytes() const { return tx_wire_bytes_; }

 private:
  TimeNs receive(TimeNs now, bool& got);  // returns the time it used (see set_rx_clock)
  bool transmit(TimeNs now);              // true when it wrote a frame
  rte_mbuf* take_mbuf();                  // from the bulk-allocated stock; null: pool empty

  std::unique_ptr<transport::Host> host_;
  Egress egress_;
  rte_mempool* pool_;
  // Mbufs allocated a burst at a time (rte_pktmbuf_alloc_bulk) and not yet filled: the pool
  // is sized for a burst in hand per host (PoolNeeds::burst). stock_[stock_next_..stock_end_).
  std::array<rte_mbuf*, Egress::kBurst> stock_{};
  unsigned stock_next_ = 0, stock_end_ = 0;
  TimeNs wake_ = 0;            // earliest time transmit() may have something
  std::uint16_t room_ = 0;     // writable bytes in an mbuf
  // Probes go out padded to a full data frame, replies to an ACK (probe_padded_len).
  std::size_t probe_out_len_ = 0, probe_back_len_ = 0;
  void set_probe_lengths(const transport::HostConfig& cfg);
  bool rx_cksum_offload_ = false;
  const TscClock* rx_clock_ = nullptr;
  HostNodeCounters counters_{};
  std::uint64_t tx_wire_bytes_ = 0;

 public:
  void set_rx_cksum_offload(bool on) { rx_cksum_offload_ = on; }
};

}  // namespace ptcp::dpdk
