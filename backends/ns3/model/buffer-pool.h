// Fixed-size frame buffers for a switch's queued packets, addressed by index (the core
// switch's opaque Handle). Buffers live in slabs that never move, so the byte spans the switch
// holds stay valid while the pool grows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace ptcp::ns3sim {

class BufferPool {
 public:
  // Small slabs: a switch holds memory for about its deepest queue, not for 1024 frames. The
  // sequence of indices handed out does not depend on the slab size.
  explicit BufferPool(std::size_t buffer_bytes, std::size_t per_slab = 64);

  std::size_t Alloc();  // grows by a slab when empty
  void Free(std::size_t index) { free_.push_back(index); }
  std::uint8_t* Data(std::size_t index) {
    return slabs_[index / per_slab_].get() + (index % per_slab_) * buffer_bytes_;
  }
  std::size_t BufferBytes() const { return buffer_bytes_; }
  std::size_t InUse() const { return slabs_.size() * per_slab_ - free_.size(); }
  std::size_t Capacity() const { return slabs_.size() * per_slab_; }

 private:
  std::size_t buffer_bytes_;
  std::size_t per_slab_;
  std::vector<std::unique_ptr<std::uint8_t[]>> slabs_;
  std::vector<std::size_t> free_;
};

}  // namespace ptcp::ns3sim
