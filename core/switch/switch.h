// A shared-buffer output-queued switch: forwarding + ECMP, Dynamic-Threshold admission, RED-style
// ECN marking at enqueue, INT stamping at dequeue, PFC, and link timing as data. Both backends
// run this same code: the switch never owns packet memory. The backend hands it a frame's bytes
// (which must stay valid and writable until the packet is dequeued) plus an opaque handle (an
// mbuf pointer, an index into the backend's buffer pool) and gets handles back.
//
// How a backend drives it (all times are the backend's `now`, integer ns):
//   1. A frame arrives on port p:  r = receive(now, p, bytes, handle).
//        kEnqueued: the switch now holds `handle`; the egress port's next_departure() may have
//                   moved earlier, so re-arm that port's transmit timer.
//        kConsumed: a PFC PAUSE for port p; p's next_departure() changed: re-arm it.
//        otherwise: dropped (counted); the caller frees the frame.
//   2. For each port, at next_departure(p) (kNever = nothing to send):
//        first n = next_pfc_frame(p, now, buf): if n > 0 send those n bytes on p;
//        otherwise d = dequeue(p, now): if set, transmit d->handle (d->len bytes, already
//        stamped/marked in place); the last bit leaves at d->done (arrival at the peer is
//        d->done + propagation, which the backend applies). Then ask next_departure(p) again.
//      A PFC frame may become pending on any port during receive()/dequeue(): event-driven
//      backends set on_pfc_pending to learn it; polling backends just call next_pfc_frame().
//   3. Traces: call sample_queues()/buffer_used() at the sampling times (pull, no per-packet cost).
// Ports with PortConfig::paced = false skip link timing (an ns-3 device that serializes itself):
// dequeue() then returns a packet whenever one is eligible.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/units.h"
#include "wire/format.h"

namespace ptcp::sw {

using PortId = std::uint16_t;
using Handle = std::uintptr_t;

// RED-style marking on the egress data queue length at enqueue: no mark at or below kmin,
// probability rising linearly to pmax at kmax, every ECN-capable data packet marked above kmax.
struct EcnThresholds {
  std::uint64_t kmin_bytes = 0;
  std::uint64_t kmax_bytes = 0;
  double pmax = 0;
};
// The paper's thresholds (25G: 100/400 KB, 100G: 400/1600 KB, pmax 0.2), scaled linearly in
// the rate for other speeds. KB = 1000 bytes, as in the HPCC/PowerTCP simulation scripts.
EcnThresholds paper_ecn_thresholds(BitsPerSec rate);

struct PortConfig {
  BitsPerSec rate = 0;         // must be > 0
  EcnThresholds ecn{};         // looked up by the experiment layer from the link's unscaled rate
  TimeNs propagation = 0;      // one-way delay of this port's link: sizes the PFC headroom
  bool paced = true;           // false: dequeue() ignores link timing (the backend serializes)
};

struct PfcConfig {
  bool enabled = false;
  // Pause an ingress port when its bytes in the shared pool reach alpha * (free shared pool).
  double alpha = 1.0 / 8;
  std::uint32_t mtu = 1500;          // largest frame: sizes headroom and the resume hysteresis
  std::uint16_t pause_quanta = 0xffff;  // quanta of 512 bit times; re-sent at half the expiry
};

struct SwitchConfig {
  std::uint32_t node_index = 0;
  std::uint64_t buffer_bytes = 0;  // shared buffer
  double dt_alpha = 1.0;           // Dynamic Thresholds: a queue may use alpha * free buffer
  bool ecn_enabled = true;
  bool int_enabled = true;
  // Also check the UDP and transport checksums (a pass over the payload). Off by default: a
  // real switch checks L2/L3 headers only; the receiving host checks the rest.
  bool verify_checksums = false;
  PfcConfig pfc{};
  std::uint64_t seed = 1;          // ECN marking randomness and ECMP hash salt
  std::vector<PortConfig> ports;
};

struct PortCounters {
  // The ones every packet bumps first: they share one cache line.
  std::uint64_t enqueued = 0, dequeued = 0;
  std::uint64_t tx_bytes = 0, rx_bytes = 0;  // frame bytes (as handed over by the backend)
  std::uint64_t tx_wire_bytes = 0;  // wire::wire_bytes() of each frame sent: what the link carried
  std::uint64_t marked = 0;         // data packets CE-marked at enqueue
  std::uint64_t dropped = 0;        // admission drops for this egress port
  std::uint64_t int_full = 0;       // data packets whose INT stack was already full
  std::uint64_t paused = 0;         // PAUSE frames (quanta > 0) received on this port
  std::uint64_t pauses_sent = 0;    // PAUSE frames (quanta > 0, refreshes included) sent upstream
  std::uint64_t resumes_sent = 0;   // PAUSE frames with quanta 0 sent upstream
};

struct SwitchCounters {
  std::uint64_t malformed = 0;      // frames rejected by the header checks (or bad in_port)
  std::uint64_t no_route = 0;
  std::uint64_t buffer_drops = 0;   // sum of the ports' dropped
  std::uint64_t pfc_ignored = 0;    // PAUSE frames for priorities we do not use
};

enum class RxResult : std::uint8_t { kEnqueued, kDropped, kMalformed, kNoRoute, kConsumed };

struct Dequeued {
  Handle handle = 0;
  std::uint32_t len = 0;  // bytes to transmit
  PortId in_port = 0;     // where the packet came in
  TimeNs done = 0;        // when its last bit is on the wire (== now for unpaced ports)
};

struct QueueSample {
  TimeNs now = 0;
  std::uint32_t node = 0;  // SwitchConfig::node_index
  PortId port = 0;
  std::uint64_t bytes = 0;  // control + data queue of that egress port
};

class Switch {
 public:
  // Throws std::invalid_argument on a configuration it cannot run (no ports, zero rate, ...).
  explicit Switch(SwitchConfig cfg);
  ~Switch();
  Switch(Switch&&) noexcept;
  Switch& operator=(Switch&&) noexcept;
  Switch(const Switch&) = delete;
  Switch& operator=(const Switch&) = delete;

  // Routing: packets to `dst_ip` may leave by any of `ports` (ECMP picks one per 5-tuple).
  // Replaces an earlier route to the same address. Throws std::invalid_argument on an empty
  // set or a port out of range.
  void add_route(std::uint32_t dst_ip, std::vector<PortId> ports);

  // A frame arrived on `in_port`. Checks its headers, routes it, admits or drops it, marks ECN.
  // On kEnqueued the switch holds `handle` until dequeue(); otherwise the caller frees it.
  // Data packets go to the egress data FIFO, every other transport packet (ACK, NACK, CNP,
  // probes) to the port's high-priority control queue. PFC PAUSE frames are kConsumed: they
  // pause the data (not the control queue) of `in_port`'s egress. Never reads outside `frame`.
  RxResult receive(TimeNs now, PortId in_port, std::span<std::uint8_t> frame, Handle handle);
  // The same, also saying on kEnqueued which egress port took the packet (`egress` is left
  // alone otherwise), so an event-driven backend kicks only that port instead of scanning all.
  RxResult receive(TimeNs now, PortId in_port, std::span<std::uint8_t> frame, Handle handle,
                   PortId& egress);

  // The link of `port` is free at `now`: returns the next packet to transmit (control queue
  // first; INT stamped now for data packets), or nothing if the queue is empty, data is paused
  // and no control packet waits, or the previous departure is still on the wire.
  std::optional<Dequeued> dequeue(PortId port, TimeNs now);
  // When dequeue() or next_pfc_frame() on `port` may next return something (kNever if nothing
  // is queued or pending). May lie in the past: then call now.
  TimeNs next_departure(PortId port) const;

  // A PFC frame to send upstream on `port`, written into `out` (>= wire::kPfcFrameLen bytes);
  // returns its length, 0 when none is due (or out is too small). Sent ahead of every queued
  // packet once the link is free; it occupies the link like any frame.
  std::size_t next_pfc_frame(PortId port, TimeNs now, std::span<std::uint8_t> out);
  // Called (rarely: on pause/resume decisions, never per packet) when a PFC frame becomes
  // pending on a port. Optional.
  std::function<void(PortId)> on_pfc_pending;

  std::uint64_t queue_bytes(PortId port) const;  // control + data bytes queued for `port`
  std::uint64_t buffer_used() const;             // bytes held in the whole shared buffer
  // Calls fn once per port with its queue length: the backends' queue-length sampler.
  void sample_queues(TimeNs now, const std::function<void(const QueueSample&)>& fn) const;
  bool egress_paused(PortId port, TimeNs now) const;  // a received PAUSE holds this port's data
  bool ingress_paused(PortId port) const;             // we told the upstream of `port` to pause

  const PortCounters& port_counters(PortId port) const;
  const SwitchCounters& counters() const;
  const SwitchConfig& config() const;
  std::size_t port_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ptcp::sw
