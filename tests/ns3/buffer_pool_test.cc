// The network's frame pool: sized before use, LIFO reuse (the buffer just freed is the next one
// handed out, still cached), copies for duplicates and foreign frames.
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/buffer-pool.h"

namespace ptcp::ns3sim {
namespace {

TEST(BufferPool, GrowsItsBufferSizeOnlyBeforeTheFirstAllocation) {
  BufferPool pool(60, 4);
  pool.EnsureBufferBytes(1538);
  pool.EnsureBufferBytes(100);  // never shrinks
  EXPECT_EQ(pool.BufferBytes(), 1538u);
  const std::uint32_t a = pool.Alloc();
  pool.EnsureBufferBytes(1538);  // already big enough: fine while in use
  EXPECT_THROW(pool.EnsureBufferBytes(1539), std::logic_error);
  EXPECT_EQ(pool.BufferBytes(), 1538u);
  pool.Free(a);
}

TEST(BufferPool, HandsBackTheBufferJustFreedAndCountsWhatIsInUse) {
  BufferPool pool(64, 2);
  const std::uint32_t a = pool.Alloc();
  const std::uint32_t b = pool.Alloc();
  const std::uint32_t c = pool.Alloc();  // a second slab
  EXPECT_EQ(std::vector<std::uint32_t>({a, b, c}), std::vector<std::uint32_t>({0, 1, 2}));
  EXPECT_EQ(pool.Capacity(), 4u);
  EXPECT_EQ(pool.InUse(), 3u);
  std::memset(pool.Data(a), 0xab, 64);
  pool.Data(c)[0] = 7;  // slabs never move: a's bytes survive the growth above
  EXPECT_EQ(pool.Data(a)[63], 0xab);
  pool.Free(b);
  EXPECT_EQ(pool.Alloc(), b);
  pool.Free(a);
  pool.Free(b);
  pool.Free(c);
  EXPECT_EQ(pool.InUse(), 0u);
}

TEST(BufferPool, FreeingABufferTwiceOrOneNeverHandedOutIsAnError) {
  BufferPool pool(64, 4);
  const std::uint32_t a = pool.Alloc();
  pool.Free(a);
  try {
    pool.Free(a);
    FAIL() << "second Free accepted";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("buffer 0 freed twice"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pool.Free(4), std::logic_error);  // beyond the one slab
  EXPECT_EQ(pool.InUse(), 0u);                   // the refused frees changed nothing
  EXPECT_EQ(pool.Alloc(), a);
}

TEST(BufferPool, CopyFrameGivesANewBufferWithTheSameBytes) {
  BufferPool from(128), into(256);
  const FrameRef f{&from, from.Alloc(), 100};
  for (std::uint32_t i = 0; i < f.len; ++i) f.Data()[i] = static_cast<std::uint8_t>(i * 3);
  const FrameRef copy = CopyFrame(f, into);
  EXPECT_EQ(copy.pool, &into);
  EXPECT_EQ(copy.len, 100u);
  EXPECT_EQ(std::memcmp(copy.Data(), f.Data(), 100), 0);
  copy.Data()[5] ^= 1;  // its own bytes
  EXPECT_EQ(f.Data()[5], 15);
  f.Free();
  copy.Free();
  EXPECT_EQ(from.InUse() + into.InUse(), 0u);
}

}  // namespace
}  // namespace ptcp::ns3sim
