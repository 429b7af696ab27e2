// The switch's shared packet memory and Dynamic Thresholds (Choudhury & Hahne): a queue may
// grow to alpha * (free buffer), so one busy queue cannot starve the others, and the limit
// tightens as the buffer fills.
#pragma once

#include <cstdint>

namespace ptcp::sw {

class SharedBuffer {
 public:
  SharedBuffer(std::uint64_t total_bytes, double alpha) : total_(total_bytes), alpha_(alpha) {}

  // The current DT limit for any one queue.
  double threshold() const { return alpha_ * static_cast<double>(total_ - used_); }
  // Whether a queue now holding `queue_bytes` may take `len` more bytes.
  bool dt_admits(std::uint64_t queue_bytes, std::uint64_t len) const {
    return used_ + len <= total_ && static_cast<double>(queue_bytes + len) <= threshold();
  }
  void add(std::uint64_t len) { used_ += len; }
  void remove(std::uint64_t len) { used_ -= len; }

  std::uint64_t used() const { return used_; }
  std::uint64_t total() const { return total_; }
  double alpha() const { return alpha_; }

 private:
  std::uint64_t total_ = 0;
  std::uint64_t used_ = 0;
  double alpha_ = 1.0;
};

}  // namespace ptcp::sw
