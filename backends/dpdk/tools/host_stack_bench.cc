// Host-stack benchmark (not a test): what one sending host's core sustains. A sender Host
// (PowerTCP, one long flow, 1500-byte frames) on lcore 0, cross-connected by a ring pair to
// lcore 1, which runs one of two peers (both by default, one after the other):
//  - full: a receiver Host. It stamps a 5-hop INT stack into each data packet (as 5 switches
//    would), then its core checks, delivers and ACKs it: the "two hosts" figure, where the
//    receiver's work (the payload's transport checksum above all) may be the limit.
//  - reflect: a light ACK reflector (ack_reflector.h): for every data frame an ACK patched
//    from a pre-built template (5 INT hops, cumulative ACK to the frame's end, checksum right),
//    so the sender's core is the one measured; the sender's Host takes them as real ACKs.
// Prints data packets per second, each lcore's busy share (which one saturated), and the ratio
// to 8.13 Mpps (100 Gb/s of 1500-byte frames); then runs dpdk-testpmd io forwarding on a
// net_null pair as the raw I/O ceiling of this machine, in the same run.
//
// The emulated NIC and base RTT bound the window (PowerTCP caps it at rate x base RTT). The
// default, 200 Gb/s x 8 us = 200 KB, is what a deployment has: pacing (16 Mpps) never caps the
// rate below 8.13 Mpps, and the rings never hold more than ~130 frames. --legacy-window is the
// old 1 Tb/s x 20 us (2.5 MB): the rings fill, frames wait ~1 ms and leave the cache, and the
// bench measures its own queueing (bench/README.md, "Host stack").
//
// Busy share: the fraction of an lcore's TSC cycles spent in loop iterations that moved a
// frame, measured on that lcore from the TSC read that starts each iteration (no extra read).
// Counting iterations instead says nothing: an idle iteration is a few empty polls, a working
// one a burst, so a saturated core could read 5%. A core near 100% is the one that saturated;
// "ns per data packet" is its busy time divided by the packets. Both lcores can read ~100%,
// since the faster one keeps finding a few frames per iteration; then the back-pressure says
// which one limits: the sender's tx bursts refused by a full data ring (its peer lags) or the
// peer's by a full ACK ring (the sender lags), and the mean rx burst (the limiting lcore reads
// full bursts of 32).
//
//   powertcp_dpdk_host_bench [seconds] [verify 0|1] [testpmd 0|1]
//       [--mode full|reflect|both] [--nic-gbps G] [--rtt-us U] [--legacy-window]
//       [--pacing-slack-us U]
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "backends/dpdk/ack_reflector.h"
#include "backends/dpdk/eal.h"
#include "backends/dpdk/frame_prefetch.h"
#include "backends/dpdk/host_node.h"
#include "backends/dpdk/mbuf_reset.h"
#include "backends/dpdk/mempool.h"
#include "backends/dpdk/port.h"
#include "backends/dpdk/ring_link.h"
#include "backends/dpdk/tsc_clock.h"
#include "cc/registry.h"
#include "wire/format.h"

using namespace ptcp;
using namespace ptcp::dpdk;

namespace {

constexpr std::uint32_t kFlow = 1;
std::atomic<bool> g_stop{false};

struct Options {
  double seconds = 3.0;
  bool verify = false;
  bool testpmd = true;
  bool full = true, reflect = true;
  BitsPerSec nic_rate = 200'000'000'000ULL;  // 16.4 Mpps of 1500-byte frames: never the limit
  TimeNs base_rtt = 8 * kNsPerUs;            // window cap 200 KB: the rings hold ~130 frames
  // transport::HostConfig::pacing_slack: the loop sends the departures a busy iteration missed
  // (about a burst of them at 200 Gb/s). 0: at most one frame of the flow per iteration.
  TimeNs pacing_slack = 2 * kNsPerUs;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "powertcp_dpdk_host_bench: %s\nusage: powertcp_dpdk_host_bench [seconds] "
               "[verify 0|1] [testpmd 0|1] [--mode full|reflect|both] [--nic-gbps G] "
               "[--rtt-us U] [--legacy-window] [--pacing-slack-us U]\n",
               why);
  std::exit(2);
}

double number(const char* what, const char* s) {
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s || *end != '\0' || !(v > 0)) usage((std::string(what) + " must be a number > 0, got '" + s + "'").c_str());
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage((std::string(a) + " needs a value").c_str());
      return argv[++i];
    };
    if (a == "--mode") {
      const std::string_view m = value();
      if (m != "full" && m != "reflect" && m != "both") usage("--mode is full, reflect or both");
      o.full = m != "reflect";
      o.reflect = m != "full";
    } else if (a == "--nic-gbps") {
      o.nic_rate = static_cast<BitsPerSec>(number("--nic-gbps", value()) * 1e9);
    } else if (a == "--rtt-us") {
      o.base_rtt = static_cast<TimeNs>(number("--rtt-us", value()) * 1e3);
    } else if (a == "--pacing-slack-us") {
      const char* v = value();
      o.pacing_slack = std::string_view(v) == "0" ? 0 : static_cast<TimeNs>(number("--pacing-slack-us", v) * 1e3);
    } else if (a == "--legacy-window") {
      o.nic_rate = 1'000'000'000'000ULL;
      o.base_rtt = 20 * kNsPerUs;
    } else if (!a.empty() && a[0] == '-') {
      usage(("unknown option " + std::string(a)).c_str());
    } else if (positional == 0) {
      o.seconds = number("seconds", argv[i]);
      ++positional;
    } else if (positional <= 2 && (a == "0" || a == "1")) {
      (positional == 1 ? o.verify : o.testpmd) = a == "1";
      ++positional;
    } else {
      usage(("unexpected argument " + std::string(a)).c_str());
    }
  }
  return o;
}

// This thread's CPU time: compared with the wall time of the window, it says whether the
// lcore kept its CPU (another process on these 2 cores halves the figures, so such runs must
// be visible in the output, not only in the load average). Flagged under 95%: quiet runs
// read 97-100% (timer ticks and the like).
TimeNs thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<TimeNs>(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
}

// TSC cycles of an lcore's loop, and those of iterations that did work.
class BusyMeter {
 public:
  void reset(std::uint64_t tsc) {
    start_ = last_ = tsc;
    busy_ = 0;
    cpu_at_reset_ = thread_cpu_ns();
  }
  // At the end of the window, on the lcore's own thread.
  void close() { cpu_ = thread_cpu_ns() - cpu_at_reset_; }
  // Share of the window's wall time this lcore's thread was on a CPU.
  double cpu_share(std::uint64_t hz) const {
    const double wall = static_cast<double>(total()) / static_cast<double>(hz) * 1e9;
    return wall > 0 ? static_cast<double>(cpu_) / wall : 0;
  }
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
  TimeNs cpu_at_reset_ = 0, cpu_ = 0;
};

// What lcore 1 runs: a receiver Host (full) or an ACK reflector.
struct Peer {
  HostNode* node = nullptr;              // full
  AckReflector* reflector = nullptr;     // reflect
  std::uint16_t port = 0;                // reflect: its end of the ring pair
  rte_mempool* pool = nullptr;           // reflect: where ACK mbufs come from
  std::uint32_t rate_mbps = 0;           // full: what the 5 stamped hops report
  TimeNs warm = 0;  // the meter restarts here (both lcores measure the same window)
  BusyMeter meter;
  std::uint64_t rx_frames = 0, rx_bursts = 0;  // data frames read by this loop, non-empty bursts
  std::uint64_t tx_refused = 0;                // reflect: ACK bursts the ring took only partly
  std::uint64_t alloc_failures = 0;            // reflect: no mbuf for an ACK (that one is lost)
};

transport::HostConfig config(std::uint32_t index, const Options& o) {
  const cc::Algorithm* a = cc::Registry::global().find("powertcp");
  transport::HostConfig c;
  c.node_index = index;
  c.link_rate = o.nic_rate;
  c.mtu = 1500;
  c.payload_bytes = 1500 - static_cast<std::uint32_t>(wire::header_len(true) - wire::kEthLen);
  c.int_enabled = true;
  c.verify_payload = o.verify;
  c.algorithm = a;
  if (auto err = cc::resolve_params(*a, {}, c.cc_params)) {
    std::fprintf(stderr, "powertcp parameters: %s\n", err->c_str());
    std::exit(2);
  }
  c.base_rtt = o.base_rtt;
  c.pacing_slack = o.pacing_slack;
  c.rto = 10 * kNsPerMs;
  return c;
}

// Shared loop frame of both peers: meter, warm-up, clock.
template <typename Body>
int peer_loop(Peer& side, Body body) {
  TscClock clock;
  bool worked = false, warmed = false;
  side.meter.reset(rte_rdtsc());
  while (!g_stop.load(std::memory_order_relaxed)) {
    const std::uint64_t tsc = rte_rdtsc();
    const TimeNs now = clock.at(tsc);
    side.meter.lap(tsc, worked);
    if (!warmed && now >= side.warm) {
      warmed = true;
      side.meter.reset(tsc);
      side.rx_frames = side.rx_bursts = 0;
    }
    worked = body(now);
  }
  side.meter.close();
  return 0;
}

void count_burst(Peer& side, std::uint16_t got) {
  side.rx_frames += got;
  ++side.rx_bursts;
}

// The full receiver: stamps 5 INT hops into each data frame, then the core answers with ACKs.
int receiver_main(void* arg) {
  Peer& side = *static_cast<Peer*>(arg);
  HostNode& n = *side.node;
  std::uint32_t tx_bytes = 0;
  std::array<rte_mbuf*, Egress::kBurst> rx;
  return peer_loop(side, [&](TimeNs now) {
    const std::uint16_t got = rte_eth_rx_burst(n.egress().port(), 0, rx.data(), Egress::kBurst);
    for (std::uint16_t i = 0; i < got; ++i) rte_prefetch0(rx[i]);  // as HostNode::receive
    if (got) prefetch_frame(rx[0]);
    for (std::uint16_t i = 0; i < got; ++i) {
      if (i + 1 < got) prefetch_frame(rx[i + 1]);
      auto frame = std::span<std::uint8_t>(rte_pktmbuf_mtod(rx[i], std::uint8_t*), rx[i]->data_len);
      tx_bytes += rx[i]->data_len;
      for (std::uint32_t h = 0; h < wire::kMaxIntHops; ++h) {
        wire::push_int_hop(frame, wire::IntHop{0, tx_bytes, static_cast<std::uint32_t>(now), side.rate_mbps});
      }
      n.deliver(now, frame);
    }
    if (got) {
      rte_pktmbuf_free_bulk(rx.data(), got);
      count_burst(side, got);
    }
    // It read the port itself (every data frame gets its INT stack): only the ACKs go out.
    return n.send_due(now) || got != 0;
  });
}

// The ACK reflector: for each data frame an ACK from the template, the data frame freed. ACKs
// the ring refuses wait (no new data is read meanwhile), so back-pressure reaches the sender.
int reflector_main(void* arg) {
  Peer& side = *static_cast<Peer*>(arg);
  AckReflector& r = *side.reflector;
  std::array<rte_mbuf*, Egress::kBurst> rx, acks;
  unsigned pending = 0, pending_at = 0;  // acks[pending_at, pending) not yet taken by the ring
  return peer_loop(side, [&](TimeNs now) {
    if (pending == 0) {
      const std::uint16_t got = rte_eth_rx_burst(side.port, 0, rx.data(), Egress::kBurst);
      if (got == 0) return false;
      count_burst(side, got);
      for (std::uint16_t i = 0; i < got; ++i) rte_prefetch0(rx[i]);
      if (rte_mempool_get_bulk(side.pool, reinterpret_cast<void**>(acks.data()), got) != 0) {
        side.alloc_failures += got;
        rte_pktmbuf_free_bulk(rx.data(), got);
        return true;
      }
      for (std::uint16_t i = 0; i < got; ++i) {
        rte_mbuf* a = acks[i];
        reset_for_tx(a);
        const std::span<const std::uint8_t> data(rte_pktmbuf_mtod(rx[i], const std::uint8_t*), rx[i]->data_len);
        const std::size_t len = r.reflect(data, static_cast<std::uint32_t>(now),
                                          {rte_pktmbuf_mtod(a, std::uint8_t*), AckReflector::kAckLen});
        if (len == 0) {  // not a data frame of the flow (counted): no ACK
          rte_pktmbuf_free(a);
          continue;
        }
        a->data_len = static_cast<std::uint16_t>(len);
        a->pkt_len = static_cast<std::uint32_t>(len);
        acks[pending++] = a;
      }
      rte_pktmbuf_free_bulk(rx.data(), got);
      pending_at = 0;
    }
    const std::uint16_t sent = rte_eth_tx_burst(side.port, 0, acks.data() + pending_at,
                                                static_cast<std::uint16_t>(pending - pending_at));
    pending_at += sent;
    if (pending_at < pending) {
      ++side.tx_refused;
    } else {
      pending = pending_at = 0;
    }
    return true;
  });
}

// Cache-line ping-pong between the two lcores: the round trip of a line that changes owner,
// which every frame and mbuf crossing the ring pair pays. On this VM it varies with where the
// hypervisor places the two vCPUs (same core complex or not), and every figure with it, so the
// bench prints it beside them.
struct alignas(64) PingLine {
  std::atomic<std::uint64_t> v{0};
};
PingLine g_ping;
constexpr std::uint64_t kPingRounds = 200'000;

int pong_main(void*) {
  for (std::uint64_t i = 1; i < 2 * kPingRounds; i += 2) {
    while (g_ping.v.load(std::memory_order_acquire) != i) rte_pause();
    g_ping.v.store(i + 1, std::memory_order_release);
  }
  return 0;
}

// Mean round trip in ns (lcore 0 writes, lcore 1 answers).
double core_to_core_round_trip_ns() {
  g_ping.v.store(0);
  const unsigned worker = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
  rte_eal_remote_launch(pong_main, nullptr, worker);
  TscClock clock;
  const TimeNs start = clock.now();
  for (std::uint64_t i = 0; i < 2 * kPingRounds; i += 2) {
    g_ping.v.store(i + 1, std::memory_order_release);
    while (g_ping.v.load(std::memory_order_acquire) != i + 2) rte_pause();
  }
  const TimeNs took = clock.now() - start;
  rte_eal_wait_lcore(worker);
  return static_cast<double>(took) / static_cast<double>(kPingRounds);
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

double per(std::uint64_t a, std::uint64_t b) {
  return static_cast<double>(a) / static_cast<double>(std::max<std::uint64_t>(b, 1));
}

// One measurement: the sender against the full receiver (reflect false) or the reflector.
void run(const Options& o, bool reflect, rte_mempool* pool) {
  g_stop = false;
  const char* peer_name = reflect ? "reflector" : "receiver";
  RingLink link(reflect ? "R" : "F", 1024);
  setup_port(link.port_a(), pool, {});
  setup_port(link.port_b(), pool, {});
  HostNode sender(config(0, o), Egress(link.port_a(), o.nic_rate, 0, 64 * kNsPerUs), pool);
  HostNode receiver(config(1, o), Egress(link.port_b(), o.nic_rate, 0, 64 * kNsPerUs), pool);
  const auto rate_mbps = static_cast<std::uint32_t>(o.nic_rate / 1'000'000);
  AckReflector reflector(0, 1, kFlow, rate_mbps);
  TscClock clock;
  Peer peer;
  peer.node = &receiver;
  peer.reflector = &reflector;
  peer.port = link.port_b();
  peer.pool = pool;
  peer.rate_mbps = rate_mbps;
  peer.warm = clock.now() + kNsPerSec / 2;
  const unsigned worker = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
  rte_eal_remote_launch(reflect ? reflector_main : receiver_main, &peer, worker);

  sender.start_flow(clock.now(), transport::FlowSpec{kFlow, 1, 1ULL << 50});
  const TimeNs end = peer.warm + static_cast<TimeNs>(o.seconds * 1e9);
  std::uint64_t data_at_warm = 0, s_rx_at_warm = 0, s_bursts_at_warm = 0, s_refused_at_warm = 0;
  BusyMeter meter;
  meter.reset(rte_rdtsc());
  bool warmed = false, worked = false;
  while (true) {
    const std::uint64_t tsc = rte_rdtsc();
    const TimeNs now = clock.at(tsc);
    meter.lap(tsc, worked);
    if (now >= end) break;
    if (!warmed && now >= peer.warm) {
      warmed = true;
      data_at_warm = sender.host().counters().data_sent;
      s_rx_at_warm = sender.counters().rx_frames;
      s_bursts_at_warm = sender.counters().rx_bursts;
      s_refused_at_warm = sender.egress().counters().device_busy;
      meter.reset(tsc);
    }
    worked = sender.poll(now);
  }
  meter.close();
  g_stop = true;  // the peer's meter closes the same window
  rte_eal_wait_lcore(worker);

  const std::uint64_t data = sender.host().counters().data_sent - data_at_warm;
  const double s_burst = per(sender.counters().rx_frames - s_rx_at_warm, sender.counters().rx_bursts - s_bursts_at_warm);
  const double p_burst = per(peer.rx_frames, peer.rx_bursts);
  const std::uint64_t s_refused = sender.egress().counters().device_busy - s_refused_at_warm;
  const std::uint64_t p_refused = reflect ? peer.tx_refused : receiver.egress().counters().device_busy;
  const std::uint64_t p_alloc = reflect ? peer.alloc_failures : receiver.counters().mbuf_alloc_failures;
  std::printf("[%s] sender: mean rx burst %.1f frames, tx bursts refused by a full ring %llu, mbuf "
              "alloc failures %llu\n",
              peer_name, s_burst, static_cast<unsigned long long>(s_refused),
              static_cast<unsigned long long>(sender.counters().mbuf_alloc_failures));
  std::printf("[%s] %s: mean rx burst %.1f frames, tx bursts refused by a full ring %llu, mbuf "
              "alloc failures %llu\n",
              peer_name, peer_name, p_burst, static_cast<unsigned long long>(p_refused),
              static_cast<unsigned long long>(p_alloc));
  bool window_bound = false;
  sender.host().for_each_flow([&](const transport::FlowSample& f) {
    // Within two full frames of the window: the window, not a core, held the sender back. The
    // window counts wire bytes (cc/cc.h), in-flight payload bytes: scale by frame over payload.
    const transport::HostConfig& c = sender.host().config();
    const double frame = static_cast<double>(wire::wire_bytes(wire::frame_len(true, c.payload_bytes)));
    window_bound = static_cast<double>(f.bytes_in_flight) * frame / c.payload_bytes + 2 * frame >= f.cwnd_bytes;
    std::printf("[%s] flow at end: cwnd %.0f B, rate %.3f Gb/s, rtt %lld ns, in flight %llu B%s\n",
                peer_name, f.cwnd_bytes, f.rate_bps / 1e9, static_cast<long long>(f.rtt_ns),
                static_cast<unsigned long long>(f.bytes_in_flight),
                window_bound ? " (window-bound)" : "");
  });
  const double s_share = meter.share(), p_share = peer.meter.share();
  // Both rings full for long: each lcore waited on the other, i.e. one lost its CPU.
  const bool both_full = std::min(s_refused, p_refused) * 10 > std::max(s_refused, p_refused);
  const std::string lagging = std::string(peer_name) + " (the data ring to it filled up)";
  const std::string saturated =
      both_full              ? "unclear: both rings filled up (an lcore lost its CPU to another process)"
      : s_refused > p_refused ? lagging
      : p_refused > 0          ? "sender (the ACK ring to it filled up)"
      : std::max(s_share, p_share) < 0.9 ? "neither lcore (under 90% busy: the window or pacing held the sender back)"
      : s_share >= p_share     ? "sender (busier lcore, its peer keeps up)"
                               : std::string(peer_name) + " (busier lcore)";
  const double mpps = static_cast<double>(data) / o.seconds / 1e6;
  const double hz = static_cast<double>(clock.hz());
  const double s_cpu = meter.cpu_share(clock.hz()), p_cpu = peer.meter.cpu_share(clock.hz());
  const auto ns_per = [&](const BusyMeter& m) { return static_cast<double>(m.busy()) / hz * 1e9 / static_cast<double>(std::max<std::uint64_t>(data, 1)); };
  std::printf("host stack [%s]: %.3f Mpps data (1500-byte frames, 5-hop INT ACKs, payload %s, "
              "NIC %.0f Gb/s, base RTT %.1f us, pacing slack %.1f us), %.2f of 8.13 Mpps; busy (share of TSC cycles in "
              "iterations that moved a frame): sender lcore %.0f%% (%.0f ns per data packet), %s "
              "lcore %.0f%% (%.0f ns); saturated: %s; lcores on a CPU %.1f%% and %.1f%% of the window%s; acks %llu, timeouts %llu, payload errors "
              "%llu, ACKs not reflected %llu\n",
              reflect ? "sender vs ACK reflector" : "sender vs full receiver", mpps,
              o.verify ? "filled+verified" : "not filled/verified",
              static_cast<double>(o.nic_rate) / 1e9, static_cast<double>(o.base_rtt) / 1e3,
              static_cast<double>(o.pacing_slack) / 1e3, mpps / 8.13, 100 * s_share, ns_per(meter), peer_name, 100 * p_share, ns_per(peer.meter),
              saturated.c_str(), 100 * s_cpu, 100 * p_cpu,
              std::min(s_cpu, p_cpu) < 0.95 ? " (DISTURBED: another process took CPU time)" : "",
              static_cast<unsigned long long>(sender.host().counters().acks_received),
              static_cast<unsigned long long>(sender.host().counters().timeouts),
              static_cast<unsigned long long>(receiver.host().counters().payload_errors),
              static_cast<unsigned long long>(reflector.ignored()));
  std::fflush(stdout);
  sender.drain();
  receiver.drain();
  link.drain();
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  {
    EalSession eal(resolve_eal_args({}, {"-l", "0-1", "--log-level=lib.eal:warning"}));
    if (rte_lcore_count() < 2) {
      std::fprintf(stderr, "needs 2 lcores\n");
      return 2;
    }
    MbufPool pool("bench", 16383, data_room_for_mtu(1500));
    std::printf("core-to-core cache line round trip before the runs: %.0f ns\n", core_to_core_round_trip_ns());
    if (o.full) run(o, false, pool.get());
    if (o.reflect) run(o, true, pool.get());
    std::printf("core-to-core cache line round trip after the runs: %.0f ns\n", core_to_core_round_trip_ns());
    if (pool.in_use() != 0) std::printf("mbufs not returned to the pool: %u\n", pool.in_use());
  }
  if (o.testpmd) {
    const double io = testpmd_io_mpps();
    std::printf("dpdk-testpmd io on a net_null pair (same run, --no-huge): %.2f Mpps per port\n", io);
  }
  return 0;
}
