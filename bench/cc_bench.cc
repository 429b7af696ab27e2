// One congestion-control update per algorithm (the per-ACK cost on the sender's fast path).
// Every algorithm is created through the registry with its defaults, as an experiment would.
// INT algorithms get a 5-hop stack whose counters advance like a loaded 100G path between
// ACKs (ts +80 ns, txBytes +1048 per hop, queues wandering), so each update does the full
// per-hop arithmetic on fresh deltas; advancing the counters costs a few adds per hop and is
// included in the figure.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <memory>

#include "cc/registry.h"
#include "wire/format.h"

namespace {

using namespace ptcp;

std::unique_ptr<cc::CongestionControl> make(const char* name, const cc::ParamValues& given = {}) {
  const cc::Algorithm* a = cc::Registry::global().find(name);
  cc::ParamValues p;
  if (a == nullptr || cc::resolve_params(*a, given, p)) std::abort();
  cc::FlowContext ctx;
  ctx.host_rate = gbps(25);
  ctx.base_rtt = 28'960;
  ctx.mss = 1000;
  ctx.packet_bytes = 1048;
  return a->make(ctx, p);
}

// A 5-hop INT stack that moves forward by one packet time per ACK.
struct FiveHopPath {
  wire::IntStack s{};
  std::uint32_t step = 0;
  FiveHopPath() {
    s.n_hops = 5;
    const std::uint32_t rates[5] = {25'000, 100'000, 100'000, 100'000, 25'000};
    for (std::size_t i = 0; i < 5; ++i) {
      s.hops[i].rate_mbps = rates[i];
      s.hops[i].ts_ns = 0xFFFF0000u + static_cast<std::uint32_t>(i) * 300;  // wraps soon
      s.hops[i].tx_bytes = 0xFFF00000u;
    }
  }
  void advance() {
    ++step;
    for (std::size_t i = 0; i < 5; ++i) {
      wire::IntHop& h = s.hops[i];
      h.ts_ns += 80 + (step & 7);
      h.tx_bytes += 1048;
      h.qlen_bytes = ((step * (static_cast<std::uint32_t>(i) + 3)) & 63) * 1000;
    }
  }
};

void run_int(benchmark::State& state, const char* name) {
  auto cc = make(name);
  FiveHopPath path;
  cc::AckEvent ev;
  ev.int_stack = &path.s;
  ev.bytes_acked = 1000;
  ev.snd_nxt = 100'000;
  for (auto _ : state) {
    path.advance();
    ev.now += 80;
    ev.snd_una += 1000;
    ev.snd_nxt += 1000;
    ev.rtt = 29'000 + static_cast<TimeNs>(path.step & 1023);
    cc->on_ack(ev);
    benchmark::DoNotOptimize(cc->cwnd_bytes());
  }
  state.SetItemsProcessed(state.iterations());
}

void run_rtt(benchmark::State& state, const char* name, const cc::ParamValues& given = {}) {
  auto cc = make(name, given);
  cc::AckEvent ev;
  ev.bytes_acked = 1000;
  ev.snd_nxt = 100'000;
  std::uint32_t step = 0;
  for (auto _ : state) {
    ++step;
    ev.now += 80;
    ev.snd_una += 1000;
    ev.snd_nxt += 1000;
    ev.rtt = 29'000 + static_cast<TimeNs>((step * 37) & 4095);
    ev.ecn_echo = (step % 10) == 0;
    cc->on_ack(ev);
    benchmark::DoNotOptimize(cc->cwnd_bytes());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PowerTcp5Hops(benchmark::State& s) { run_int(s, "powertcp"); }
void BM_PowerTcpRate5Hops(benchmark::State& s) { run_int(s, "powertcp-rate"); }
void BM_Hpcc5Hops(benchmark::State& s) { run_int(s, "hpcc"); }
void BM_ThetaPowerTcp(benchmark::State& s) { run_rtt(s, "theta-powertcp"); }
void BM_TimelyEveryAck(benchmark::State& s) { run_rtt(s, "timely", {{"segment_bytes", 0}}); }
void BM_DctcpEcnEvery10th(benchmark::State& s) { run_rtt(s, "dctcp"); }
void BM_AimdEcnEvery10th(benchmark::State& s) { run_rtt(s, "aimd"); }

// DCQCN does nothing per ACK; its update is a CNP (rate cut) or a timer (increase event).
void BM_DcqcnCnpThenTimer(benchmark::State& state) {
  auto cc = make("dcqcn");
  TimeNs now = 0;
  for (auto _ : state) {
    now += 60'000;
    cc->on_cnp(now);
    cc->on_timer(cc->next_timer());
    benchmark::DoNotOptimize(cc->pacing_rate());
  }
  state.SetItemsProcessed(2 * state.iterations());  // two updates per iteration
}

}  // namespace

BENCHMARK(BM_PowerTcp5Hops);
BENCHMARK(BM_ThetaPowerTcp);
BENCHMARK(BM_PowerTcpRate5Hops);
BENCHMARK(BM_Hpcc5Hops);
BENCHMARK(BM_DcqcnCnpThenTimer);
BENCHMARK(BM_TimelyEveryAck);
BENCHMARK(BM_DctcpEcnEvery10th);
BENCHMARK(BM_AimdEcnEvery10th);
BENCHMARK_MAIN();
