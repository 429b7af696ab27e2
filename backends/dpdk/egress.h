// One direction of a link as its sender sees it: the wire's serialization (a frame's last bit
// leaves `done` after its first) and its propagation delay (a delay line), then the device.
// Frames reach the device when they would reach the far end of the emulated cable, so on the
// virtual testbed (rings: zero delay, infinite rate) links get the experiment's rate and delay;
// on a real cable set the delay to 0.
#pragma once

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "backends/dpdk/capture.h"
#include "backends/dpdk/delay_line.h"
#include "common/units.h"
#include "wire/format.h"

namespace ptcp::dpdk {

struct EgressCounters {
  std::uint64_t frames = 0;          // handed to the device
  std::uint64_t bytes = 0;           // frame bytes handed to the device
  std::uint64_t line_full_drops = 0; // delay line full: must stay 0 (sized from rate and delay)
  std::uint64_t device_busy = 0;     // bursts the device took only partly (retried later)
};

class Egress {
 public:
  static constexpr unsigned kBurst = 32;

  Egress(std::uint16_t port, BitsPerSec rate, TimeNs delay, TimeNs catch_up,
         std::uint16_t queue = 0)
      : port_(port), queue_(queue), rate_(rate), delay_(delay), catch_up_(catch_up),
        line_(line_capacity(rate, delay, catch_up)) {}

  std::uint16_t port() const { return port_; }
  std::uint16_t queue() const { return queue_; }  // the same queue id receives from the link
  BitsPerSec rate() const { return rate_; }
  TimeNs delay() const { return delay_; }

  // For senders the runtime paces (hosts): the link is free for a new frame at `now`.
  bool free(TimeNs now) const { return free_at_ <= now; }
  TimeNs free_at() const { return free_at_; }
  // Serializes a `len`-byte frame starting when the link is free; returns when its last bit
  // leaves. After an idle period it starts at `now`; after a short loop hiccup (less than
  // catch_up) it starts where the previous frame ended, so the average rate stays exact.
  TimeNs serialize(TimeNs now, std::size_t len) {
    const TimeNs start = idle_ ? std::max(free_at_, now) : free_at_ + catch_up_ >= now ? free_at_ : now;
    idle_ = false;
    free_at_ = start + serialization_ns(wire::wire_bytes(len), rate_);
    return free_at_;
  }
  // The sender had nothing to send at `now`: the link sat idle, so the next frame starts no
  // earlier than `now` (catch-up is for frames that were ready while the loop was away).
  void idle_at(TimeNs now) {
    if (free_at_ < now) free_at_ = now;
    idle_ = true;
  }
  // A frame whose last bit left at `done` (from serialize() or the switch's dequeue()).
  // False when the delay line is full: the caller frees it.
  bool send(TimeNs done, rte_mbuf* m) {
    if (line_.push(done + delay_, m)) return true;
    ++counters_.line_full_drops;
    return false;
  }
  // Hands every frame that has arrived at the far end by `now` to the device.
  void flush(TimeNs now) {
    while (true) {
      std::array<rte_mbuf*, kBurst> burst;
      unsigned n = 0;
      while (n < kBurst && line_.pop_due(now, burst[n])) ++n;
      if (n == 0) return;
      if (capture_ != nullptr) capture_->record(port_, queue_, burst.data(), n);
      const std::uint16_t sent = rte_eth_tx_burst(port_, queue_, burst.data(), static_cast<std::uint16_t>(n));
      for (unsigned i = 0; i < sent; ++i) counters_.bytes += burst[i]->pkt_len;
      counters_.frames += sent;
      if (sent < n) {
        ++counters_.device_busy;
        line_.unpop(n - sent);  // still in order at the head: retried next iteration
        return;
      }
    }
  }
  TimeNs next_release() const { return line_.next_release(); }
  std::size_t in_flight() const { return line_.size(); }
  std::size_t capacity() const { return line_.capacity(); }
  // Frees every frame still on the emulated wire (shutdown); returns how many.
  unsigned drain() {
    unsigned n = 0;
    rte_mbuf* m = nullptr;
    while (line_.pop(m)) {
      rte_pktmbuf_free(m);
      ++n;
    }
    return n;
  }
  const EgressCounters& counters() const { return counters_; }
  // Optional pcapng capture of what this end puts on the wire (null: none). A frame the
  // device refuses for a moment is recorded again when it is retried.
  void set_capture(PcapngCapture* c) { capture_ = c; }

  // Frames that can be on the emulated wire at once: minimum-size frames back to back over
  // the delay plus the catch-up window, and a burst of slack.
  static std::size_t line_capacity(BitsPerSec rate, TimeNs delay, TimeNs catch_up) {
    const TimeNs min_frame = serialization_ns(wire::wire_bytes(wire::kMinEthFrame), rate);
    return static_cast<std::size_t>((delay + catch_up) / (min_frame > 0 ? min_frame : 1)) +
           4 * kBurst;
  }

 private:
  std::uint16_t port_;
  std::uint16_t queue_;
  BitsPerSec rate_;
  TimeNs delay_;
  TimeNs catch_up_;
  TimeNs free_at_ = 0;
  bool idle_ = false;  // idle_at() since the last frame: no catch-up
  PcapngCapture* capture_ = nullptr;
  DelayLine<rte_mbuf*> line_;
  EgressCounters counters_{};
};

}  // namespace ptcp::dpdk
