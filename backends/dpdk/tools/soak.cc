// Soak benchmark (not a test): the virtual testbed for minutes with flows arriving all the
// time, watching the process's resident memory (and malloc's share of it) and the mempool.
// Prints a sample every few seconds and ends with two verdicts: memory flat (the last sample
// against the one at the end of the first minute, by which time every mbuf and table the run
// needs has been touched; allowed: 1 MiB plus what the run keeps per finished flow by design)
// and every mbuf back in the pool once the run is drained.
//
// Keep the offered load below what the loop sustains on the machine (stalls cut link time):
// an overloaded run accumulates live flows, and their state grows memory without any leak.
//
//   powertcp_dpdk_soak [--minutes M] [--experiment FILE] [--scale S] [--sample SECONDS]
//                      [--drain SECONDS] [--set key=value]... [-- EAL arguments]
//
// Defaults: experiments/websearch-small.toml (web search on a k=4 fat-tree, 16 hosts, Poisson
// arrivals at 50% load), scale 1000, 3 minutes, a sample every 5 s, EAL arguments
// --no-huge -m 1024 --no-shconf --no-pci -l 0. The run lasts M minutes of
// run time (the testbed runs in real time), then drains for at most --drain seconds (60: a
// 30 MB web-search flow alone takes 10 s on 25 Mb/s links). queue/flow/link
// samples are switched off (their rows would grow for as long as the run lasts and hide what
// the soak is looking for). Exit code 0 when both verdicts hold, 1 otherwise, 2 for bad input.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "backends/dpdk/eal.h"
#include "backends/dpdk/virtual_testbed.h"
#include "experiment/error.h"
#include "experiment/parse.h"
#include "experiment/scale.h"
#include "experiment/workload.h"

using namespace ptcp;
using namespace ptcp::dpdk;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

struct Args {
  double minutes = 3;
  std::string experiment = std::string(POWERTCP_SOURCE_DIR) + "/experiments/websearch-small.toml";
  double scale = 1000;
  double sample_s = 5;
  double drain_s = 60;
  std::vector<std::string> sets;
  std::vector<std::string> eal;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "powertcp_dpdk_soak: %s\nusage: powertcp_dpdk_soak [--minutes M] [--experiment FILE] "
               "[--scale S] [--sample SECONDS] [--drain SECONDS] [--set key=value]... [-- EAL arguments]\n",
               why.c_str());
  std::exit(2);
}

double positive(const std::string& flag, const char* v) {
  char* end = nullptr;
  const double x = std::strtod(v, &end);
  if (end == v || *end != '\0' || !(x > 0)) usage(flag + " wants a positive number, got '" + v + "'");
  return x;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string f = argv[i];
    if (f == "--") {
      a.eal.assign(argv + i + 1, argv + argc);
      break;
    }
    if (i + 1 >= argc) usage(f == "--help" || f == "-h" ? "help" : "missing value after " + f);
    const char* v = argv[++i];
    if (f == "--minutes") {
      a.minutes = positive(f, v);
    } else if (f == "--experiment") {
      a.experiment = v;
    } else if (f == "--scale") {
      a.scale = positive(f, v);
    } else if (f == "--drain") {
      a.drain_s = positive(f, v);
    } else if (f == "--sample") {
      a.sample_s = positive(f, v);
    } else if (f == "--set") {
      a.sets.emplace_back(v);
    } else {
      usage("unknown option " + f);
    }
  }
  return a;
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Resident set size in bytes (/proc/self/statm: size resident shared ... in pages).
std::uint64_t rss_bytes() {
  std::ifstream f("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

// Bytes malloc has handed out and not had back (glibc: arena + mmapped blocks): tells heap
// growth from the rest of RSS (DPDK's memory, touched pages).
std::uint64_t heap_bytes() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// A duration in whole microseconds, as an experiment file value.
std::string us(double seconds) { return std::to_string(static_cast<long long>(seconds * 1e6)) + "us"; }

struct Sample {
  double wall_s = 0;
  std::uint64_t rss = 0;
  std::uint64_t heap = 0;
  std::uint32_t mbufs_in_use = 0;
  std::size_t flows_done = 0;
};

double mib(std::uint64_t b) { return static_cast<double>(b) / (1024.0 * 1024.0); }

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse_args(argc, argv);
  const double run_s = a.minutes * 60.0;  // run time = wall time on the virtual testbed
  // Every time in the file is unscaled: divide by the scale to get run_s of run time.
  std::vector<std::string> sets = {
      "testbed.scale=" + std::to_string(a.scale),
      "run.duration=" + us(run_s / a.scale),
      "run.drain_limit=" + us(a.drain_s / a.scale),
      // One sample at the start, none after: sample rows grow with the run.
      "run.queue_interval=" + us(4 * run_s / a.scale),
      "run.flow_interval=" + us(4 * run_s / a.scale),
      "run.link_interval=" + us(4 * run_s / a.scale),
  };
  sets.insert(sets.end(), a.sets.begin(), a.sets.end());

  exp::Experiment e, scaled;
  std::vector<exp::Flow> flows;
  try {
    const auto text = read_text(a.experiment);
    if (!text) usage("cannot read " + a.experiment);
    std::vector<exp::Override> ov;
    for (const auto& s : sets) ov.push_back(exp::parse_override(s));
    e = exp::parse_experiment(*text, a.experiment, ov, read_text);
    scaled = exp::scaled_for_run(e);
    flows = exp::scale_flows(exp::generate_flows(e), e.testbed.scale);
  } catch (const exp::ExperimentError& err) {
    std::fprintf(stderr, "%s\n", err.what());
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  std::printf("soak: %s at scale %g, %.1f min of arrivals (%zu flows), sample every %g s\n",
              a.experiment.c_str(), a.scale, a.minutes, flows.size(), a.sample_s);
  std::vector<Sample> samples;
  TestbedRun run;
  std::uint32_t pool_size = 0;
  std::uint32_t max_in_use = 0;
  try {
    // The virtual defaults with 1 GB: websearch-small's 20 switches of 4 MiB need ~300 MB of mbufs.
    const std::vector<std::string> defaults = {"--no-huge", "-m", "1024", "--no-shconf", "--no-pci",
                                               "-l", "0", "--log-level=lib.eal:warning"};
    EalSession eal(resolve_eal_args(a.eal.empty() ? defaults : a.eal));
    std::printf("EAL:");
    for (const auto& s : eal.args()) std::printf(" %s", s.c_str());
    std::printf("\n");
    VirtualTestbed* tbp = nullptr;
    // Times are from the start of the flows (the first progress call), not from set-up.
    std::optional<std::chrono::steady_clock::time_point> wall0;
    double next_sample = 0;
    auto take = [&](std::size_t done) {
      Sample s;
      if (!wall0) wall0 = std::chrono::steady_clock::now();
      s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - *wall0).count();
      s.rss = rss_bytes();
      s.heap = heap_bytes();
      s.mbufs_in_use = tbp->pool().in_use();
      s.flows_done = done;
      max_in_use = std::max(max_in_use, s.mbufs_in_use);
      samples.push_back(s);
      std::printf("t=%7.1f s  rss %8.2f MiB  heap %7.2f MiB  mbufs in use %6u of %u  flows done %zu of %zu\n",
                  s.wall_s, mib(s.rss), mib(s.heap), s.mbufs_in_use, pool_size, done, flows.size());
      std::fflush(stdout);
    };
    TestbedOptions opt;
    opt.probe_rounds = 0;  // the experiment's tau; probing every pair would only delay the start
    opt.stop_requested = &g_stop;
    opt.progress = [&](TimeNs, std::size_t done, std::size_t) {
      if (!wall0) wall0 = std::chrono::steady_clock::now();
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - *wall0).count();
      if (t < next_sample) return;
      next_sample = t + a.sample_s;
      take(done);
    };
    samples.reserve(static_cast<std::size_t>(run_s / a.sample_s) + 64);
    VirtualTestbed tb(scaled, flows, opt);
    tbp = &tb;
    pool_size = tb.pool().size();
    run = tb.run();
    take(run.completed.size());
  } catch (const DpdkError& err) {
    std::fprintf(stderr, "dpdk: %s\n", err.what());
    return 2;
  } catch (const std::invalid_argument& err) {
    std::fprintf(stderr, "dpdk: %s\n", err.what());
    return 2;
  }

  std::uint64_t retx = 0, timeouts = 0, payload_errors = 0, delivered = 0;
  for (const auto& c : run.host_counters) {
    retx += c.retransmits;
    timeouts += c.timeouts;
    payload_errors += c.payload_errors;
    delivered += c.bytes_delivered;
  }
  std::printf("run: %s, end at %.1f s of run time; flows %zu of %zu completed (%zu received and "
              "verified, %.1f MB), payload errors %llu, retransmits %llu, timeouts %llu; loop stalls "
              "%llu (> %lld ns), stalled %.2f s in all\n",
              run.interrupted ? "interrupted" : run.all_completed ? "every flow done" : "hard stop",
              static_cast<double>(run.end_time) / 1e9, run.completed.size(), flows.size(),
              run.received.size(), static_cast<double>(delivered) / 1e6,
              static_cast<unsigned long long>(payload_errors), static_cast<unsigned long long>(retx),
              static_cast<unsigned long long>(timeouts), static_cast<unsigned long long>(run.loop.stalls),
              static_cast<long long>(run.loop.stall_threshold),
              static_cast<double>(run.loop.stalled_ns) / 1e9);

  // The baseline: the sample closest to the end of the first minute (the first one if the run
  // is shorter): by then every mbuf, ring and table the run needs has been touched.
  const Sample* base = &samples.front();
  for (const Sample& s : samples) {
    if (std::abs(s.wall_s - 60.0) < std::abs(base->wall_s - 60.0)) base = &s;
  }
  const Sample& last = samples.back();
  const double growth_mib = mib(last.rss) - mib(base->rss);
  const double heap_growth_mib = mib(last.heap) - mib(base->heap);
  const double minutes_after = (last.wall_s - base->wall_s) / 60.0;
  const std::size_t flows_after = last.flows_done - base->flows_done;
  // What the run keeps per finished flow by design: its fct row (FlowRecord) and receive record
  // (ReceivedFlow) in vectors reserved up front (their pages are touched as they fill), and the
  // receiver's entry for late duplicates (16 bytes in a hash node: ~64 with malloc's overhead).
  constexpr std::size_t kKeptPerFlow = sizeof(transport::FlowRecord) + sizeof(ReceivedFlow) + 64;
  const double allowance_mib = 1.0 + mib(kKeptPerFlow * flows_after);
  const bool flat = growth_mib <= allowance_mib;
  const bool returned = run.pool_free_end == run.pool_free_start;
  std::printf("memory: rss %.2f MiB at %.0f s, %.2f MiB at %.0f s: %+.3f MiB (%+.3f MiB per minute; "
              "heap %+.3f MiB); %zu flows finished in between (%+.0f bytes of rss per flow, %zu kept "
              "by design); flat (growth <= 1 MiB + %zu B per flow = %.2f MiB): %s\n",
              mib(base->rss), base->wall_s, mib(last.rss), last.wall_s, growth_mib,
              minutes_after > 0 ? growth_mib / minutes_after : 0.0, heap_growth_mib, flows_after,
              flows_after > 0 ? growth_mib * 1024 * 1024 / static_cast<double>(flows_after) : 0.0,
              kKeptPerFlow, kKeptPerFlow, allowance_mib, flat ? "yes" : "NO");
  std::printf("mbufs: pool %u, in use at most %u while running; free %u at start, %u after the "
              "drain: all returned: %s\n",
              run.pool_size, max_in_use, run.pool_free_start, run.pool_free_end, returned ? "yes" : "NO");
  return flat && returned && !run.interrupted ? 0 : 1;
}
