// A fixed-capacity FIFO of (release time, item): frames wait here for their link's
// propagation delay. Entries are pushed in release order (one sender per link direction, a
// constant delay), so the head is always the next due. No allocation after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/units.h"

namespace ptcp::dpdk {

template <typename T>
class DelayLine {
 public:
  explicit DelayLine(std::size_t capacity) {
    std::size_t n = 1;
    while (n < capacity) n <<= 1;
    slots_.resize(n);
    mask_ = n - 1;
  }
  bool push(TimeNs release, T item) {
    // An empty line starts again at slot 0: lines sized for a fast link's minimum-size frames
    // are megabytes, and a FIFO walking all of them takes a cache miss every few pushes while
    // only a handful of entries are ever live. (unpop() needs no push since its pops: safe.)
    if (head_ == tail_) head_ = tail_ = 0;
    if (size() == slots_.size()) return false;
    slots_[tail_++ & mask_] = Slot{release, item};
    return true;
  }
  bool empty() const { return head_ == tail_; }
  std::size_t size() const { return static_cast<std::size_t>(tail_ - head_); }
  std::size_t capacity() const { return slots_.size(); }
  std::size_t head_slot() const { return static_cast<std::size_t>(head_ & mask_); }  // tests
  TimeNs next_release() const { return empty() ? kNever : slots_[head_ & mask_].release; }
  // The head if it is due at `now`.
  bool pop_due(TimeNs now, T& out) {
    if (empty() || slots_[head_ & mask_].release > now) return false;
    out = slots_[head_++ & mask_].item;
    return true;
  }
  // Up to `max` due items from the head into `out`; returns how many.
  unsigned pop_due_burst(TimeNs now, T* out, unsigned max) {
    unsigned n = 0;
    while (n < max && head_ != tail_) {
      const Slot& s = slots_[head_ & mask_];
      if (s.release > now) break;
      out[n++] = s.item;
      ++head_;
    }
    return n;
  }
  // The head regardless of time (shutdown).
  bool pop(T& out) {
    if (empty()) return false;
    out = slots_[head_++ & mask_].item;
    return true;
  }
  // Puts back the `n` most recently popped items (a transmit the device refused). Valid only
  // with no push() since those pops.
  void unpop(std::size_t n) { head_ -= n; }

 private:
  struct Slot {
    TimeNs release = 0;
    T item{};
  };
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::uint64_t head_ = 0, tail_ = 0;
};

}  // namespace ptcp::dpdk
