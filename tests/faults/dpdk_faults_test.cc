// The same fault scenarios as faults_run_test, on the DPDK virtual testbed: every link end's
// egress judges its frames with the core injector (backends/dpdk/egress.h). Every flow
// completes, every byte is verified, the mempool holds as many free mbufs after the run as
// before (duplicates are copies from it), and the cost of the faults is printed.
//
// Bounded: the run stops at the experiment's duration + drain_limit (run time), and a
// watchdog stops it after kWallLimit of wall time (the test then fails).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "backends/dpdk/dpdk_backend.h"
#include "backends/dpdk/virtual_testbed.h"
#include "dpdk/eal_environment.h"
#include "experiment/parse.h"
#include "experiment/scale.h"
#include "experiment/workload.h"
#include "fault_net.h"
#include "fault_scenarios.h"

namespace ptcp::test {

// Test names and failure messages show the scenario's name, not its bytes.
void PrintTo(const Scenario& s, std::ostream* os) { *os << s.name; }

namespace {

// 10G links at scale 20 run at 500 Mb/s: one loop on a shared core keeps every link busy,
// and the scenarios take about 0.1-0.3 s of wall time each.
constexpr const char* kScale = "testbed.scale=20";
constexpr auto kWallLimit = std::chrono::seconds(60);

FaultTotals& totals = fault_totals("dpdk");

// Sets `stop` after `limit` of wall time unless destroyed first.
class Watchdog {
 public:
  Watchdog(std::atomic<bool>& stop, std::chrono::seconds limit)
      : thread_([this, &stop, limit] {
          std::unique_lock lk(mu_);
          if (!cv_.wait_for(lk, limit, [this] { return done_; })) stop = true;
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lk(mu_);
      done_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

class DpdkFaultRun : public ::testing::TestWithParam<Scenario> {};

TEST_P(DpdkFaultRun, EveryFlowCompletesAndEveryByteIsVerified) {
  const Scenario& sc = GetParam();
  const exp::Experiment e = exp::parse_experiment(scenario_text(sc), "mem/" + sc.name + ".toml",
                                                  {exp::parse_override(kScale)}, nullptr);
  const exp::Experiment scaled = exp::scaled_for_run(e);
  const std::vector<exp::Flow> flows = exp::scale_flows(exp::generate_flows(e), e.testbed.scale);
  std::uint64_t expected = 0;
  for (const exp::Flow& f : flows) expected += f.size_bytes;

  std::atomic<bool> stop{false};
  dpdk::TestbedOptions opt;
  opt.probe_rounds = 1;  // faults act from the flows' epoch on; one clean probe per pair
  opt.stop_requested = &stop;
  dpdk::TestbedRun run;
  const auto wall0 = std::chrono::steady_clock::now();
  {
    dpdk::VirtualTestbed tb(scaled, flows, opt);
    Watchdog dog(stop, kWallLimit);
    run = tb.run();
  }
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

  std::uint64_t retransmits = 0, timeouts = 0, host_malformed = 0, payload_errors = 0;
  HostDetail detail;
  for (const transport::HostCounters& c : run.host_counters) {
    retransmits += c.retransmits;
    timeouts += c.timeouts;
    host_malformed += c.malformed;
    payload_errors += c.payload_errors;
    detail.duplicates_received += c.duplicates_received;
    detail.bad_checksum += c.malformed_by_status[static_cast<int>(wire::ParseStatus::kBadChecksum)];
  }
  std::uint64_t switch_malformed = 0;
  for (const auto& [node, c] : run.switch_counters) switch_malformed += c.malformed;
  std::uint64_t delivered = 0;
  for (const dpdk::ReceivedFlow& r : run.received) delivered += r.bytes;
  std::uint64_t copies = 0, copy_failures = 0, freed = 0;
  for (const dpdk::EgressCounters& ec : run.egress_counters) {
    copies += ec.fault_copies;
    copy_failures += ec.fault_copy_failures;
    freed += ec.fault_freed;
  }
  const faults::FaultCounters& f = run.faults;
  std::printf("[%s dpdk] %zu/%zu flows, %llu/%llu bytes verified, payload errors %llu | %zu faulty "
              "link directions, frames judged %llu: lost %llu (%llu in %llu bursts, %llu link "
              "down), reordered %llu, duplicated %llu (%llu mbuf copies, %llu failed), corrupted "
              "%llu | retransmits %llu, timeouts %llu, duplicates received %llu, malformed %llu at "
              "hosts (%llu bad checksum) + %llu at switches | mbufs free %u -> %u of %u | run end "
              "%.1f ms (run units), %llu stalls, wall %.2f s\n",
              sc.name.c_str(), run.completed.size(), flows.size(),
              static_cast<unsigned long long>(delivered), static_cast<unsigned long long>(expected),
              static_cast<unsigned long long>(payload_errors), run.fault_links,
              static_cast<unsigned long long>(f.frames), static_cast<unsigned long long>(f.lost()),
              static_cast<unsigned long long>(f.lost_burst), static_cast<unsigned long long>(f.bursts),
              static_cast<unsigned long long>(f.lost_down), static_cast<unsigned long long>(f.reordered),
              static_cast<unsigned long long>(f.duplicated), static_cast<unsigned long long>(copies),
              static_cast<unsigned long long>(copy_failures),
              static_cast<unsigned long long>(f.corrupted), static_cast<unsigned long long>(retransmits),
              static_cast<unsigned long long>(timeouts),
              static_cast<unsigned long long>(detail.duplicates_received),
              static_cast<unsigned long long>(host_malformed),
              static_cast<unsigned long long>(detail.bad_checksum),
              static_cast<unsigned long long>(switch_malformed), run.pool_free_start,
              run.pool_free_end, run.pool_size, static_cast<double>(run.end_time) / 1e6,
              static_cast<unsigned long long>(run.loop.stalls), wall_s);
  print_count_line("dpdk", sc.name, f, retransmits, timeouts);
  totals.add(f, retransmits);

  EXPECT_FALSE(run.interrupted) << "stopped by the watchdog after " << kWallLimit.count() << " s";
  EXPECT_TRUE(run.all_completed);
  EXPECT_EQ(run.completed.size(), flows.size());
  EXPECT_EQ(run.received.size(), flows.size());
  EXPECT_EQ(delivered, expected);
  EXPECT_EQ(payload_errors, 0u);
  EXPECT_EQ(run.pool_free_end, run.pool_free_start);  // lost frames freed, copies returned
  EXPECT_EQ(freed, f.lost());
  EXPECT_EQ(copies + copy_failures, f.duplicated);
  EXPECT_GT(run.fault_links, 0u);
  check_scenario_counters(sc, f, retransmits, timeouts, host_malformed + switch_malformed, &detail);

  // meta.json's counters: the names ns-3 writes, and the mbuf copies besides.
  exp::Results res;
  dpdk::fill_results(scaled, run, res);
  EXPECT_EQ(res.counters["faults_lost"], f.lost());
  EXPECT_EQ(res.counters["faults_reordered"], f.reordered);
  EXPECT_EQ(res.counters["faults_duplicated"], f.duplicated);
  EXPECT_EQ(res.counters["faults_corrupted"], f.corrupted);
  EXPECT_EQ(res.counters["faults_judged"], f.frames);
  EXPECT_EQ(res.counters["faults_mbuf_copies"], copies);
}

INSTANTIATE_TEST_SUITE_P(Faults, DpdkFaultRun, ::testing::ValuesIn(scenarios()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
}  // namespace ptcp::test
