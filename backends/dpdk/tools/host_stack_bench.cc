// Host-stack benchmark (not a test): what one sending host's core sustains. A sender Host
// (PowerTCP, one long flow) on lcore 0 and a receiver Host on lcore 1, cross-connected by a
// ring pair. The receiver stamps a 5-hop INT stack into each data packet (as 5 switches
// would), so every ACK carries 5 hops back to the sender's CC. Prints data packets per second,
// each lcore's busy share (which one saturated), and the ratio to 8.13 Mpps (100 Gb/s of
// 1500-byte frames); then runs dpdk-testpmd io forwarding on a net_null pair as the raw I/O
// ceiling of this machine, in the same run.
//
// Busy share: the fraction of an lcore's TSC cycles spent in loop iterations that moved a
// frame (HostNode::poll's verdict), measured on that lcore from the TSC read that starts each
// iteration (no extra read). Counting iterations instead says nothing: an idle iteration is a
// few empty polls, a working one a burst, so a saturated core could read 5%. A core near 100%
// is the one that saturated; "ns per data packet" is its busy time divided by the packets.
// Both lcores can read ~100%, since the faster one keeps finding a few frames per iteration;
// then the back-pressure says which one limits: the sender's tx bursts refused by a full data
// ring (the receiver lags) or the receiver's by a full ACK ring (the sender lags), and the mean
// rx burst (the limiting lcore reads full bursts of 32).
//
//   powertcp_dpdk_host_bench [seconds] [verify 0|1] [testpmd 0|1]
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_prefetch.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <array>
#include <algorithm>
#include <memory>
#include <string>

#include "backends/dpdk/eal.h"
#include "backends/dpdk/host_node.h"
#include "backends/dpdk/mempool.h"
#include "backends/dpdk/port.h"
#include "backends/dpdk/ring_link.h"
#include "backends/dpdk/tsc_clock.h"
#include "cc/registry.h"
#include "wire/format.h"

using namespace ptcp;
using namespace ptcp::dpdk;

namespace {

constexpr BitsPerSec kNicRate = 1'000'000'000'000ULL;  // 1 Tb/s: pacing never the limit
std::atomic<bool> g_stop{false};

// TSC cycles of an lcore's loop, and those of iterations that did work.
class BusyMeter {
 public:
  void reset(std::uint64_t tsc) { start_ = last_ = tsc; busy_ = 0; }
  // At the start of each iteration: the previous one (since the last lap) did work or not.
  void lap(std::uint64_t tsc, bool worked) {
    if (worked) busy_ += tsc - last_;
    last_ = tsc;
  }
  std::uint64_t busy() const { return busy_; }
  std::uint64_t total() const { return last_ - start_; }
  double share() const { return total() ? static_cast<double>(busy_) / static_cast<double>(total()) : 0; }

 private:
  std::uint64_t start_ = 0, last_ = 0, busy_ = 0;
};

struct Side {
  HostNode* node = nullptr;
  TimeNs warm = 0;  // the meter restarts here (both lcores measure the same window)
  BusyMeter meter;
  std::uint64_t rx_frames = 0, rx_bursts = 0;  // data frames read by this loop, non-empty bursts
};

transport::HostConfig config(std::uint32_t index, bool verify) {
  const cc::Algorithm* a = cc::Registry::global().find("powertcp");
  transport::HostConfig c;
  c.node_index = index;
  c.link_rate = kNicRate;
  c.mtu = 1500;
  c.payload_bytes = 1500 - static_cast<std::uint32_t>(wire::header_len(true) - wire::kEthLen);
  c.int_enabled = true;
  c.verify_payload = verify;
  c.algorithm = a;
  if (auto err = cc::resolve_params(*a, {}, c.cc_params)) {
    std::fprintf(stderr, "powertcp parameters: %s\n", err->c_str());
    std::exit(2);
  }
  c.base_rtt = 20 * kNsPerUs;
  c.rto = 10 * kNsPerMs;
  return c;
}

// The receiver: stamps 5 INT hops into each data frame, then the core answers with ACKs.
int receiver_main(void* arg) {
  Side& side = *static_cast<Side*>(arg);
  HostNode& n = *side.node;
  TscClock clock;
  std::uint32_t tx_bytes = 0;
  std::array<rte_mbuf*, Egress::kBurst> rx;
  bool worked = false, warmed = false;
  side.meter.reset(rte_rdtsc());
  while (!g_stop.load(std::memory_order_relaxed)) {
    const std::uint64_t tsc = rte_rdtsc();
    const TimeNs now = clock.at(tsc);
    side.meter.lap(tsc, worked);
    if (!warmed && now >= side.warm) {
      warmed = true;
      side.meter.reset(tsc);
    }
    const std::uint16_t got = rte_eth_rx_burst(n.egress().port(), 0, rx.data(), Egress::kBurst);
    for (std::uint16_t i = 0; i < got; ++i) rte_prefetch0(rx[i]);  // as HostNode::receive
    for (std::uint16_t i = 0; i < got; ++i) {
      auto frame = std::span<std::uint8_t>(rte_pktmbuf_mtod(rx[i], std::uint8_t*), rx[i]->data_len);
      tx_bytes += rx[i]->data_len;
      for (std::uint32_t h = 0; h < wire::kMaxIntHops; ++h) {
        wire::push_int_hop(frame, wire::IntHop{0, tx_bytes, static_cast<std::uint32_t>(now),
                                               static_cast<std::uint32_t>(kNicRate / 1'000'000)});
      }
      n.deliver(now, frame);
    }
    if (got) {
      rte_pktmbuf_free_bulk(rx.data(), got);
      if (warmed) {
        side.rx_frames += got;
        ++side.rx_bursts;
      }
    }
    // It read the port itself (every data frame gets its INT stack): only the ACKs go out.
    worked = n.send_due(now) || got != 0;
  }
  return 0;
}

double testpmd_io_mpps() {
  const char* cmd =
      "timeout -s INT 9 dpdk-testpmd --no-huge -m 1024 --no-shconf --no-pci -l 0-1 "
      "--vdev=net_null0 --vdev=net_null1 --log-level=lib.eal:error -- --forward-mode=io "
      "--auto-start --stats-period=2 </dev/null 2>/dev/null";
  FILE* p = popen(cmd, "r");
  if (p == nullptr) return 0;
  char line[512];
  double best = 0;
  while (std::fgets(line, sizeof line, p) != nullptr) {
    const char* at = std::strstr(line, "Rx-pps:");
    if (at != nullptr) best = std::max(best, std::atof(at + 7) / 1e6);
  }
  pclose(p);
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  const bool verify = argc > 2 ? std::atoi(argv[2]) != 0 : false;
  const bool run_testpmd = argc > 3 ? std::atoi(argv[3]) != 0 : true;
  double mpps = 0, sender_busy = 0, receiver_busy = 0, sender_ns_per_pkt = 0, receiver_ns_per_pkt = 0;
  std::uint64_t alloc_failures = 0, device_busy = 0;
  const char* saturated = "";
  std::uint64_t acks = 0, timeouts = 0, payload_errors = 0;
  {
    EalSession eal(resolve_eal_args({}, {"-l", "0-1", "--log-level=lib.eal:warning"}));
    if (rte_lcore_count() < 2) {
      std::fprintf(stderr, "needs 2 lcores\n");
      return 2;
    }
    MbufPool pool("bench", 16383, data_room_for_mtu(1500));
    {
      RingLink link("B", 1024);
      setup_port(link.port_a(), pool.get(), {});
      setup_port(link.port_b(), pool.get(), {});
      HostNode sender(config(0, verify), Egress(link.port_a(), kNicRate, 0, 64 * kNsPerUs), pool.get());
      HostNode receiver(config(1, verify), Egress(link.port_b(), kNicRate, 0, 64 * kNsPerUs), pool.get());
      TscClock clock;
      Side rx_side{&receiver, clock.now() + kNsPerSec / 2, {}};
      const unsigned worker = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
      rte_eal_remote_launch(receiver_main, &rx_side, worker);

      sender.start_flow(clock.now(), transport::FlowSpec{1, 1, 1ULL << 50});
      const TimeNs warm = rx_side.warm;
      const TimeNs end = warm + static_cast<TimeNs>(seconds * 1e9);
      std::uint64_t data_at_warm = 0, s_rx_at_warm = 0, s_bursts_at_warm = 0;
      BusyMeter meter;
      meter.reset(rte_rdtsc());
      bool warmed = false, worked = false;
      while (true) {
        const std::uint64_t tsc = rte_rdtsc();
        const TimeNs now = clock.at(tsc);
        meter.lap(tsc, worked);
        if (now >= end) break;
        if (!warmed && now >= warm) {
          warmed = true;
          data_at_warm = sender.host().counters().data_sent;
          s_rx_at_warm = sender.counters().rx_frames;
          s_bursts_at_warm = sender.counters().rx_bursts;
          meter.reset(tsc);
        }
        worked = sender.poll(now);
      }
      g_stop = true;  // the receiver's meter closes the same window
      rte_eal_wait_lcore(worker);
      const std::uint64_t s_rx = sender.counters().rx_frames - s_rx_at_warm;
      const std::uint64_t s_bursts = sender.counters().rx_bursts - s_bursts_at_warm;
      const double s_burst = static_cast<double>(s_rx) / static_cast<double>(std::max<std::uint64_t>(s_bursts, 1));
      const double r_burst = static_cast<double>(rx_side.rx_frames) / static_cast<double>(std::max<std::uint64_t>(rx_side.rx_bursts, 1));
      for (const HostNode* h : {&sender, &receiver}) {
        std::printf("%s: mean rx burst %.1f frames, tx bursts refused by a full ring %llu, mbuf "
                    "alloc failures %llu, frames on its emulated wire at the end %zu\n",
                    h == &sender ? "sender" : "receiver", h == &sender ? s_burst : r_burst,
                    static_cast<unsigned long long>(h->egress().counters().device_busy),
                    static_cast<unsigned long long>(h->counters().mbuf_alloc_failures),
                    h->egress().in_flight());
      }
      const std::uint64_t s_refused = sender.egress().counters().device_busy;
      const std::uint64_t r_refused = receiver.egress().counters().device_busy;
      // Both rings full for long: each lcore waited on the other, i.e. one lost its CPU.
      const bool both_full = std::min(s_refused, r_refused) * 10 > std::max(s_refused, r_refused);
      saturated = both_full ? "unclear: both rings filled up (an lcore lost its CPU to another process)"
                  : s_refused > r_refused ? "receiver (the data ring to it filled up)"
                  : r_refused > 0                       ? "sender (the ACK ring to it filled up)"
                  : r_burst > s_burst && rx_side.meter.share() >= 0.9 ? "receiver (fuller rx bursts)"
                  : s_burst > r_burst && meter.share() >= 0.9         ? "sender (fuller rx bursts)"
                                                                      : "neither lcore";
      const std::uint64_t data = sender.host().counters().data_sent - data_at_warm;
      sender.host().for_each_flow([](const transport::FlowSample& f) {
        std::printf("flow at end: cwnd %.0f B, rate %.3f Gb/s, rtt %lld ns, in flight %llu B\n",
                    f.cwnd_bytes, f.rate_bps / 1e9, static_cast<long long>(f.rtt_ns),
                    static_cast<unsigned long long>(f.bytes_in_flight));
      });
      mpps = static_cast<double>(data) / seconds / 1e6;
      sender_busy = meter.share();
      receiver_busy = rx_side.meter.share();
      const double hz = static_cast<double>(clock.hz());
      sender_ns_per_pkt = static_cast<double>(meter.busy()) / hz * 1e9 / static_cast<double>(std::max<std::uint64_t>(data, 1));
      receiver_ns_per_pkt = static_cast<double>(rx_side.meter.busy()) / hz * 1e9 / static_cast<double>(std::max<std::uint64_t>(data, 1));
      alloc_failures = sender.counters().mbuf_alloc_failures + receiver.counters().mbuf_alloc_failures;
      device_busy = sender.egress().counters().device_busy + receiver.egress().counters().device_busy;
      acks = sender.host().counters().acks_received;
      timeouts = sender.host().counters().timeouts;
      payload_errors = receiver.host().counters().payload_errors;
      sender.drain();
      receiver.drain();
      link.drain();
    }
  }
  std::printf("host stack: %.3f Mpps data (1500-byte frames, 5-hop INT ACKs, payload %s), "
              "%.2f of 8.13 Mpps; busy (share of TSC cycles in iterations that moved a frame): "
              "sender lcore %.0f%% (%.0f ns per data packet), receiver lcore %.0f%% (%.0f ns); "
              "saturated: %s; acks %llu, timeouts %llu, payload errors %llu, mbuf alloc "
              "failures %llu, refused tx bursts %llu\n",
              mpps, verify ? "filled+verified" : "not filled/verified", mpps / 8.13,
              100 * sender_busy, sender_ns_per_pkt, 100 * receiver_busy, receiver_ns_per_pkt,
              saturated,
              static_cast<unsigned long long>(acks), static_cast<unsigned long long>(timeouts),
              static_cast<unsigned long long>(payload_errors),
              static_cast<unsigned long long>(alloc_failures),
              static_cast<unsigned long long>(device_busy));
  if (run_testpmd) {
    const double io = testpmd_io_mpps();
    std::printf("dpdk-testpmd io on a net_null pair (same run, --no-huge): %.2f Mpps per port\n", io);
  }
  return 0;
}
