// The full per-packet path of the transport: the sender emits a data frame (payload fill,
// headers, checksum), the receiver parses and verifies it and emits an ACK, the sender parses
// the ACK and runs its CC. Reported per packet, as a ratio to 123 ns (one 1500-byte frame at
// 100 Gb/s: the budget of one core at line rate), with heap allocations per packet counted by
// replacing the global operator new in this executable.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "cc/registry.h"
#include "transport/host.h"
#include "transport/payload.h"
#include "wire/checksum.h"
#include "wire/format.h"

namespace {
std::uint64_t g_allocations = 0;
}  // namespace

[[gnu::noinline]] void* operator new(std::size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using namespace ptcp;

// The cheapest possible CC: a constant window, no pacing. Isolates the transport's own cost.
class ConstantCc final : public cc::CongestionControl {
 public:
  ConstantCc() {
    cwnd_ = 1e9;
    pacing_ = 0;
  }
  void on_ack(const cc::AckEvent& ev) override { acked_ += ev.bytes_acked; }

 private:
  std::uint64_t acked_ = 0;
};

cc::Algorithm constant_algorithm() {
  cc::Algorithm a;
  a.name = "constant";
  a.make = [](const cc::FlowContext&, const cc::ParamValues&) {
    return std::make_unique<ConstantCc>();
  };
  return a;
}

enum class Algo { kConstant, kPowerTcp };

// args: algorithm, payload fill+verify (0/1), INT (0 none, 1 region with 5 hops stamped)
void BM_FullPath(benchmark::State& state) {
  const auto which = static_cast<Algo>(state.range(0));
  const bool verify = state.range(1) != 0;
  const bool with_int = state.range(2) != 0;

  static const cc::Algorithm constant = constant_algorithm();
  const cc::Algorithm* algo = &constant;
  cc::ParamValues params;
  if (which == Algo::kPowerTcp) {
    algo = cc::Registry::global().find("powertcp");
    if (algo == nullptr) {
      state.SkipWithError("powertcp is not registered");
      return;
    }
    if (cc::resolve_params(*algo, {}, params)) {
      state.SkipWithError("powertcp default parameters do not resolve");
      return;
    }
  }
  transport::HostConfig c;
  c.link_rate = gbps(100);
  c.payload_bytes = 1000;
  c.int_enabled = with_int;
  c.verify_payload = verify;
  c.base_rtt = 10 * kNsPerUs;
  c.algorithm = algo;
  c.cc_params = params;
  transport::HostConfig rc = c;
  rc.node_index = 1;
  transport::Host tx(c), rx(rc);
  std::vector<std::uint8_t> buf(tx.max_frame_len());
  tx.start_flow(0, {1, 1, std::uint64_t{1} << 50});

  // Each iteration advances time by the frame's time at 10 Gb/s, so pacing (PowerTCP paces at
  // cwnd / tau) never holds the sender back, and the INT hops look like a busy 10G link.
  constexpr ptcp::TimeNs kStep = 930;
  ptcp::TimeNs now = 0;
  std::uint32_t tx_bytes = 0;
  std::uint64_t stalls = 0;
  auto one_packet = [&]() -> bool {
    now += kStep;
    std::size_t n = tx.next_frame(now, buf);
    if (n == 0) {
      ++stalls;
      now = std::max(now, tx.next_wakeup());
      n = tx.next_frame(now, buf);
      if (n == 0) return false;
    }
    if (with_int) {
      tx_bytes += static_cast<std::uint32_t>(n);
      for (std::uint32_t h = 0; h < 5; ++h) {
        wire::push_int_hop({buf.data(), n}, {0, tx_bytes, static_cast<std::uint32_t>(now), 10'000});
      }
    }
    rx.on_frame(now, {buf.data(), n});
    const std::size_t m = rx.next_frame(now, buf);
    if (m == 0) return false;
    tx.on_frame(now, {buf.data(), m});
    return true;
  };
  for (int i = 0; i < 10'000; ++i) {  // warm up: flows created, CC settled
    if (!one_packet()) {
      state.SkipWithError("the path stalled during warm-up");
      return;
    }
  }
  stalls = 0;
  const std::uint64_t allocs_before = g_allocations;
  for (auto _ : state) {
    if (!one_packet()) {
      state.SkipWithError("the path stalled");
      break;
    }
  }
  const double iters = static_cast<double>(state.iterations());
  state.counters["allocs_per_packet"] = static_cast<double>(g_allocations - allocs_before) / iters;
  state.counters["stalls_per_packet"] = static_cast<double>(stalls) / iters;
  state.counters["ratio_to_123ns"] = benchmark::Counter(
      iters * 123e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  if (rx.counters().payload_errors != 0) state.SkipWithError("payload errors");
}
BENCHMARK(BM_FullPath)
    ->ArgNames({"cc_powertcp", "verify", "int5"})
    ->Args({0, 0, 0})
    ->Args({0, 1, 0})
    ->Args({0, 0, 1})
    ->Args({0, 1, 1})
    ->Args({1, 0, 1})
    ->Args({1, 1, 1});

void BM_PayloadFillVerify1000(benchmark::State& state) {
  std::vector<std::uint8_t> buf(1000);
  std::uint64_t offset = 0;
  std::uint64_t bad = 0;
  for (auto _ : state) {
    transport::fill_payload(3, offset, buf.data(), buf.size());
    bad += transport::verify_payload(3, offset, buf.data(), buf.size());
    offset += 1000;
    benchmark::ClobberMemory();
  }
  if (bad != 0) state.SkipWithError("verify failed");
}
BENCHMARK(BM_PayloadFillVerify1000);

// What the host runs per data packet with verification on: the fused passes (payload.h), each
// returning the payload's checksum sum, so no separate checksum pass is needed.
void BM_PayloadFillVerifySummed1000(benchmark::State& state) {
  std::vector<std::uint8_t> buf(1000);
  std::uint64_t offset = 0;
  std::uint64_t bad = 0, mismatched_sums = 0;
  for (auto _ : state) {
    const std::uint64_t sent = transport::fill_payload_summed(3, offset, buf.data(), buf.size());
    std::uint64_t got = 0;
    bad += transport::verify_payload_summed(3, offset, buf.data(), buf.size(), got);
    mismatched_sums += wire::checksum_finish(sent) != wire::checksum_finish(got);
    offset += 1000;
    benchmark::ClobberMemory();
  }
  if (bad != 0 || mismatched_sums != 0) state.SkipWithError("verify or sums failed");
}
BENCHMARK(BM_PayloadFillVerifySummed1000);

// In-run baseline: copying one 1078-byte frame (1000-byte payload, no INT) once. The full path
// touches each payload byte about twice (sender writes, receiver reads), so about 2 of these
// is the floor of a design that looks at every byte.
void BM_BaselineMemcpyFrame(benchmark::State& state) {
  std::vector<std::uint8_t> src(1078, 0x5a), dst(1078);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_BaselineMemcpyFrame);

}  // namespace

BENCHMARK_MAIN();
