// Switch data path per packet: receive (header checks, route, ECMP hash, DT admission, RED
// decision) + dequeue (link timing, INT stamp). Target <= 40 ns per packet (issue #3).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "switch/switch.h"
#include "wire/format.h"

namespace {

using namespace ptcp;

std::vector<std::vector<std::uint8_t>> make_frames(int n, bool with_int) {
  std::vector<std::vector<std::uint8_t>> frames;
  std::vector<std::uint8_t> payload(1000, 0x5a);
  for (int i = 0; i < n; ++i) {
    const wire::FrameAddr a =
        wire::flow_addr(static_cast<std::uint32_t>(i), 500, static_cast<std::uint32_t>(i));
    wire::Segment seg;
    seg.flow_id = static_cast<std::uint32_t>(i);
    seg.payload_len = 1000;
    if (with_int) seg.flags = wire::flags::kHasInt;
    std::vector<std::uint8_t> f(wire::frame_len(true, 1000));
    f.resize(wire::write_frame(f, a, seg, wire::kEcnEct0, payload));
    frames.push_back(std::move(f));
  }
  return frames;
}

void run(benchmark::State& state, bool ecn, bool pfc, int ecmp_ports) {  // NOLINT
  sw::SwitchConfig cfg;
  cfg.buffer_bytes = 4u << 20;
  cfg.ecn_enabled = ecn;
  cfg.pfc.enabled = pfc;
  // ECN thresholds low enough that the RED draw runs on every packet (queue of one packet).
  cfg.ports.assign(5, sw::PortConfig{gbps(100), {500, 100'000, 0.2}, kNsPerUs, true});
  sw::Switch s(cfg);
  std::vector<sw::PortId> out;
  for (int i = 0; i < ecmp_ports; ++i) out.push_back(static_cast<sw::PortId>(1 + i));
  s.add_route(wire::node_ip(500), out);
  auto frames = make_frames(64, true);
  TimeNs now = 0;
  std::size_t i = 0;
  std::uint64_t stamped = 0;
  // Keep one packet queued per port so ECN sees a non-empty queue.
  for (auto& f : frames) {
    if (s.receive(now, 0, f, 0) != sw::RxResult::kEnqueued) state.SkipWithError("enqueue");
  }
  for (auto _ : state) {
    auto& f = frames[i];
    f[wire::kIntOffset] = 0;  // reset the INT stack so every packet gets a real stamp
    now += 1000;              // every link is free again
    benchmark::DoNotOptimize(s.receive(now, 0, f, i));
    for (sw::PortId p = 1; p <= ecmp_ports; ++p) {
      auto d = s.dequeue(p, now);
      if (d) stamped += d->len;
      benchmark::DoNotOptimize(d);
    }
    i = (i + 1) & 63;
  }
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(stamped);
}

// ECMP over 4 unpaced ports: a batch of 16 packets of different flows, then every port drained.
void BM_SwitchEcmp4Batch16(benchmark::State& state) {
  sw::SwitchConfig cfg;
  cfg.buffer_bytes = 4u << 20;
  cfg.ports.assign(5, sw::PortConfig{gbps(100), sw::paper_ecn_thresholds(gbps(100)), 0, false});
  sw::Switch s(cfg);
  s.add_route(wire::node_ip(500), {1, 2, 3, 4});
  auto frames = make_frames(64, true);
  TimeNs now = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    now += 1000;
    for (int k = 0; k < 16; ++k) {
      auto& f = frames[i];
      f[wire::kIntOffset] = 0;
      benchmark::DoNotOptimize(s.receive(now, 0, f, i));
      i = (i + 1) & 63;
    }
    for (sw::PortId p = 1; p <= 4; ++p) {
      while (auto d = s.dequeue(p, now)) benchmark::DoNotOptimize(d);
    }
  }
  state.SetItemsProcessed(state.iterations() * 16);
}

// Baseline in the same run: the host-side full parser (with the payload checksum) on the same
// frame, which the switch avoids by checking headers only.
void BM_BaselineFullParse(benchmark::State& state) {
  auto frames = make_frames(64, true);
  wire::ParsedFrame pf;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(wire::parse_frame(frames[i], pf));
    i = (i + 1) & 63;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_SwitchEnqueueDequeueInt(benchmark::State& st) { run(st, false, false, 1); }
void BM_SwitchWithEcn(benchmark::State& st) { run(st, true, false, 1); }
void BM_SwitchWithEcnPfc(benchmark::State& st) { run(st, true, true, 1); }

BENCHMARK(BM_SwitchEnqueueDequeueInt);
BENCHMARK(BM_SwitchWithEcn);
BENCHMARK(BM_SwitchWithEcnPfc);
BENCHMARK(BM_SwitchEcmp4Batch16);
BENCHMARK(BM_BaselineFullParse);

}  // namespace

BENCHMARK_MAIN();
