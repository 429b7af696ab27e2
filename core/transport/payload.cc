#include "transport/payload.h"

#include <bit>
#include <cstring>
#include <span>

#include "wire/checksum.h"
#include "wire/checksum_vector.h"

namespace ptcp::transport {
namespace {

constexpr std::uint64_t kStep = 0x9e3779b97f4a7c15ull;  // odd: consecutive words all differ

// A well-mixed per-flow starting point (splitmix64 finalizer), so flows with close ids do not
// share content at shifted offsets.
constexpr std::uint64_t flow_key(std::uint32_t flow_id) {
  std::uint64_t z = std::uint64_t{flow_id} + 0x6a09e667f3bcc909ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t word_at(std::uint64_t key, std::uint64_t w) { return key + w * kStep; }

constexpr std::uint8_t byte_of(std::uint64_t word, std::uint64_t offset) {
  return static_cast<std::uint8_t>(word >> (8 * (offset & 7)));
}

inline std::uint64_t to_le(std::uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    return v;
  } else {
    return __builtin_bswap64(v);
  }
}

// A few head or tail bytes (often none: skip the call).
std::uint64_t sum_bytes(const std::uint8_t* p, std::size_t n) {
  return n == 0 ? 0 : wire::checksum_add(0, {p, n});
}

constexpr bool kVectorPath = std::endian::native == std::endian::little;

// Bytes before the stream's next 8-byte boundary (at most 7).
std::size_t head_len(std::uint64_t offset, std::size_t len) {
  const std::size_t h = static_cast<std::size_t>((8 - (offset & 7)) & 7);
  return h < len ? h : len;
}

// The checksum sum of a payload from the sums of its head (starting at an even offset) and of
// the rest (summed as if even): the rest starts at an odd offset when the head is odd.
std::uint64_t join_sums(std::uint64_t head, std::size_t head_bytes, std::uint64_t rest) {
  return wire::checksum_combine(head, (head_bytes & 1) != 0 ? wire::checksum_shift_odd(rest) : rest);
}

// The vector loops' expected stream: 8 consecutive words as four 16-byte vectors, advanced 8
// words per step.
struct WordLanes {
  explicit WordLanes(std::uint64_t word) {
    const wire::U64x2 two = {2 * kStep, 2 * kStep};
    w0 = wire::U64x2{word, word + kStep};
    w1 = w0 + two;
    w2 = w1 + two;
    w3 = w2 + two;
  }
  void advance() {
    const wire::U64x2 eight = {8 * kStep, 8 * kStep};
    w0 += eight;
    w1 += eight;
    w2 += eight;
    w3 += eight;
  }
  std::uint64_t next_word() const { return w0[0]; }
  wire::U64x2 w0, w1, w2, w3;
};

// Four independent checksum accumulators (no carry chain from one vector to the next).
struct SumLanes {
  void add(wire::U64x2 a, wire::U64x2 b, wire::U64x2 c, wire::U64x2 d) {
    s0 = wire::checksum_add_u64x2(s0, a);
    s1 = wire::checksum_add_u64x2(s1, b);
    s2 = wire::checksum_add_u64x2(s2, c);
    s3 = wire::checksum_add_u64x2(s3, d);
  }
  std::uint64_t fold() const {
    return wire::checksum_from_u64x2(s0) + wire::checksum_from_u64x2(s1) +
           wire::checksum_from_u64x2(s2) + wire::checksum_from_u64x2(s3);
  }
  wire::U64x2 s0{}, s1{}, s2{}, s3{};
};

// The body: whole stream words starting at `word`, `n` a multiple of 8. With kSum, returns the
// running checksum sum of the bytes written (native loads of them are the little-endian words).
template <bool kSum>
std::uint64_t fill_words(std::uint64_t word, std::uint8_t* dst, std::size_t n) {
  std::size_t i = 0;
  std::uint64_t sum = 0;
  if constexpr (kVectorPath) {
    WordLanes w(word);
    SumLanes sums;
    for (; i + 64 <= n; i += 64) {
      wire::store_u64x2(dst + i, w.w0);
      wire::store_u64x2(dst + i + 16, w.w1);
      wire::store_u64x2(dst + i + 32, w.w2);
      wire::store_u64x2(dst + i + 48, w.w3);
      if constexpr (kSum) sums.add(w.w0, w.w1, w.w2, w.w3);
      w.advance();
    }
    word = w.next_word();
    if constexpr (kSum) sum = sums.fold();
  }
  for (; i < n; i += 8, word += kStep) {
    const std::uint64_t le = to_le(word);
    std::memcpy(dst + i, &le, 8);
    if constexpr (kSum) sum = wire::checksum_add_word(sum, le);
  }
  return sum;
}

template <bool kSum>
std::uint64_t fill(std::uint32_t flow_id, std::uint64_t offset, std::uint8_t* dst,
                   std::size_t len) {
  const std::uint64_t key = flow_key(flow_id);
  const std::size_t head = head_len(offset, len);
  for (std::size_t i = 0; i < head; ++i) {
    dst[i] = byte_of(word_at(key, (offset + i) >> 3), offset + i);
  }
  const std::size_t body = (len - head) & ~std::size_t{7};
  std::uint64_t word = word_at(key, (offset + head) >> 3);
  const std::uint64_t body_sum = fill_words<kSum>(word, dst + head, body);
  word += (body / 8) * kStep;
  for (std::size_t i = head + body; i < len; ++i) dst[i] = byte_of(word, offset + i);
  if constexpr (!kSum) return 0;
  const std::uint64_t tail_sum = sum_bytes(dst + head + body, len - head - body);
  return join_sums(sum_bytes(dst, head), head,
                   wire::checksum_combine(body_sum, tail_sum));
}

// The body of a verify: whole words; `diff` gathers the XOR of every word with its expected
// value (non-zero on any mismatch).
template <bool kSum>
std::uint64_t verify_words(std::uint64_t word, const std::uint8_t* src, std::size_t n,
                           std::uint64_t& diff) {
  std::size_t i = 0;
  std::uint64_t sum = 0;
  if constexpr (kVectorPath) {
    WordLanes w(word);
    SumLanes sums;
    wire::U64x2 d{};
    for (; i + 64 <= n; i += 64) {
      const wire::U64x2 g0 = wire::load_u64x2(src + i);
      const wire::U64x2 g1 = wire::load_u64x2(src + i + 16);
      const wire::U64x2 g2 = wire::load_u64x2(src + i + 32);
      const wire::U64x2 g3 = wire::load_u64x2(src + i + 48);
      d |= (g0 ^ w.w0) | (g1 ^ w.w1) | (g2 ^ w.w2) | (g3 ^ w.w3);
      if constexpr (kSum) sums.add(g0, g1, g2, g3);
      w.advance();
    }
    word = w.next_word();
    diff |= d[0] | d[1];
    if constexpr (kSum) sum = sums.fold();
  }
  for (; i < n; i += 8, word += kStep) {
    std::uint64_t got;
    std::memcpy(&got, src + i, 8);
    diff |= got ^ to_le(word);
    if constexpr (kSum) sum = wire::checksum_add_word(sum, got);
  }
  return sum;
}

template <bool kSum>
std::uint64_t verify(std::uint32_t flow_id, std::uint64_t offset, const std::uint8_t* src,
                     std::size_t len, std::uint64_t& sum) {
  const std::uint64_t key = flow_key(flow_id);
  std::uint64_t bad = 0;
  const std::size_t head = head_len(offset, len);
  for (std::size_t i = 0; i < head; ++i) {
    bad += src[i] != byte_of(word_at(key, (offset + i) >> 3), offset + i);
  }
  // Fast path: OR together the differences of whole words; count bytes only on a mismatch.
  const std::size_t body = (len - head) & ~std::size_t{7};
  std::uint64_t word = word_at(key, (offset + head) >> 3);
  std::uint64_t diff = 0;
  const std::uint64_t body_sum = verify_words<kSum>(word, src + head, body, diff);
  if (diff != 0) {
    for (std::size_t j = head; j < head + body; ++j) {
      bad += src[j] != payload_byte(flow_id, offset + j);
    }
  }
  word += (body / 8) * kStep;
  for (std::size_t i = head + body; i < len; ++i) bad += src[i] != byte_of(word, offset + i);
  if constexpr (kSum) {
    const std::uint64_t tail_sum = sum_bytes(src + head + body, len - head - body);
    sum = join_sums(sum_bytes(src, head), head,
                    wire::checksum_combine(body_sum, tail_sum));
  }
  return bad;
}

}  // namespace

std::uint8_t payload_byte(std::uint32_t flow_id, std::uint64_t offset) {
  return byte_of(word_at(flow_key(flow_id), offset >> 3), offset);
}

void fill_payload(std::uint32_t flow_id, std::uint64_t offset, std::uint8_t* dst,
                  std::size_t len) {
  fill<false>(flow_id, offset, dst, len);
}

std::uint64_t fill_payload_summed(std::uint32_t flow_id, std::uint64_t offset, std::uint8_t* dst,
                                  std::size_t len) {
  return fill<true>(flow_id, offset, dst, len);
}

std::uint64_t verify_payload(std::uint32_t flow_id, std::uint64_t offset, const std::uint8_t* src,
                             std::size_t len) {
  std::uint64_t unused = 0;
  return verify<false>(flow_id, offset, src, len, unused);
}

std::uint64_t verify_payload_summed(std::uint32_t flow_id, std::uint64_t offset,
                                    const std::uint8_t* src, std::size_t len, std::uint64_t& sum) {
  return verify<true>(flow_id, offset, src, len, sum);
}

}  // namespace ptcp::transport
