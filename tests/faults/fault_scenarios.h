// The fault scenarios both runners (the in-core test network and ns-3) use: a small dumbbell
// with flows both ways and one fault kind per scenario, and what each must show.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "faults/faults.h"

namespace ptcp::test {

struct Scenario {
  std::string name;
  std::string faults;  // the [faults] section
  enum class Expect { kRandomLoss, kBursts, kReorder, kDuplicate, kCorrupt, kDown, kMixed } expect;
};

std::vector<Scenario> scenarios();
// The whole experiment file of a scenario.
std::string scenario_text(const Scenario& s);
// What the hosts counted, when the runner can see it (the in-core network can; ns-3 results
// give only the totals).
struct HostDetail {
  std::uint64_t duplicates_received = 0;
  std::uint64_t bad_checksum = 0;  // frames rejected by the transport checksum
};
// gtest expectations on what the faults did and what the transport saw.
void check_scenario_counters(const Scenario& s, const faults::FaultCounters& f,
                             std::uint64_t retransmits, std::uint64_t timeouts,
                             std::uint64_t malformed, const HostDetail* detail);

// What one test binary's runs tried, printed when it ends: "faults tried (<runner>): N
// scenarios, F frames judged, L lost, ...; R retransmissions".
class FaultTotals {
 public:
  void add(const faults::FaultCounters& f, std::uint64_t retransmits);
  virtual ~FaultTotals() = default;

 protected:
  int runs_ = 0;
  faults::FaultCounters faults_;
  std::uint64_t retransmits_ = 0;
};
// Registers the totals of `runner` with gtest (printed at tear-down); once per binary.
FaultTotals& fault_totals(const char* runner);

// One machine-readable line per run, summed by scripts/test (ctest runs each test case in its
// own process, so per-binary totals would not add up):
//   faults scenario <runner> <name>: judged=N lost=N reordered=N duplicated=N corrupted=N retransmits=N timeouts=N
void print_count_line(const char* runner, const std::string& name, const faults::FaultCounters& f,
                      std::uint64_t retransmits, std::uint64_t timeouts);

}  // namespace ptcp::test
