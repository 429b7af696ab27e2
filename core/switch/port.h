// One egress port: a high-priority control FIFO ahead of a data FIFO, the link's timing (a
// frame may start only when the previous one is off the wire), the PAUSE state received from
// the peer, INT stamping at dequeue, and the port's counters.
#pragma once

#include <cstdint>
#include <memory>

#include "common/units.h"
#include "switch/pfc.h"
#include "switch/switch.h"

namespace ptcp::sw {

__extension__ using Int128 = __int128;

// A queued packet: the backend's bytes and handle, plus what dequeue needs to know.
struct QueuedPacket {
  Handle handle = 0;
  std::uint8_t* data = nullptr;
  std::uint32_t len = 0;
  PortId in_port = 0;
  bool stamp_int = false;       // a data packet carrying an INT region
  PfcPool pool = PfcPool::kNone;  // where PFC accounting put it (kNone without PFC)
};

// A FIFO on a power-of-two ring that grows on demand and never shrinks: no allocation per
// packet once warmed up. 24 bytes (32-bit positions, wrapping), so that a port's two rings and
// queue lengths share one cache line.
class PacketRing {
 public:
  bool empty() const { return head_ == tail_; }
  std::size_t size() const { return tail_ - head_; }
  const QueuedPacket& front() const { return slots_[head_ & mask_]; }
  void push(const QueuedPacket& p) {
    if (slots_ == nullptr || size() == std::size_t{mask_} + 1) grow();
    slots_[tail_++ & mask_] = p;
  }
  QueuedPacket pop() { return slots_[head_++ & mask_]; }

 private:
  void grow();  // throws std::length_error beyond 2^31 packets
  std::unique_ptr<QueuedPacket[]> slots_;
  std::uint32_t mask_ = 0;
  std::uint32_t head_ = 0, tail_ = 0;
};

// What every packet through the port touches sits in its first two cache lines (queues, link
// timing, ECN thresholds), the counters it bumps in the third: in a large network a port is cold
// when its next packet comes, and each line is a miss. (Was five or six lines.)
class alignas(64) EgressPort {
 public:
  explicit EgressPort(const PortConfig& cfg);

  const PortConfig& config() const { return cfg_; }
  const EcnThresholds& ecn() const { return ecn_; }
  std::uint64_t data_bytes() const { return data_bytes_; }
  std::uint64_t control_bytes() const { return control_bytes_; }
  std::uint64_t queue_bytes() const { return data_bytes_ + control_bytes_; }

  void enqueue_data(const QueuedPacket& p);
  void enqueue_control(const QueuedPacket& p);

  // The link is free at `now` (ns, rounded up); false while a frame is still being sent.
  bool link_free(TimeNs now) const;
  TimeNs link_free_at() const;
  // Occupies the link with `len` frame bytes starting at `now`; returns when the last bit
  // leaves (rounded up to a whole ns). Back-to-back frames are spaced by their serialization
  // time kept in 2^-32 ns, so rounding to whole nanoseconds never accumulates.
  TimeNs occupy_link(TimeNs now, std::size_t len);

  // The next packet allowed out at `now` (control first; data unless paused), removed from its
  // queue and INT-stamped, or false. Does not check the link.
  bool pop(TimeNs now, QueuedPacket& out, bool int_enabled);
  // Earliest time pop() could return something, ignoring the link (kNever if nothing).
  TimeNs next_eligible() const;

  // PAUSE received from the peer for our data (quanta 0 resumes).
  void pause(TimeNs now, std::uint16_t quanta);
  bool data_paused(TimeNs now) const { return now < paused_until_; }

 private:
  // Line 1.
  PacketRing control_, data_;
  std::uint64_t control_bytes_ = 0, data_bytes_ = 0;
  // Line 2.
  Int128 free_at_q32_ = 0;             // when the link finishes its frame, ns << 32
  std::uint64_t ns_per_byte_q32_ = 0;  // serialization time of a byte, ns << 32
  TimeNs paused_until_ = 0;
  EcnThresholds ecn_;                  // copy of cfg_.ecn
  std::uint32_t rate_mbps_ = 0;
  bool paced_ = true;                  // copy of cfg_.paced

 public:
  // Line 3 (the per-packet counters come first in PortCounters).
  alignas(64) PortCounters counters;

 private:
  PortConfig cfg_;
};

}  // namespace ptcp::sw
