#include "model/buffer-pool.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace ptcp::ns3sim {

BufferPool::BufferPool(std::size_t buffer_bytes, std::size_t per_slab)
    : buffer_bytes_(buffer_bytes), per_slab_(per_slab == 0 ? 1 : per_slab) {}

void BufferPool::EnsureBufferBytes(std::size_t bytes) {
  if (bytes <= buffer_bytes_) return;
  if (!slabs_.empty()) {
    throw std::logic_error("BufferPool: frames of " + std::to_string(bytes) +
                           " bytes need larger buffers than the " +
                           std::to_string(buffer_bytes_) +
                           " already in use; install every node before the simulation runs");
  }
  buffer_bytes_ = bytes;
}

std::uint32_t BufferPool::Alloc() {
  if (free_.empty()) {
    const std::size_t base = slabs_.size() * per_slab_;
    // Not zeroed: every buffer is written before it is read, and zeroing touched the whole
    // slab (it made each switch resident for 1024 full frames, 500 MB at k = 16).
    slabs_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(buffer_bytes_ * per_slab_));
    // Hand out low indices first so a run's memory layout is deterministic.
    for (std::size_t i = per_slab_; i-- > 0;) free_.push_back(static_cast<std::uint32_t>(base + i));
    allocated_.resize(base + per_slab_, false);
  }
  const std::uint32_t idx = free_.back();
  free_.pop_back();
  allocated_[idx] = true;
  return idx;
}

void BufferPool::Free(std::uint32_t index) {
  if (index >= allocated_.size() || !allocated_[index]) {
    throw std::logic_error("BufferPool: buffer " + std::to_string(index) +
                           (index >= allocated_.size() ? " was never handed out"
                                                       : " freed twice"));
  }
  allocated_[index] = false;
  free_.push_back(index);
}

FrameRef CopyFrame(const FrameRef& frame, BufferPool& into) {
  const FrameRef copy{&into, into.Alloc(), frame.len};
  std::memcpy(copy.Data(), frame.Data(), frame.len);
  return copy;
}

}  // namespace ptcp::ns3sim
