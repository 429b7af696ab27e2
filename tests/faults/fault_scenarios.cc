#include "fault_scenarios.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "fault_net.h"

namespace ptcp::test {

std::vector<Scenario> scenarios() {
  using E = Scenario::Expect;
  return {
      {"loss_0_1pct", "loss = 0.001\n", E::kRandomLoss},
      {"loss_1pct", "loss = 0.01\n", E::kRandomLoss},
      {"loss_5pct", "loss = 0.05\n", E::kRandomLoss},
      {"bursts", "burst_start = 0.002\nburst_length = 8\n", E::kBursts},
      {"reorder", "reorder = 0.02\n", E::kReorder},
      {"duplicate", "duplicate = 0.02\n", E::kDuplicate},
      {"corrupt", "corrupt = 0.01\n", E::kCorrupt},
      {"link_down", "links = \"none\"\n[[faults.down]]\nlink = \"sw0->sw1\"\nat = \"100us\"\nfor = \"3ms\"\n",
       E::kDown},
      {"mixed", "loss = 0.005\nburst_start = 0.001\nburst_length = 4\nreorder = 0.01\n"
                "duplicate = 0.01\ncorrupt = 0.005\n[[faults.down]]\nlink = \"h0->sw0\"\n"
                "at = \"200us\"\nfor = \"500us\"\n",
       E::kMixed},
  };
}

std::string scenario_text(const Scenario& s) {
  // Two hosts each side of a 10G bottleneck; flows both ways, of several sizes, at two times.
  return R"(
[topology]
kind = "dumbbell"
hosts_left = 2
hosts_right = 2
host_rate = "10Gbps"
host_delay = "1us"
bottleneck_rate = "10Gbps"
bottleneck_delay = "2us"

[transport]
rto = "200us"
rto_max = "2ms"

[cc]
algorithm = "dctcp"

[[workload]]
kind = "flows"
flows = [
  { src = "h0", dst = "h2", size = "1MB", start = "0us" },
  { src = "h1", dst = "h3", size = "300KB", start = "0us" },
  { src = "h2", dst = "h1", size = "200KB", start = "10us" },
  { src = "h3", dst = "h0", size = "3KB", start = "50us" },
  { src = "h1", dst = "h2", size = "64KB", start = "300us" },
]

[run]
duration = "1ms"
drain_limit = "1s"
seed = 5

[faults]
)" + s.faults;
}

void check_scenario_counters(const Scenario& s, const faults::FaultCounters& f,
                             std::uint64_t retransmits, std::uint64_t timeouts,
                             std::uint64_t malformed, const HostDetail* detail) {
  using E = Scenario::Expect;
  EXPECT_GT(f.frames, 0u);
  switch (s.expect) {
    case E::kRandomLoss:
      EXPECT_GT(f.lost_random, 0u);
      EXPECT_EQ(f.lost_burst + f.lost_down + f.reordered + f.duplicated + f.corrupted, 0u);
      EXPECT_GT(retransmits, 0u);
      break;
    case E::kBursts:
      EXPECT_GT(f.bursts, 0u);
      EXPECT_GT(f.lost_burst, f.bursts);  // several frames per burst on average
      EXPECT_EQ(f.lost_random, 0u);
      EXPECT_GT(retransmits, 0u);
      break;
    case E::kReorder:
      EXPECT_GT(f.reordered, 0u);
      EXPECT_EQ(f.lost(), 0u);
      break;
    case E::kDuplicate:
      EXPECT_GT(f.duplicated, 0u);
      EXPECT_EQ(f.lost(), 0u);
      if (detail != nullptr) {
        EXPECT_GT(detail->duplicates_received, 0u);
      }
      break;
    case E::kCorrupt:
      EXPECT_GT(f.corrupted, 0u);
      EXPECT_EQ(f.lost(), 0u);
      // Every corrupted frame was caught somewhere (most by the transport checksum). A frame
      // corrupted on one link and again (or lost) on the next is one rejection for two faults.
      EXPECT_LE(malformed, f.corrupted);
      EXPECT_GE(malformed * 10, f.corrupted * 9);
      if (detail != nullptr) {
        EXPECT_GT(detail->bad_checksum, 0u);
      }
      EXPECT_GT(retransmits, 0u);
      break;
    case E::kDown:
      EXPECT_GT(f.lost_down, 0u);
      EXPECT_EQ(f.lost_down, f.lost());
      EXPECT_GT(timeouts, 0u);
      break;
    case E::kMixed:
      EXPECT_GT(f.lost(), 0u);
      EXPECT_GT(f.reordered + f.duplicated + f.corrupted, 0u);
      // Corrupted frames may be duplicated or lost further on: only "some were caught".
      EXPECT_GT(malformed, 0u);
      break;
  }
}

void print_count_line(const char* runner, const std::string& name, const faults::FaultCounters& f,
                      std::uint64_t retransmits, std::uint64_t timeouts) {
  std::printf("faults scenario %s %s: judged=%llu lost=%llu reordered=%llu duplicated=%llu "
              "corrupted=%llu retransmits=%llu timeouts=%llu\n",
              runner, name.c_str(), static_cast<unsigned long long>(f.frames),
              static_cast<unsigned long long>(f.lost()), static_cast<unsigned long long>(f.reordered),
              static_cast<unsigned long long>(f.duplicated),
              static_cast<unsigned long long>(f.corrupted),
              static_cast<unsigned long long>(retransmits), static_cast<unsigned long long>(timeouts));
}

void FaultTotals::add(const faults::FaultCounters& f, std::uint64_t retransmits) {
  ++runs_;
  faults_ += f;
  retransmits_ += retransmits;
}

namespace {
class TotalsPrinter final : public FaultTotals, public ::testing::Environment {
 public:
  explicit TotalsPrinter(std::string runner) : runner_(std::move(runner)) {}
  void TearDown() override {
    std::printf("faults tried (%s): %d scenarios, %llu frames judged, %llu lost, %llu "
                "reordered, %llu duplicated, %llu corrupted; %llu retransmissions\n",
                runner_.c_str(), runs_, static_cast<unsigned long long>(faults_.frames),
                static_cast<unsigned long long>(faults_.lost()),
                static_cast<unsigned long long>(faults_.reordered),
                static_cast<unsigned long long>(faults_.duplicated),
                static_cast<unsigned long long>(faults_.corrupted),
                static_cast<unsigned long long>(retransmits_));
  }

 private:
  std::string runner_;
};
}  // namespace

FaultTotals& fault_totals(const char* runner) {
  auto* t = new TotalsPrinter(runner);  // gtest owns it
  ::testing::AddGlobalTestEnvironment(t);
  return *t;
}

}  // namespace ptcp::test
