// Lossless mode (IEEE 802.1Qbb PFC), ingress side: per ingress port accounting of buffered
// bytes, pause/resume decisions and the PAUSE frames they produce.
//
// The buffer is split into a reserved headroom per ingress port (the bytes still in flight
// when we decide to pause: 2 * propagation * rate + 3 MTU + one PAUSE frame, one MTU more than
// the textbook 2 MTU to cover the packet that triggered the pause) and a shared pool. A packet
// goes to the shared pool while its ingress port's shared bytes stay under the dynamic
// threshold alpha * (free shared pool), otherwise to that port's headroom; only a full headroom
// drops, which a correctly sized headroom never lets happen. A port is paused upstream when it
// reaches the threshold or uses headroom, and resumed once it has left the headroom and is a
// hysteresis (2 MTU) under the threshold (or empty).
//
// Priorities: data runs on priority 0, the only one we pause; control packets (ACK, NACK,
// CNP, probes) are taken to run on another, never-paused priority, so they take the shared
// pool without ingress accounting and are never held by PFC.
#pragma once

#include <cstdint>
#include <vector>

#include "common/units.h"
#include "switch/switch.h"

namespace ptcp::sw {

// Headroom an ingress port needs for the bytes in flight after a pause decision.
std::uint64_t pfc_headroom(const PortConfig& port, std::uint32_t mtu);
// How long a PAUSE of `quanta` holds a link of `rate` (quanta are 512 bit times).
TimeNs pfc_pause_duration(std::uint16_t quanta, BitsPerSec rate);

enum class PfcPool : std::uint8_t { kShared, kHeadroom, kNone };

class PfcController {
 public:
  // `buffer_bytes` is the whole buffer; throws std::invalid_argument if the headrooms do not
  // leave a shared pool of at least one MTU per port.
  PfcController(const PfcConfig& cfg, std::uint64_t buffer_bytes,
                const std::vector<PortConfig>& ports);

  // Admits a data packet of `len` from `port`, accounts it, and updates the pause decision.
  // kNone means drop.
  PfcPool admit(PortId port, std::uint64_t len);
  // A data packet admitted from `port` into `pool` left the switch.
  void release(PortId port, std::uint64_t len, PfcPool pool);
  // Control packets: the shared pool without ingress accounting.
  bool admit_control(std::uint64_t len);
  void release_control(std::uint64_t len) { shared_used_ -= len; }

  // The dynamic pause threshold for one ingress port's shared bytes.
  double threshold() const { return cfg_.alpha * static_cast<double>(shared_size_ - shared_used_); }

  // PAUSE frames. `pending` is set when a decision changed; paused ports are refreshed at half
  // the pause duration so the upstream never resumes on expiry while we are still congested.
  bool paused(PortId port) const { return ports_[port].paused; }
  bool frame_pending(PortId port) const { return ports_[port].pending; }
  TimeNs next_frame_time(PortId port) const;  // kNever if nothing is due
  // Marks the frame for `port` sent at `now`; returns the quanta to put in it.
  std::uint16_t take_frame(PortId port, TimeNs now);
  // Ports whose frame became pending since the last call (rare), for the on_pfc_pending hook.
  std::vector<PortId>& newly_pending() { return newly_pending_; }

  std::uint64_t shared_size() const { return shared_size_; }
  std::uint64_t shared_used() const { return shared_used_; }
  std::uint64_t ingress_bytes(PortId port) const {
    return ports_[port].shared + ports_[port].headroom_used;
  }
  std::uint64_t headroom(PortId port) const { return ports_[port].headroom; }
  std::uint64_t headroom_used(PortId port) const { return ports_[port].headroom_used; }

 private:
  struct Ingress {
    std::uint64_t shared = 0;         // this port's bytes in the shared pool
    std::uint64_t headroom = 0;       // reserved size
    std::uint64_t headroom_used = 0;
    TimeNs refresh = 0;               // re-send interval while paused
    TimeNs last_sent = 0;
    bool paused = false;              // the upstream was told to pause
    bool pending = false;             // a PAUSE/RESUME frame waits to be sent
  };
  void set_paused(PortId port, bool paused);

  PfcConfig cfg_;
  std::uint64_t shared_size_ = 0;
  std::uint64_t shared_used_ = 0;
  std::uint64_t hysteresis_ = 0;
  std::vector<Ingress> ports_;
  std::vector<PortId> newly_pending_;
};

}  // namespace ptcp::sw
