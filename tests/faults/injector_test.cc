// faults::Injector on its own: determinism, the rates it promises, Gilbert-Elliott burst
// shape, down windows, and corruption that the receiver's checks always catch.
#include "faults/faults.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "wire/format.h"

namespace ptcp::faults {
namespace {

std::vector<std::uint8_t> data_frame(std::uint16_t payload, bool with_int) {
  const wire::FrameAddr a = wire::flow_addr(0, 1, 7);
  wire::Segment s;
  s.type = wire::PacketType::kData;
  s.flow_id = 7;
  s.seq = 4000;
  s.ts_ns = 123;
  s.payload_len = payload;
  if (with_int) s.flags |= wire::flags::kHasInt;
  std::vector<std::uint8_t> body(payload);
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<std::uint8_t>(i * 7 + 1);
  std::vector<std::uint8_t> f(wire::frame_len(with_int, payload));
  EXPECT_GT(wire::write_frame(f, a, s, wire::kEcnEct0, body), 0u);
  return f;
}

TEST(Injector, SameSeedSameVerdicts) {
  FaultSpec spec;
  spec.loss = 0.05;
  spec.burst_start = 0.01;
  spec.burst_length = 5;
  spec.reorder = 0.05;
  spec.duplicate = 0.05;
  spec.corrupt = 0.05;
  const auto f = data_frame(1000, false);
  Injector a(spec, 42), b(spec, 42), c(spec, 43);
  int differ = 0;
  for (int i = 0; i < 10000; ++i) {
    const Verdict va = a.judge(i * 100, f, 100), vb = b.judge(i * 100, f, 100);
    const Verdict vc = c.judge(i * 100, f, 100);
    ASSERT_EQ(va.drop, vb.drop);
    ASSERT_EQ(va.extra_delay, vb.extra_delay);
    ASSERT_EQ(va.duplicate, vb.duplicate);
    ASSERT_EQ(va.corrupt_offset, vb.corrupt_offset);
    ASSERT_EQ(va.corrupt_xor, vb.corrupt_xor);
    differ += va.drop != vc.drop || va.duplicate != vc.duplicate;
  }
  EXPECT_GT(differ, 100);  // another seed is another stream
}

// Each knob's observed rate is within 5 standard deviations of what it was asked for.
TEST(Injector, RatesMatchTheSpec) {
  const auto f = data_frame(1000, true);
  for (const double p : {0.001, 0.01, 0.05}) {
    FaultSpec spec;
    spec.loss = p;
    spec.reorder = p;
    spec.duplicate = p;
    spec.corrupt = p;
    Injector inj(spec, 7);
    const int n = 400000;
    for (int i = 0; i < n; ++i) inj.judge(i, f, 10);
    const FaultCounters& c = inj.counters();
    const double tol = 5 * std::sqrt(n * p * (1 - p));
    EXPECT_NEAR(static_cast<double>(c.lost_random), n * p, tol) << p;
    // The others only apply to frames not lost.
    const double kept = n - static_cast<double>(c.lost_random);
    EXPECT_NEAR(static_cast<double>(c.reordered), kept * p, tol) << p;
    EXPECT_NEAR(static_cast<double>(c.duplicated), kept * p, tol) << p;
    EXPECT_NEAR(static_cast<double>(c.corrupted), kept * p, tol) << p;
    std::printf("loss %.3f: lost %llu, reordered %llu, duplicated %llu, corrupted %llu of %d\n", p,
                static_cast<unsigned long long>(c.lost_random),
                static_cast<unsigned long long>(c.reordered),
                static_cast<unsigned long long>(c.duplicated),
                static_cast<unsigned long long>(c.corrupted), n);
  }
}

// Gilbert-Elliott: losses come in runs whose mean length is burst_length (burst_loss = 1).
TEST(Injector, BurstsHaveTheirMeanLength) {
  FaultSpec spec;
  spec.burst_start = 0.002;
  spec.burst_length = 10;
  Injector inj(spec, 3);
  const auto f = data_frame(100, false);
  std::vector<int> runs;
  int run = 0;
  for (int i = 0; i < 1000000; ++i) {
    const bool lost = inj.judge(i, f, 10).drop == Drop::kBurst;
    if (lost) {
      ++run;
    } else if (run > 0) {
      runs.push_back(run);
      run = 0;
    }
  }
  ASSERT_GT(runs.size(), 1000u);
  double mean = 0;
  for (const int r : runs) mean += r;
  mean /= static_cast<double>(runs.size());
  std::printf("bursts: %zu runs, mean %.2f frames (asked 10)\n", runs.size(), mean);
  EXPECT_NEAR(mean, 10.0, 1.0);
  EXPECT_EQ(inj.counters().bursts, runs.size() + (run > 0 ? 1 : 0));
  // Long-run loss = start / (start + 1/length) for burst_loss = 1.
  const double expect = 0.002 / (0.002 + 0.1);
  EXPECT_NEAR(static_cast<double>(inj.counters().lost_burst) / 1e6, expect, 0.2 * expect);
}

TEST(Injector, LinkDownDropsEverythingInItsWindowOnly) {
  FaultSpec spec;
  spec.down = {{2000, 5000}, {100, 200}};
  Injector inj(spec, 1);
  const auto f = data_frame(10, false);
  EXPECT_TRUE(inj.judge(99, f, 1).delivered());
  EXPECT_EQ(inj.judge(100, f, 1).drop, Drop::kLinkDown);
  EXPECT_TRUE(inj.judge(200, f, 1).delivered());
  EXPECT_EQ(inj.judge(4999, f, 1).drop, Drop::kLinkDown);
  EXPECT_TRUE(inj.judge(5000, f, 1).delivered());
  EXPECT_EQ(inj.counters().lost_down, 2u);
  EXPECT_EQ(inj.next_change(0), 100);
  EXPECT_EQ(inj.next_change(100), 200);
  EXPECT_EQ(inj.next_change(300), 2000);
  EXPECT_EQ(inj.next_change(5000), kNever);
}

TEST(Injector, ReorderDelayDefaultsToFourSerializationTimes) {
  FaultSpec spec;
  spec.reorder = 1.0;
  const auto f = data_frame(10, false);
  Injector a(spec, 1);
  EXPECT_EQ(a.judge(0, f, 250).extra_delay, 1000);
  spec.reorder_delay = 7777;
  Injector b(spec, 1);
  EXPECT_EQ(b.judge(0, f, 250).extra_delay, 7777);
}

// Every corrupted frame stays inside the checksummed bytes, and parse_frame rejects it.
TEST(Injector, CorruptionIsAlwaysCaughtByTheReceiver) {
  FaultSpec spec;
  spec.corrupt = 1.0;
  Injector inj(spec, 11);
  int checksum = 0, other = 0;
  for (const bool with_int : {false, true}) {
    for (const std::uint16_t payload : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{999}}) {
      const auto f = data_frame(payload, with_int);
      const Region r = checksummed_region(f);
      ASSERT_EQ(r.bytes(), wire::kTransportLen + payload);
      for (int i = 0; i < 3000; ++i) {
        const Verdict v = inj.judge(i, f, 10);
        ASSERT_TRUE(v.corrupted());
        const std::size_t off = v.corrupt_offset;
        const bool in_header = off >= wire::kTransportOffset && off < wire::kIntOffset;
        const bool in_payload = off >= wire::header_len(with_int) && off < wire::header_len(with_int) + payload;
        ASSERT_TRUE(in_header || in_payload) << off;
        auto g = f;
        Injector::apply(v, g);
        ASSERT_NE(f, g);
        wire::ParsedFrame p;
        const wire::ParseStatus st = wire::parse_frame(g, p);
        ASSERT_NE(st, wire::ParseStatus::kOk) << "offset " << off << " xor " << int(v.corrupt_xor);
        (st == wire::ParseStatus::kBadChecksum ? checksum : other)++;
      }
    }
  }
  std::printf("corrupted frames rejected: %d by the transport checksum, %d by earlier checks\n",
              checksum, other);
  EXPECT_GT(checksum, other);
}

TEST(Injector, NeverCorruptsFramesWithoutATransportRegion) {
  FaultSpec spec;
  spec.corrupt = 1.0;
  Injector inj(spec, 1);
  std::vector<std::uint8_t> pause(wire::kPfcFrameLen);
  wire::PfcPause p;
  p.class_enable = 1;
  p.quanta[0] = 100;
  ASSERT_GT(wire::write_pfc_pause(pause, wire::node_mac(3), p), 0u);
  EXPECT_FALSE(inj.judge(0, pause, 10).corrupted());
  EXPECT_FALSE(inj.judge(0, std::vector<std::uint8_t>(20, 0xff), 10).corrupted());
  EXPECT_FALSE(inj.judge(0, {}, 10).corrupted());
  EXPECT_EQ(checksummed_region({}).bytes(), 0u);
}

TEST(Injector, RefusesNonsense) {
  FaultSpec s;
  s.loss = 1.5;
  EXPECT_THROW(Injector(s, 1), std::invalid_argument);
  s = {};
  s.duplicate = -0.1;
  EXPECT_THROW(Injector(s, 1), std::invalid_argument);
  s = {};
  s.burst_start = 0.1;
  s.burst_length = 0.5;
  EXPECT_THROW(Injector(s, 1), std::invalid_argument);
  s = {};
  s.down = {{10, 5}};
  EXPECT_THROW(Injector(s, 1), std::invalid_argument);
  s = {};
  s.reorder_delay = -1;
  EXPECT_THROW(Injector(s, 1), std::invalid_argument);
  EXPECT_FALSE(FaultSpec{}.active());
}

TEST(Injector, LinkSeedsDiffer) {
  EXPECT_NE(link_seed(1, 0), link_seed(1, 1));
  EXPECT_NE(link_seed(1, 0), link_seed(2, 0));
  EXPECT_EQ(link_seed(5, 9), link_seed(5, 9));
}

TEST(FaultCounters, PlusEqualsAddsEveryField) {
  FaultCounters a{1, 2, 3, 4, 5, 6, 7, 8};
  const FaultCounters b{10, 20, 30, 40, 50, 60, 70, 80};
  a += b;
  EXPECT_EQ(a.frames, 11u);
  EXPECT_EQ(a.lost_random, 22u);
  EXPECT_EQ(a.lost_burst, 33u);
  EXPECT_EQ(a.lost_down, 44u);
  EXPECT_EQ(a.bursts, 55u);
  EXPECT_EQ(a.reordered, 66u);
  EXPECT_EQ(a.duplicated, 77u);
  EXPECT_EQ(a.corrupted, 88u);
  EXPECT_EQ(a.lost(), 99u);
}

}  // namespace
}  // namespace ptcp::faults
