// Fixed-size frame buffers addressed by index, one pool for a whole network: the sending host
// writes a frame into a buffer, devices and channels carry a FrameRef (pool, index, length) to
// the peer, switches queue that very buffer (its index is the core switch's opaque Handle) and
// stamp it in place, and the receiving host parses it and frees it. No frame is copied between
// two of our nodes. Buffers live in slabs that never move, so spans into them stay valid while
// the pool grows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace ptcp::ns3sim {

class BufferPool {
 public:
  // Small slabs: memory for about the frames in flight, not for thousands. The sequence of
  // indices handed out does not depend on the slab size.
  explicit BufferPool(std::size_t buffer_bytes, std::size_t per_slab = 64);

  std::uint32_t Alloc();  // grows by a slab when empty
  // Throws std::logic_error on an index that is not allocated (freed twice, or never handed
  // out): two owners of one buffer would otherwise corrupt each other's frames silently.
  // Once per frame (the receiver frees it), not once per hop.
  void Free(std::uint32_t index);
  std::uint8_t* Data(std::uint32_t index) {
    return slabs_[index / per_slab_].get() + (index % per_slab_) * buffer_bytes_;
  }
  std::size_t BufferBytes() const { return buffer_bytes_; }
  // Raises the buffer size to at least `bytes` while nothing has been allocated yet (nodes are
  // installed before the simulation runs). Throws std::logic_error once buffers exist and are
  // too small: they cannot be resized under the frames that live in them.
  void EnsureBufferBytes(std::size_t bytes);
  std::size_t InUse() const { return slabs_.size() * per_slab_ - free_.size(); }
  std::size_t Capacity() const { return slabs_.size() * per_slab_; }

 private:
  std::size_t buffer_bytes_;
  std::size_t per_slab_;
  std::vector<std::unique_ptr<std::uint8_t[]>> slabs_;
  std::vector<std::uint32_t> free_;
  std::vector<bool> allocated_;
};

// A frame in a pool buffer, passed by value from node to device to channel to node. Whoever
// holds it last frees it (the receiving node, or a device that loses or refuses it).
struct FrameRef {
  BufferPool* pool = nullptr;
  std::uint32_t index = 0;
  std::uint32_t len = 0;

  std::uint8_t* Data() const { return pool->Data(index); }
  std::span<std::uint8_t> Bytes() const { return {pool->Data(index), len}; }
  void Free() const { pool->Free(index); }
};

// A new buffer in `into` holding a copy of `frame`'s bytes (a duplicate, or a frame moving to
// another pool). `frame.len` must fit `into`'s buffers.
FrameRef CopyFrame(const FrameRef& frame, BufferPool& into);

}  // namespace ptcp::ns3sim
