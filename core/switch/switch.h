// A shared-buffer output-queued switch: forwarding + ECMP, Dynamic-Threshold admission, RED-style
// ECN marking at enqueue, INT stamping at dequeue, PFC, and link timing as data. Both backends
// run this same code: the switch never owns packet memory. The backend hands it a frame's bytes
// (which must stay valid and writable until the packet is dequeued or dropped) plus an opaque
// handle (an mbuf pointer, an index into the backend's buffer pool) and gets handles back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "common/units.h"
#include "wire/format.h"

namespace ptcp::sw {

using PortId = std::uint16_t;
using Handle = std::uintptr_t;

struct EcnThresholds {
  std::uint64_t kmin_bytes = 0;
  std::uint64_t kmax_bytes = 0;
  double pmax = 0;
};

struct PortConfig {
  BitsPerSec rate = 0;
  EcnThresholds ecn{};  // looked up by the experiment layer from the link's unscaled rate
};

struct SwitchConfig {
  std::uint32_t node_index = 0;
  std::uint64_t buffer_bytes = 0;  // shared buffer
  double dt_alpha = 1.0;           // Dynamic Thresholds: a queue may use alpha * free buffer
  bool ecn_enabled = true;
  bool int_enabled = true;
  bool pfc_enabled = false;
  std::uint64_t seed = 1;          // ECN marking randomness and ECMP hash salt
  std::vector<PortConfig> ports;
};

struct PortCounters {
  std::uint64_t enqueued = 0, dequeued = 0, dropped = 0, marked = 0;
  std::uint64_t paused = 0;         // PAUSE frames received on this port (it stopped sending)
  std::uint64_t pauses_sent = 0;    // PAUSE frames this port sent upstream
  std::uint64_t tx_bytes = 0, rx_bytes = 0;
  std::uint64_t int_full = 0;       // data packets whose INT stack was already full
};

struct SwitchCounters {
  std::uint64_t malformed = 0;  // frames parse_frame() rejected
  std::uint64_t no_route = 0;
  std::uint64_t buffer_drops = 0;
};

enum class RxResult : std::uint8_t { kEnqueued, kDropped, kMalformed, kNoRoute, kConsumed };

struct Dequeued {
  Handle handle = 0;
  std::uint32_t len = 0;  // bytes to transmit
};

class Switch {
 public:
  explicit Switch(SwitchConfig cfg);
  ~Switch();

  // Routing: packets to `dst_ip` may leave by any of `ports` (ECMP picks one per 5-tuple).
  void add_route(std::uint32_t dst_ip, std::vector<PortId> ports);

  // A frame arrived on `in_port`. Parses it, routes it, admits or drops it, marks ECN. On
  // kEnqueued the switch holds `handle` until dequeue(); otherwise the caller frees it.
  // PFC PAUSE frames are kConsumed (they pause this port's egress).
  RxResult receive(TimeNs now, PortId in_port, std::span<std::uint8_t> frame, Handle handle);

  // The link of `port` is free at `now`: returns the next packet to transmit (control queue
  // first; INT stamped now for data packets), or nothing if the queue is empty, the port is
  // paused, or the previous departure is still on the wire.
  std::optional<Dequeued> dequeue(PortId port, TimeNs now);
  // When dequeue(port) may next return a packet (kNever if the queue is empty).
  TimeNs next_departure(PortId port) const;

  // PFC frames to send upstream on `port` (written into `out`); 0 when none is pending.
  std::size_t next_pfc_frame(PortId port, TimeNs now, std::span<std::uint8_t> out);

  std::uint64_t queue_bytes(PortId port) const;
  std::uint64_t buffer_used() const;
  const PortCounters& port_counters(PortId port) const;
  const SwitchCounters& counters() const;
  std::size_t port_count() const;
};

}  // namespace ptcp::sw
