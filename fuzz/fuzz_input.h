// Reads a fuzzer's bytes as a sequence of small values; past the end everything reads as zero,
// so a target never needs to check lengths (and short inputs still run the whole loop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>

namespace ptcp::fuzz {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::size_t remaining() const { return empty() ? 0 : size_ - pos_; }
  std::uint8_t u8() { return empty() ? 0 : data_[pos_++]; }
  std::uint16_t u16() { return static_cast<std::uint16_t>((u8() << 8) | u8()); }
  std::uint32_t u32() { return (static_cast<std::uint32_t>(u16()) << 16) | u16(); }
  std::uint64_t u64() { return (static_cast<std::uint64_t>(u32()) << 32) | u32(); }
  // Up to `n` bytes (fewer at the end).
  std::span<const std::uint8_t> bytes(std::size_t n) {
    const std::size_t k = n < remaining() ? n : remaining();
    const std::span<const std::uint8_t> s(data_ + pos_, k);
    pos_ += k;
    return s;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// A crash the fuzzer reports: an invariant of ours that does not hold.
[[noreturn]] inline void invariant_failed(const char* what) {
  std::fprintf(stderr, "invariant failed: %s\n", what);
  __builtin_trap();
}
#define PTCP_FUZZ_CHECK(cond) \
  do {                        \
    if (!(cond)) ::ptcp::fuzz::invariant_failed(#cond); \
  } while (0)

}  // namespace ptcp::fuzz
