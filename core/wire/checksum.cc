#include "wire/checksum.h"

#include "wire/checksum_vector.h"

#include <cstring>

namespace ptcp::wire {

// Four vector accumulators of 32-bit halves: no carry chain between steps (a plain
// add-with-carry loop ran 3x slower: one dependent carry per 8 bytes).
std::uint64_t checksum_add(std::uint64_t sum, std::span<const std::uint8_t> data) {
  // Blocks of at most 2^30 bytes: each adds below 2^59 to a lane, which is then reduced.
  constexpr std::size_t kBlock = std::size_t{1} << 30;
  const std::uint8_t* p = data.data();
  std::size_t n = data.size();
  std::uint64_t a = checksum_reduce(sum);
  while (n >= 64) {
    const std::size_t block = (n < kBlock ? n : kBlock) & ~std::size_t{63};
    const std::uint8_t* const end = p + block;
    U64x2 v0{}, v1{}, v2{}, v3{};
    for (; p != end; p += 64) {
      v0 = checksum_add_u64x2(v0, load_u64x2(p));
      v1 = checksum_add_u64x2(v1, load_u64x2(p + 16));
      v2 = checksum_add_u64x2(v2, load_u64x2(p + 32));
      v3 = checksum_add_u64x2(v3, load_u64x2(p + 48));
    }
    n -= block;
    a += checksum_from_u64x2(v0) + checksum_from_u64x2(v1) + checksum_from_u64x2(v2) +
         checksum_from_u64x2(v3);
    a = checksum_reduce(a);
  }
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    a = checksum_add_word(a, w);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    // The tail keeps its stream position inside a zero-padded word.
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    a = checksum_add_word(a, w);
  }
  return a;
}

}  // namespace ptcp::wire
