// A FIFO ring of trivially copyable items over one power-of-two array. Push and pop never
// allocate; only grow() (called when flows are created, never per packet) does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ptcp::transport {

template <typename T>
class Ring {
 public:
  explicit Ring(std::size_t capacity = 16) { grow(capacity); }

  bool empty() const { return head_ == tail_; }
  std::size_t size() const { return tail_ - head_; }
  std::size_t capacity() const { return items_.size(); }
  bool full() const { return size() == items_.size(); }

  // Returns false (and stores nothing) when the ring is full.
  bool push(const T& v) {
    if (full()) return false;
    items_[tail_++ & mask_] = v;
    return true;
  }
  // Returns a slot to fill in place (avoids copying a large item twice), or null when full.
  T* push_slot() {
    if (full()) return nullptr;
    return &items_[tail_++ & mask_];
  }
  // push_slot() on a ring that starts small and doubles when full, up to `limit` items
  // (rounded up to a power of two, as the constructor rounds): memory follows the deepest
  // backlog actually seen instead of the worst case, and allocation stops once warmed up.
  // Null only when `limit` items are queued.
  T* push_slot_growing(std::size_t limit) {
    if (full() && items_.size() < limit) grow(items_.size() * 2);
    return push_slot();
  }
  T& front() { return items_[head_ & mask_]; }
  const T& front() const { return items_[head_ & mask_]; }
  void pop() { ++head_; }

  // Makes room for at least `n` items, keeping the order.
  void grow(std::size_t n) {
    std::size_t cap = 1;
    while (cap < n) cap <<= 1;
    if (cap <= items_.size()) return;
    std::vector<T> bigger(cap);
    const std::size_t count = size();
    for (std::size_t i = 0; i < count; ++i) bigger[i] = items_[(head_ + i) & mask_];
    items_.swap(bigger);
    mask_ = cap - 1;
    head_ = 0;
    tail_ = count;
  }

 private:
  std::vector<T> items_;
  std::size_t mask_ = 0;
  std::size_t head_ = 0;  // free-running counters; index with & mask_
  std::size_t tail_ = 0;
};

}  // namespace ptcp::transport
