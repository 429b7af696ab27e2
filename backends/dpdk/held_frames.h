// Frames held back on the emulated wire out of order ([faults] reordering): a fixed-capacity
// min-heap by release time, ties in the order they were held, so later frames on the same link
// overtake a held one. The delay line stays a FIFO; the egress merges both by release time.
// No allocation after construction.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/units.h"

namespace ptcp::dpdk {

template <typename T>
class HeldFrames {
 public:
  struct Entry {
    TimeNs release = 0;
    std::uint64_t seq = 0;  // hold order: equal release times leave in it
    T item{};
  };

  explicit HeldFrames(std::size_t capacity = 0) { heap_.reserve(capacity); cap_ = capacity; }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::size_t capacity() const { return cap_; }
  TimeNs next_release() const { return heap_.empty() ? kNever : heap_.front().release; }

  // False when full: the caller sends the frame in order instead.
  bool hold(TimeNs release, T item) { return put(Entry{release, seq_++, item}); }
  // Puts back an entry taken with pop() (a transmit the device refused), keeping its place.
  bool put(const Entry& e) {
    if (heap_.size() >= cap_) return false;
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), later);
    return true;
  }
  // The earliest entry (regardless of time; check next_release() first).
  bool pop(Entry& out) {
    if (heap_.empty()) return false;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    out = heap_.back();
    heap_.pop_back();
    return true;
  }

 private:
  static bool later(const Entry& a, const Entry& b) {
    return a.release != b.release ? a.release > b.release : a.seq > b.seq;
  }
  std::vector<Entry> heap_;
  std::size_t cap_ = 0;
  std::uint64_t seq_ = 0;
};

}  // namespace ptcp::dpdk
