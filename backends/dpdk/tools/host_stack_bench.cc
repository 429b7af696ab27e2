// Host-stack benchmark (not a test): what one sending host's core sustains. A sender Host
// (PowerTCP, one long flow) on lcore 0 and a receiver Host on lcore 1, cross-connected by a
// ring pair. The receiver stamps a 5-hop INT stack into each data packet (as 5 switches
// would), so every ACK carries 5 hops back to the sender's CC. Prints data packets per second,
// each lcore's busy share (which one saturated), and the ratio to 8.13 Mpps (100 Gb/s of
// 1500-byte frames); then runs dpdk-testpmd io forwarding on a net_null pair as the raw I/O
// ceiling of this machine, in the same run.
//
//   powertcp_dpdk_host_bench [seconds] [verify 0|1] [testpmd 0|1]
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>

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

struct Side {
  HostNode* node = nullptr;
  std::uint64_t busy = 0, iterations = 0;
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
  while (!g_stop.load(std::memory_order_relaxed)) {
    const TimeNs now = clock.now();
    const std::uint16_t got = rte_eth_rx_burst(n.egress().port(), 0, rx.data(), Egress::kBurst);
    for (std::uint16_t i = 0; i < got; ++i) {
      auto frame = std::span<std::uint8_t>(rte_pktmbuf_mtod(rx[i], std::uint8_t*), rx[i]->data_len);
      tx_bytes += rx[i]->data_len;
      for (std::uint32_t h = 0; h < wire::kMaxIntHops; ++h) {
        wire::push_int_hop(frame, wire::IntHop{0, tx_bytes, static_cast<std::uint32_t>(now),
                                               static_cast<std::uint32_t>(kNicRate / 1'000'000)});
      }
      n.deliver(now, frame);
    }
    if (got) rte_pktmbuf_free_bulk(rx.data(), got);
    const std::uint64_t before = n.counters().tx_frames;
    n.poll(now);  // no RX left for it: it only transmits the ACKs
    side.busy += (got != 0 || n.counters().tx_frames != before) ? 1 : 0;
    ++side.iterations;
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
  double mpps = 0, sender_busy = 0, receiver_busy = 0;
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
      Side rx_side{&receiver};
      const unsigned worker = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
      rte_eal_remote_launch(receiver_main, &rx_side, worker);

      TscClock clock;
      sender.start_flow(clock.now(), transport::FlowSpec{1, 1, 1ULL << 50});
      const TimeNs warm = clock.now() + kNsPerSec / 2;
      const TimeNs end = warm + static_cast<TimeNs>(seconds * 1e9);
      std::uint64_t data_at_warm = 0, busy = 0, iters = 0;
      bool warmed = false;
      for (TimeNs now = clock.now(); now < end; now = clock.now()) {
        const std::uint64_t f_in = sender.host().counters().frames_in;
        const std::uint64_t f_out = sender.counters().tx_frames;
        sender.poll(now);
        if (!warmed && now >= warm) {
          warmed = true;
          data_at_warm = sender.host().counters().data_sent;
          busy = iters = 0;
        }
        busy += (sender.host().counters().frames_in != f_in || sender.counters().tx_frames != f_out) ? 1 : 0;
        ++iters;
      }
      const std::uint64_t data = sender.host().counters().data_sent - data_at_warm;
      sender.host().for_each_flow([](const transport::FlowSample& f) {
        std::printf("flow at end: cwnd %.0f B, rate %.3f Gb/s, rtt %lld ns, in flight %llu B\n",
                    f.cwnd_bytes, f.rate_bps / 1e9, static_cast<long long>(f.rtt_ns),
                    static_cast<unsigned long long>(f.bytes_in_flight));
      });
      g_stop = true;
      rte_eal_wait_lcore(worker);
      mpps = static_cast<double>(data) / seconds / 1e6;
      sender_busy = static_cast<double>(busy) / static_cast<double>(iters);
      receiver_busy = static_cast<double>(rx_side.busy) / static_cast<double>(rx_side.iterations);
      acks = sender.host().counters().acks_received;
      timeouts = sender.host().counters().timeouts;
      payload_errors = receiver.host().counters().payload_errors;
      sender.drain();
      receiver.drain();
      link.drain();
    }
  }
  std::printf("host stack: %.3f Mpps data (1500-byte frames, 5-hop INT ACKs, payload %s), "
              "%.2f of 8.13 Mpps; busy iterations: sender %.0f%%, receiver %.0f%%; acks %llu, "
              "timeouts %llu, payload errors %llu\n",
              mpps, verify ? "filled+verified" : "not filled/verified", mpps / 8.13,
              100 * sender_busy, 100 * receiver_busy, static_cast<unsigned long long>(acks),
              static_cast<unsigned long long>(timeouts),
              static_cast<unsigned long long>(payload_errors));
  if (run_testpmd) {
    const double io = testpmd_io_mpps();
    std::printf("dpdk-testpmd io on a net_null pair (same run, --no-huge): %.2f Mpps per port\n", io);
  }
  return 0;
}
