// One direction of a link as its sender sees it: the wire's serialization (a frame's last bit
// leaves `done` after its first) and its propagation delay (a delay line), then the device.
// Frames reach the device when they would reach the far end of the emulated cable, so on the
// virtual testbed (rings: zero delay, infinite rate) links get the experiment's rate and delay;
// on a real cable set the delay to 0.
//
// [faults] (core/faults): with set_faults() and arm_faults(), every frame sent from the armed
// epoch on is judged by the core injector as it goes onto the wire, the way the ns-3 device
// does: lost frames are freed here, corrupted ones get their byte flipped in the mbuf, a
// duplicate is a copy from the frame's own pool (counted: the pool's free count is back to its
// start once the copy is received and freed), and a reordered frame waits in a small min-heap
// by release time while later frames overtake it.
#pragma once

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "backends/dpdk/capture.h"
#include "backends/dpdk/delay_line.h"
#include "backends/dpdk/held_frames.h"
#include "common/units.h"
#include "faults/faults.h"
#include "wire/format.h"

namespace ptcp::dpdk {

struct EgressCounters {
  std::uint64_t frames = 0;          // handed to the device
  std::uint64_t bytes = 0;           // frame bytes handed to the device
  std::uint64_t line_full_drops = 0; // delay line full: must stay 0 (sized from rate and delay)
  std::uint64_t device_busy = 0;     // bursts the device took only partly (retried later)
  // [faults] only:
  std::uint64_t fault_freed = 0;          // frames the injector lost, freed here
  std::uint64_t fault_copies = 0;         // duplicate mbufs taken from the pool
  std::uint64_t fault_copy_failures = 0;  // pool empty: that duplicate was not sent
  std::uint64_t reorder_full = 0;         // hold-back heap full: sent in order instead
};

class Egress {
 public:
  static constexpr unsigned kBurst = 32;
  // A device that took nothing of a burst (its queue is full: a NIC behind by a ring of
  // frames, a ring link whose reader lags) is retried after this long rather than on every
  // loop iteration: each retry reads the queue's consumer index, a cache line the reader
  // writes, and a tight retry loop slows that reader (on the host bench, both lcores ended up
  // spinning on full rings at a quarter of their rate). 1 us is under 1% of what a full
  // queue of 1024 descriptors holds at 100 Gb/s, so the device never runs dry for it.
  static constexpr TimeNs kFullDeviceBackoff = kNsPerUs;
  // The catch-up for a link of `rate` carrying frames of `mtu`: how far a sender may fall
  // behind its link schedule and still send back to back. A few full frames, so loop jitter
  // does not cost rate but a stall is not "made up" in a burst.
  static TimeNs catch_up_for(BitsPerSec rate, std::uint32_t mtu) {
    return 8 * serialization_ns(wire::wire_bytes(mtu + wire::kEthLen), rate);
  }

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
  // Nothing was ready to send before `t` (e.g. a reply to a frame read at `t`): the next frame
  // starts no earlier than `t`, though it may still catch up from there.
  void not_before(TimeNs t) {
    if (free_at_ < t) free_at_ = t;
  }
  // A frame whose last bit left at `done` (from serialize() or the switch's dequeue()).
  // False when the delay line is full: the caller frees it.
  // With [faults] armed, a frame the injector loses is freed here and true is returned (it
  // went onto the wire).
  bool send(TimeNs done, rte_mbuf* m) {
    if (faults_ && done >= fault_epoch_) return send_with_faults(done, m);
    return put(done + delay_, m);
  }
  // Hands every frame that has arrived at the far end by `now` to the device, in release
  // order across the delay line and the held-back frames (a held frame due at the same time
  // as an in-order one goes after it). Returns how many the device took. Called every loop
  // iteration, so "nothing due" costs two compares.
  unsigned flush(TimeNs now) {
    if (line_.next_release() > now && held_.next_release() > now) return 0;
    if (now < retry_at_) return 0;  // the device took nothing a moment ago
    return held_.empty() ? flush_line(now) : flush_merged(now);
  }
  TimeNs next_release() const { return std::min(line_.next_release(), held_.next_release()); }
  std::size_t in_flight() const { return line_.size() + held_.size(); }
  std::size_t capacity() const { return line_.capacity(); }
  // Frees every frame still on the emulated wire (shutdown); returns how many.
  unsigned drain() {
    unsigned n = 0;
    rte_mbuf* m = nullptr;
    while (line_.pop(m)) {
      rte_pktmbuf_free(m);
      ++n;
    }
    HeldFrames<rte_mbuf*>::Entry e;
    while (held_.pop(e)) {
      rte_pktmbuf_free(e.item);
      ++n;
    }
    return n;
  }

  // [faults] on this link direction: an injector with `spec` and `seed` (exp::Experiment::
  // faults_for_port / faults_seed). Inactive until arm_faults().
  void set_faults(const faults::FaultSpec& spec, std::uint64_t seed) {
    faults_.emplace(spec, seed);
    held_ = HeldFrames<rte_mbuf*>(held_capacity(spec, rate_));
  }
  // Frames that can be held back at once: minimum-size frames back to back over the longest
  // hold (0 without reordering). Also what a pool must add for it.
  static std::size_t held_capacity(const faults::FaultSpec& spec, BitsPerSec rate) {
    if (spec.reorder <= 0) return 0;
    const TimeNs hold = spec.reorder_delay > 0
                            ? spec.reorder_delay
                            : 4 * serialization_ns(wire::wire_bytes(kMaxHeldFrame), rate);
    return line_capacity(rate, hold, 0);
  }
  // Frames whose last bit leaves at or after `epoch` are judged, with times relative to it
  // (the [faults.down] windows are run times). Before it (the base-RTT probes) the wire is clean.
  void arm_faults(TimeNs epoch) { fault_epoch_ = epoch; }
  // Null when this direction has no faults.
  const faults::FaultCounters* fault_counters() const { return faults_ ? &faults_->counters() : nullptr; }
  std::size_t held_capacity() const { return held_.capacity(); }
  std::size_t held() const { return held_.size(); }
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
  // The longest frame the default reorder delay (4 serialization times) is sized for.
  static constexpr std::size_t kMaxHeldFrame = 9216;

  // No frame held back (always so without [faults] reordering): bursts straight off the line.
  unsigned flush_line(TimeNs now) {
    unsigned total = 0;
    while (true) {
      std::array<rte_mbuf*, kBurst> burst;
      const unsigned n = line_.pop_due_burst(now, burst.data(), kBurst);
      if (n == 0) return total;
      const unsigned sent = transmit_burst(burst.data(), n);
      total += sent;
      if (sent < n) {
        line_.unpop(n - sent);  // retried later, still in order at the line's head
        back_off_if_full(now, sent);
        return total;
      }
      if (n < kBurst) return total;
    }
  }
  unsigned flush_merged(TimeNs now) {
    unsigned total = 0;
    while (true) {
      std::array<rte_mbuf*, kBurst> burst;
      std::array<HeldFrames<rte_mbuf*>::Entry, kBurst> from_held;  // .item null: from the line
      unsigned n = 0;
      while (n < kBurst) {
        if (!held_.empty() && held_.next_release() <= now &&
            held_.next_release() < line_.next_release()) {
          held_.pop(from_held[n]);
          burst[n] = from_held[n].item;
          ++n;
        } else if (line_.pop_due(now, burst[n])) {
          from_held[n].item = nullptr;
          ++n;
        } else {
          break;
        }
      }
      if (n == 0) return total;
      const unsigned sent = transmit_burst(burst.data(), n);
      total += sent;
      if (sent < n) {
        // Retried next iteration, in the same order: the refused line frames are the last
        // ones popped from it (still in order at its head); held ones go back to the heap.
        unsigned from_line = 0;
        for (unsigned i = sent; i < n; ++i) {
          if (from_held[i].item == nullptr) {
            ++from_line;
          } else {
            held_.put(from_held[i]);  // room: it came out of the heap in this burst
          }
        }
        line_.unpop(from_line);
        back_off_if_full(now, sent);
        return total;
      }
    }
  }
  // One tx burst with capture and counters; returns how many the device took.
  unsigned transmit_burst(rte_mbuf** burst, unsigned n) {
    if (capture_ != nullptr) capture_->record(port_, queue_, burst, n);
    const std::uint16_t sent = rte_eth_tx_burst(port_, queue_, burst, static_cast<std::uint16_t>(n));
    for (unsigned i = 0; i < sent; ++i) counters_.bytes += burst[i]->pkt_len;
    counters_.frames += sent;
    if (sent < n) ++counters_.device_busy;
    return sent;
  }
  // After a burst the device refused entirely (partly taken bursts retry at once).
  void back_off_if_full(TimeNs now, unsigned sent) {
    if (sent == 0) retry_at_ = now + kFullDeviceBackoff;
  }

  bool put(TimeNs release, rte_mbuf* m) {
    if (line_.push(release, m)) return true;
    ++counters_.line_full_drops;
    return false;
  }
  bool send_with_faults(TimeNs done, rte_mbuf* m) {
    const std::uint32_t len = rte_pktmbuf_data_len(m);
    const TimeNs tx = serialization_ns(wire::wire_bytes(len), rate_);
    const faults::Verdict v = faults_->judge(
        done - tx - fault_epoch_, std::span<const std::uint8_t>(rte_pktmbuf_mtod(m, const std::uint8_t*), len), tx);
    if (!v.delivered()) {
      ++counters_.fault_freed;
      rte_pktmbuf_free(m);
      return true;
    }
    rte_mbuf* dup = nullptr;
    if (v.duplicate) {
      dup = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);  // unaltered: copied before corruption
      if (dup != nullptr) {
        ++counters_.fault_copies;
      } else {
        ++counters_.fault_copy_failures;
      }
    }
    faults::Injector::apply(v, std::span<std::uint8_t>(rte_pktmbuf_mtod(m, std::uint8_t*), len));
    const TimeNs release = done + delay_ + v.extra_delay;
    bool ok = true;
    if (v.extra_delay > 0 && held_.hold(release, m)) {
      if (dup != nullptr && !held_.hold(release, dup)) rte_pktmbuf_free(dup);
      return true;
    }
    if (v.extra_delay > 0) {
      ++counters_.reorder_full;
      ok = put(done + delay_, m);
    } else {
      ok = put(release, m);
    }
    if (dup != nullptr && !(ok && put(done + delay_, dup))) rte_pktmbuf_free(dup);
    return ok;
  }

  std::uint16_t port_;
  std::uint16_t queue_;
  BitsPerSec rate_;
  TimeNs delay_;
  TimeNs catch_up_;
  TimeNs free_at_ = 0;
  TimeNs retry_at_ = 0;  // no flush before this (kFullDeviceBackoff)
  bool idle_ = false;  // idle_at() since the last frame: no catch-up
  PcapngCapture* capture_ = nullptr;
  DelayLine<rte_mbuf*> line_;
  HeldFrames<rte_mbuf*> held_;
  std::optional<faults::Injector> faults_;
  TimeNs fault_epoch_ = kNever;
  EgressCounters counters_{};
};

}  // namespace ptcp::dpdk
