// Zero heap allocations per packet in steady state: this executable replaces the global
// operator new to count every allocation, then runs the per-packet path.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

#include "support/fixed_cc.h"
#include "support/link_harness.h"
#include "transport/host.h"

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

namespace ptcp::test {
namespace {

transport::HostConfig config(const cc::Algorithm* algo, std::uint32_t node, bool int_enabled) {
  transport::HostConfig c;
  c.node_index = node;
  c.link_rate = gbps(100);
  c.payload_bytes = 1000;
  c.int_enabled = int_enabled;
  c.algorithm = algo;
  return c;
}

// Sender emits, receiver parses and ACKs, sender takes the ACK: `packets` times.
void pump(transport::Host& tx, transport::Host& rx, std::vector<std::uint8_t>& buf, TimeNs& now,
          int packets) {
  for (int i = 0; i < packets; ++i) {
    now += 100;
    const std::size_t n = tx.next_frame(now, buf);
    ASSERT_GT(n, 0u);
    rx.on_frame(now, {buf.data(), n});
    const std::size_t m = rx.next_frame(now, buf);
    ASSERT_GT(m, 0u);
    tx.on_frame(now, {buf.data(), m});
  }
}

class Alloc : public ::testing::TestWithParam<bool> {};

TEST_P(Alloc, NoneInSteadyStateForTheFullPerPacketPath) {
  const cc::Algorithm algo = fixed_algorithm(1e9, 0);
  transport::Host tx(config(&algo, 0, GetParam())), rx(config(&algo, 1, GetParam()));
  std::vector<std::uint8_t> buf(tx.max_frame_len());
  tx.start_flow(0, {1, 1, std::uint64_t{1} << 40});
  TimeNs now = 0;
  pump(tx, rx, buf, now, 1000);  // warm up: receiver flow created, tables sized
  const std::uint64_t before = g_allocations;
  pump(tx, rx, buf, now, 100'000);
  const std::uint64_t allocs = g_allocations - before;
  std::printf("allocations in 100000 packets (INT %s): %llu (%.4f per packet)\n",
              GetParam() ? "on" : "off", (unsigned long long)allocs, static_cast<double>(allocs) / 1e5);
  EXPECT_EQ(allocs, 0u);
  EXPECT_EQ(rx.counters().payload_errors, 0u);
  EXPECT_EQ(rx.counters().bytes_delivered, 101'000'000u);
}

INSTANTIATE_TEST_SUITE_P(Int, Alloc, ::testing::Bool());

TEST(AllocHarness, NoneInSteadyStateWithLossAndManyFlows) {
  // Recovery paths (NACK, go-back, dup ACKs) and the round robin over 100 flows allocate nothing
  // once every flow exists (the harness reuses its frame buffers too).
  const cc::Algorithm algo = fixed_algorithm(20'000, 0);
  HarnessOptions opt;
  opt.link.faults.loss = 0.01;
  LinkHarness h(config(&algo, 0, false), config(&algo, 1, false), opt);
  for (std::uint32_t i = 0; i < 100; ++i) h.host(0).start_flow(0, {i + 1, 1, std::uint64_t{1} << 40});
  h.run(2 * kNsPerMs);  // warm up
  const std::uint64_t before = g_allocations;
  const std::uint64_t sent_before = h.host(0).counters().data_sent;
  h.run(20 * kNsPerMs);
  const std::uint64_t allocs = g_allocations - before;
  const std::uint64_t packets = h.host(0).counters().data_sent - sent_before;
  std::printf("harness, 100 flows, 1%% loss: %llu packets, %llu retransmits, %llu allocations\n",
              (unsigned long long)packets, (unsigned long long)h.host(0).counters().retransmits,
              (unsigned long long)allocs);
  EXPECT_GT(packets, 10'000u);
  EXPECT_GT(h.host(0).counters().retransmits, 0u);
  EXPECT_EQ(allocs, 0u);
  EXPECT_EQ(h.host(1).counters().payload_errors, 0u);
}

}  // namespace
}  // namespace ptcp::test
