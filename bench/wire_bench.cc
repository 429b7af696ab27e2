// Serialize and parse one data packet with a full 5-hop INT stack and a 1000-byte payload
// (1162-byte frame): the per-packet wire cost paid once by the sender and once by the receiver.
#include <benchmark/benchmark.h>

#include <array>
#include <bit>
#include <cstring>
#include <vector>

#include "wire/checksum.h"
#include "wire/format.h"

namespace {

using namespace ptcp::wire;

FrameAddr addr() { return flow_addr(1, 2, 7); }

Segment data_with_int5() {
  Segment s;
  s.type = PacketType::kData;
  s.flags = flags::kHasInt;
  s.flow_id = 7;
  s.seq = 123'456'000;
  s.ts_ns = 987'654'321;
  s.payload_len = 1000;
  s.int_stack.n_hops = 5;
  for (std::uint32_t i = 0; i < 5; ++i) s.int_stack.hops[i] = {i * 1000, i * 77777, i * 5, 100000};
  return s;
}

void BM_SerializeData5Hops(benchmark::State& state) {
  std::vector<std::uint8_t> buf(2048, 0x5a);
  const FrameAddr a = addr();
  Segment s = data_with_int5();
  for (auto _ : state) {
    s.seq += 1000;
    benchmark::DoNotOptimize(finish_frame(buf, a, s, kEcnEct0));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_SerializeData5Hops);

void BM_ParseData5Hops(benchmark::State& state) {
  std::vector<std::uint8_t> buf(2048, 0x5a);
  const std::size_t len = finish_frame(buf, addr(), data_with_int5(), kEcnEct0);
  ParsedFrame f;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_frame({buf.data(), len}, f));
    benchmark::ClobberMemory();
  }
  if (parse_frame({buf.data(), len}, f) != ParseStatus::kOk || f.seg.int_stack.n_hops != 5) {
    state.SkipWithError("frame did not parse");
  }
}
BENCHMARK(BM_ParseData5Hops);

void BM_SerializeParseData5Hops(benchmark::State& state) {
  std::vector<std::uint8_t> buf(2048, 0x5a);
  const FrameAddr a = addr();
  Segment s = data_with_int5();
  ParsedFrame f;
  for (auto _ : state) {
    s.seq += 1000;
    const std::size_t len = finish_frame(buf, a, s, kEcnEct0);
    benchmark::DoNotOptimize(parse_frame({buf.data(), len}, f));
    benchmark::ClobberMemory();
  }
  state.counters["ratio_to_123ns"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 123e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SerializeParseData5Hops);

// The checksum dominates both serialize and parse (one pass over 1000 payload bytes each).
void BM_Checksum1000(benchmark::State& state) {
  std::vector<std::uint8_t> buf(1036);
  for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<std::uint8_t>(i * 131 + 7);
  for (auto _ : state) {
    benchmark::DoNotOptimize(internet_checksum(buf));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Checksum1000);

// For comparison only (not used by the core): RFC 1071 is byte-order independent, so summing
// native 64-bit loads as two 32-bit halves and byte-swapping the folded result gives the same
// checksum with a quarter of the work per byte.
std::uint16_t wide_checksum(const std::uint8_t* p, std::size_t n) {
  std::uint64_t sum = 0;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    sum += (w & 0xffffffffu) + (w >> 32);
  }
  for (; i + 2 <= n; i += 2) {
    std::uint16_t w;
    std::memcpy(&w, p + i, 2);
    sum += w;
  }
  if (i < n) sum += p[i];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  auto r = static_cast<std::uint16_t>(sum);
  if constexpr (std::endian::native == std::endian::little) r = __builtin_bswap16(r);
  return static_cast<std::uint16_t>(~r);
}

void BM_Checksum1000WideAlternative(benchmark::State& state) {
  std::vector<std::uint8_t> buf(1036);
  for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<std::uint8_t>(i * 131 + 7);
  for (std::size_t len : {buf.size(), buf.size() - 1, std::size_t{3}, std::size_t{0}}) {
    if (wide_checksum(buf.data(), len) != internet_checksum({buf.data(), len})) {
      state.SkipWithError("the wide checksum disagrees with wire::internet_checksum");
      return;
    }
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(wide_checksum(buf.data(), buf.size()));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Checksum1000WideAlternative);

}  // namespace

BENCHMARK_MAIN();
