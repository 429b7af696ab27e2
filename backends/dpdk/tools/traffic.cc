// Traffic tool on the DPDK host runtime (HostNode + the core's transport), one mode each:
//   iperf   one long flow to the peer; every second: Gb/s acknowledged, data kpps, retransmits
//   load    flows with sizes from a CDF file, Poisson arrivals at --load of the link rate;
//           every second: flows started and finished, goodput, FCT p50/p99
//   incast  every --interval, a request: --fan-in flows of --bytes to the peer at once; every
//           second: requests completed and their completion time p50/p99
//   sink    receive only (the peer of the others); every second: Gb/s received, flows done
// The tool is node --me (addresses 10.0.0.me+1); the peer is --peer. With --loopback the peer
// (a sink) runs in this process on the far end of a ring cable; otherwise the first DPDK port
// (from the EAL arguments, e.g. --vdev=net_memif0,... or -a PCI) is cabled to a peer process.
//
//   powertcp_dpdk_traffic [EAL args] -- MODE [--rate 1Gbps] [--delay 1us] [--cc theta-powertcp]
//       [--base-rtt 10us] [--time 5] [--me 0] [--peer 1] [--loopback]
//       [--cdf FILE --load 0.5] [--fan-in 8 --bytes 64KB --interval 10ms] [--seed 1]
#include <rte_eal.h>
#include <rte_ethdev.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backends/dpdk/eal.h"
#include "backends/dpdk/host_node.h"
#include "backends/dpdk/mempool.h"
#include "backends/dpdk/port.h"
#include "backends/dpdk/ring_fabric.h"
#include "backends/dpdk/tsc_clock.h"
#include "experiment/cdf.h"
#include "experiment/node_configs.h"
#include "experiment/parse.h"
#include "experiment/quantity.h"

using namespace ptcp;
using namespace ptcp::dpdk;

namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }

struct Args {
  std::string mode;
  std::string rate = "1Gbps", delay = "1us", cc = "theta-powertcp", base_rtt = "10us";
  double time_s = 5;
  std::uint32_t me = 0, peer = 1;
  bool loopback = false;
  std::string cdf;
  double load = 0.5;
  std::uint32_t fan_in = 8;
  std::string bytes = "64KB", interval = "10ms";
  std::uint64_t seed = 1;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "powertcp_dpdk_traffic: %s\nusage: powertcp_dpdk_traffic [EAL args] -- "
               "iperf|load|incast|sink [--rate R] [--delay T] [--cc NAME] [--base-rtt T] [--time S] "
               "[--me N] [--peer N] [--loopback] [--cdf FILE --load L] [--fan-in K --bytes B "
               "--interval T] [--seed N]\n", why.c_str());
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args a;
  if (argc < 1) usage("no mode");
  a.mode = argv[0];
  if (a.mode != "iperf" && a.mode != "load" && a.mode != "incast" && a.mode != "sink") usage("unknown mode " + a.mode);
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) usage(k + " needs a value");
      return argv[++i];
    };
    if (k == "--rate") a.rate = val();
    else if (k == "--delay") a.delay = val();
    else if (k == "--cc") a.cc = val();
    else if (k == "--base-rtt") a.base_rtt = val();
    else if (k == "--time") a.time_s = std::stod(val());
    else if (k == "--me") a.me = static_cast<std::uint32_t>(std::stoul(val()));
    else if (k == "--peer") a.peer = static_cast<std::uint32_t>(std::stoul(val()));
    else if (k == "--loopback") a.loopback = true;
    else if (k == "--cdf") a.cdf = val();
    else if (k == "--load") a.load = std::stod(val());
    else if (k == "--fan-in") a.fan_in = static_cast<std::uint32_t>(std::stoul(val()));
    else if (k == "--bytes") a.bytes = val();
    else if (k == "--interval") a.interval = val();
    else if (k == "--seed") a.seed = std::stoull(val());
    else usage("unknown option " + k);
  }
  if (a.mode == "load" && a.cdf.empty()) usage("load needs --cdf FILE");
  if (a.me == a.peer) usage("--me and --peer must differ");
  return a;
}

// The hosts' configuration the experiment layer would make: a star of max(me, peer) + 1 hosts
// with the given link and CC (the switch is not used; hosts only need addresses and rates).
transport::HostConfig host_cfg(const Args& a, std::uint32_t index) {
  const std::string text = "[topology]\nkind = \"star\"\nhosts = " +
                           std::to_string(std::max(a.me, a.peer) + 1) + "\nhost_rate = \"" + a.rate +
                           "\"\nhost_delay = \"" + a.delay + "\"\n[cc]\nalgorithm = \"" + a.cc +
                           "\"\nbase_rtt = \"" + a.base_rtt + "\"\n[[workload]]\nkind = \"flows\"\n"
                           "flows = [{ src = \"h0\", dst = \"h1\", size = \"1KB\" }]\n";
  try {
    const exp::Experiment e = exp::parse_experiment(text, "traffic-tool", {}, [](const std::string&) {
      return std::optional<std::string>();
    });
    return exp::host_config(e, index);
  } catch (const std::exception& err) {
    usage(err.what());
  }
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5))];
}

}  // namespace

int main(int argc, char** argv) {
  int sep = 1;
  while (sep < argc && std::strcmp(argv[sep], "--") != 0) ++sep;
  std::vector<std::string> eal(argv + 1, argv + sep);
  if (sep >= argc) usage("no mode (it follows --)");
  const Args a = parse_args(argc - sep - 1, argv + sep + 1);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    EalSession session(resolve_eal_args(eal, {"--log-level=lib.eal:warning"}));
    const transport::HostConfig cfg = host_cfg(a, a.me);
    MbufPool pool("ptcp_traffic", 16383, data_room_for_mtu(cfg.mtu));
    std::unique_ptr<RingFabric> fabric;
    QueueRef mine{0, 0}, theirs{0, 0};
    PortOptions popt;
    popt.mtu = cfg.mtu;
    if (a.loopback) {
      fabric = std::make_unique<RingFabric>("T", 1, 2048);
      for (std::size_t d = 0; d < fabric->devices().size(); ++d) {
        popt.queues = fabric->queues(d);
        setup_port(fabric->devices()[d], pool.get(), popt);
      }
      mine = fabric->end_a(0);
      theirs = fabric->end_b(0);
    } else {
      if (rte_eth_dev_count_avail() == 0) usage("no DPDK port: give one in the EAL arguments (or --loopback)");
      setup_port(0, pool.get(), popt);
      if (!wait_link_up(0, 30000)) usage("port 0: link down after 30 s (is the peer running?)");
    }
    const TimeNs delay = exp::parse_time(a.delay).value_or(0);
    const TimeNs catch_up = 8 * serialization_ns(wire::wire_bytes(cfg.mtu + wire::kEthLen), cfg.link_rate);
    HostNode host(cfg, Egress(mine.port, cfg.link_rate, delay, catch_up, mine.queue), pool.get());
    std::unique_ptr<HostNode> peer;
    if (a.loopback) {
      peer = std::make_unique<HostNode>(host_cfg(a, a.peer), Egress(theirs.port, cfg.link_rate, delay, catch_up, theirs.queue), pool.get());
    }
    HostNode& sink = peer ? *peer : host;

    // Per-second accounting.
    std::uint64_t rx_bytes = 0, flows_rx = 0, finished = 0, started = 0, requests_done = 0;
    std::vector<double> fcts, rcts;
    struct Request { TimeNs start; std::uint32_t left; };
    std::vector<Request> requests;
    std::vector<std::uint32_t> request_of;  // flow id -> request index
    sink.host().on_flow_received = [&](std::uint32_t, std::uint32_t, std::uint64_t bytes) {
      rx_bytes += bytes;
      ++flows_rx;
    };
    host.host().on_flow_complete = [&](const transport::FlowRecord& r) {
      ++finished;
      fcts.push_back(static_cast<double>(r.end_ns - r.start_ns) / 1e3);
      if (a.mode == "incast" && r.flow_id < request_of.size()) {
        Request& q = requests[request_of[r.flow_id]];
        if (--q.left == 0) {
          ++requests_done;
          rcts.push_back(static_cast<double>(r.end_ns - q.start) / 1e3);
        }
      }
    };
    exp::FlowSizeCdf cdf;
    if (a.mode == "load") {
      FILE* f = std::fopen(a.cdf.c_str(), "r");
      if (f == nullptr) usage("cannot read " + a.cdf);
      std::string text;
      char buf[4096];
      for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
      std::fclose(f);
      if (auto err = exp::FlowSizeCdf::parse(text, cdf)) usage(a.cdf + ": " + *err);
    }
    const std::uint64_t incast_bytes = exp::parse_bytes(a.bytes).value_or(0);
    const TimeNs interval = exp::parse_time(a.interval).value_or(0);
    if (a.mode == "incast" && (incast_bytes == 0 || interval <= 0)) usage("incast needs --bytes and --interval");
    std::mt19937_64 rng(a.seed);
    std::uniform_real_distribution<double> uni(0.0, 1.0);
    const double mean_gap_ns = a.mode == "load" ? cdf.mean() * 8.0 / (a.load * static_cast<double>(cfg.link_rate)) * 1e9 : 0;

    TscClock clock;
    const TimeNs t0 = clock.now();
    const TimeNs end = t0 + static_cast<TimeNs>(a.time_s * 1e9);
    TimeNs next_report = t0 + kNsPerSec, next_start = t0;
    std::uint32_t next_id = 0;
    std::uint64_t last_acked = 0, last_data = 0, last_retx = 0, last_rx = 0;
    if (a.mode == "iperf") {
      const std::uint64_t size = static_cast<std::uint64_t>(a.time_s * static_cast<double>(cfg.link_rate) / 8.0 * 2) + (1u << 20);
      host.start_flow(t0, transport::FlowSpec{next_id++, a.peer, size});
      std::printf("%-12s %10s %10s %8s\n", "interval", "Gb/s", "kpps", "retx");
    }
    bool stopped = false;
    while (g_stop == 0) {
      const TimeNs now = clock.now();
      if (a.mode == "load") {
        while (now >= next_start && now < end) {
          host.start_flow(now, transport::FlowSpec{next_id++, a.peer, cdf.sample(uni(rng))});
          ++started;
          next_start += static_cast<TimeNs>(-std::log(1.0 - uni(rng)) * mean_gap_ns) + 1;
        }
      } else if (a.mode == "incast" && now >= next_start && now < end) {
        requests.push_back(Request{now, a.fan_in});
        for (std::uint32_t k = 0; k < a.fan_in; ++k) {
          request_of.resize(next_id + 1);
          request_of[next_id] = static_cast<std::uint32_t>(requests.size() - 1);
          host.start_flow(now, transport::FlowSpec{next_id++, a.peer, incast_bytes});
          ++started;
        }
        next_start += interval;
      } else if (a.mode == "iperf" && now >= end && !stopped) {
        host.stop_flow(now, 0);
        stopped = true;
      }
      host.poll(now);
      if (peer) peer->poll(now);
      if (now >= next_report) {
        const double s = static_cast<double>(now - (next_report - kNsPerSec)) / 1e9;
        const double t = static_cast<double>(next_report - t0) / 1e9;
        const auto& c = host.host().counters();
        if (a.mode == "iperf") {
          std::uint64_t acked = last_acked;
          host.host().for_each_flow([&](const transport::FlowSample& f) { acked = f.acked_bytes; });
          std::printf("%4.0f-%-4.0f s  %10.3f %10.1f %8llu\n", t - 1, t,
                      static_cast<double>(acked - last_acked) * 8 / s / 1e9,
                      static_cast<double>(c.data_sent - last_data) / s / 1e3,
                      static_cast<unsigned long long>(c.retransmits - last_retx));
          last_acked = acked;
        } else if (a.mode == "load") {
          std::printf("%4.0f s  started %llu finished %llu  goodput %.3f Gb/s  fct p50 %.1f us p99 %.1f us  retx %llu\n",
                      t, static_cast<unsigned long long>(started), static_cast<unsigned long long>(finished),
                      static_cast<double>(rx_bytes - last_rx) * 8 / s / 1e9, percentile(fcts, 0.5),
                      percentile(fcts, 0.99), static_cast<unsigned long long>(c.retransmits - last_retx));
          fcts.clear();
        } else if (a.mode == "incast") {
          std::printf("%4.0f s  requests %zu done %llu  completion p50 %.1f us p99 %.1f us  retx %llu\n", t,
                      requests.size(), static_cast<unsigned long long>(requests_done),
                      percentile(rcts, 0.5), percentile(rcts, 0.99),
                      static_cast<unsigned long long>(c.retransmits - last_retx));
          rcts.clear();
        } else {
          std::printf("%4.0f s  %.3f Gb/s received  flows %llu\n", t,
                      static_cast<double>(rx_bytes - last_rx) * 8 / s / 1e9,
                      static_cast<unsigned long long>(flows_rx));
        }
        std::fflush(stdout);
        last_data = c.data_sent;
        last_retx = c.retransmits;
        last_rx = rx_bytes;
        next_report += kNsPerSec;
      }
      if (now >= end + (a.mode == "sink" ? 0 : kNsPerSec) && (a.mode == "sink" || host.host().active_flows() == 0)) break;
      if (now >= end + 10 * kNsPerSec) break;  // flows that cannot finish: give up
    }
    host.drain();
    if (peer) peer->drain();
    std::printf("total: %llu flows finished of %llu started, %llu retransmits, %llu bytes received\n",
                static_cast<unsigned long long>(finished), static_cast<unsigned long long>(a.mode == "iperf" ? 1 : started),
                static_cast<unsigned long long>(host.host().counters().retransmits),
                static_cast<unsigned long long>(rx_bytes));
    peer.reset();
    fabric.reset();
    if (!a.loopback) close_port(0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "powertcp_dpdk_traffic: %s\n", e.what());
    return 1;
  }
  return 0;
}
