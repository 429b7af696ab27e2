#include "transport/payload.h"

#include <bit>
#include <cstring>

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

}  // namespace

std::uint8_t payload_byte(std::uint32_t flow_id, std::uint64_t offset) {
  return byte_of(word_at(flow_key(flow_id), offset >> 3), offset);
}

void fill_payload(std::uint32_t flow_id, std::uint64_t offset, std::uint8_t* dst,
                  std::size_t len) {
  const std::uint64_t key = flow_key(flow_id);
  std::size_t i = 0;
  // Head: up to the next 8-byte boundary of the stream.
  for (; i < len && ((offset + i) & 7) != 0; ++i) {
    dst[i] = byte_of(word_at(key, (offset + i) >> 3), offset + i);
  }
  std::uint64_t word = word_at(key, (offset + i) >> 3);
  for (; i + 8 <= len; i += 8, word += kStep) {
    const std::uint64_t le = to_le(word);
    std::memcpy(dst + i, &le, 8);
  }
  for (; i < len; ++i) dst[i] = byte_of(word, offset + i);
}

std::uint64_t verify_payload(std::uint32_t flow_id, std::uint64_t offset, const std::uint8_t* src,
                             std::size_t len) {
  const std::uint64_t key = flow_key(flow_id);
  std::uint64_t bad = 0;
  std::size_t i = 0;
  for (; i < len && ((offset + i) & 7) != 0; ++i) {
    bad += src[i] != byte_of(word_at(key, (offset + i) >> 3), offset + i);
  }
  // Fast path: OR together the differences of whole words; count bytes only on a mismatch.
  const std::size_t body_start = i;
  std::uint64_t word = word_at(key, (offset + i) >> 3);
  std::uint64_t diff = 0;
  for (; i + 8 <= len; i += 8, word += kStep) {
    std::uint64_t got;
    std::memcpy(&got, src + i, 8);
    diff |= got ^ to_le(word);
  }
  if (diff != 0) {
    for (std::size_t j = body_start; j < i; ++j) {
      bad += src[j] != payload_byte(flow_id, offset + j);
    }
  }
  for (; i < len; ++i) bad += src[i] != byte_of(word, offset + i);
  return bad;
}

}  // namespace ptcp::transport
