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
// gtest expectations on what the faults did and what the transport saw.
void check_scenario_counters(const Scenario& s, const faults::FaultCounters& f,
                             std::uint64_t retransmits, std::uint64_t timeouts,
                             std::uint64_t duplicates_received, std::uint64_t bad_checksum,
                             std::uint64_t malformed);

}  // namespace ptcp::test
