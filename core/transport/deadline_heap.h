// A binary min-heap of (deadline, id) with one entry per id and O(log n) update and removal:
// the host keeps one for pacing (when may this flow send next) and one for timers (RTO and the
// CC's own timers). Ids are small dense integers (flow slots); positions are kept per id so a
// changed deadline moves its entry instead of adding a stale one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "common/units.h"

namespace ptcp::transport {

class DeadlineHeap {
 public:
  static constexpr std::uint32_t kAbsent = std::numeric_limits<std::uint32_t>::max();

  // Ids below `n` may be used. Allocates; call when flows are created.
  void reserve_ids(std::size_t n) {
    if (pos_.size() < n) pos_.resize(n, kAbsent);
    if (heap_.capacity() < n) heap_.reserve(n);
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  TimeNs top_time() const { return heap_.empty() ? kNever : heap_[0].t; }
  std::uint32_t top_id() const { return heap_[0].id; }
  bool contains(std::uint32_t id) const { return id < pos_.size() && pos_[id] != kAbsent; }

  // Inserts, moves or (for t == kNever) removes the id's deadline.
  void set(std::uint32_t id, TimeNs t) {
    if (t == kNever) {
      remove(id);
      return;
    }
    std::uint32_t i = pos_[id];
    if (i == kAbsent) {
      i = static_cast<std::uint32_t>(heap_.size());
      heap_.push_back({t, id});
      up(i, {t, id});
      return;
    }
    const TimeNs old = heap_[i].t;
    if (t == old) return;
    if (t < old) {
      up(i, {t, id});
    } else {
      down(i, {t, id});
    }
  }

  void remove(std::uint32_t id) {
    if (!contains(id)) return;
    const std::uint32_t i = pos_[id];
    pos_[id] = kAbsent;
    const std::uint32_t last = static_cast<std::uint32_t>(heap_.size() - 1);
    if (i != last) {
      // Move the last entry into the hole, then restore order in whichever direction it needs.
      const Entry moved = heap_[last];
      heap_.pop_back();
      up(i, moved);
      down(pos_[moved.id], moved);
    } else {
      heap_.pop_back();
    }
  }

  std::uint32_t pop() {
    const std::uint32_t id = heap_[0].id;
    remove(id);
    return id;
  }

 private:
  struct Entry {
    TimeNs t;
    std::uint32_t id;
  };

  void place(std::uint32_t i, const Entry& e) {
    heap_[i] = e;
    pos_[e.id] = i;
  }
  // Both move entry `e`, which belongs at (or is) position i, up or down to its place. The
  // entry is passed in registers: reading it back from heap_ right after it was stored stalls
  // (a 16-byte load over a fresh 12-byte store), which the per-packet path felt.
  void up(std::uint32_t i, const Entry e) {
    while (i > 0) {
      const std::uint32_t parent = (i - 1) / 2;
      if (heap_[parent].t <= e.t) break;
      place(i, heap_[parent]);
      i = parent;
    }
    place(i, e);
  }
  void down(std::uint32_t i, const Entry e) {
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t child = 2 * std::size_t{i} + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].t < heap_[child].t) ++child;
      if (heap_[child].t >= e.t) break;
      place(i, heap_[child]);
      i = static_cast<std::uint32_t>(child);
    }
    place(i, e);
  }

  std::vector<Entry> heap_;
  std::vector<std::uint32_t> pos_;
};

}  // namespace ptcp::transport
