// One EAL per test process (DPDK cannot re-initialize it): a GoogleTest environment that
// starts it with the virtual-testbed defaults before the first test and cleans up after the
// last. ctest runs each test in its own process, so tests stay independent.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "backends/dpdk/eal.h"

namespace ptcp::dpdk::testing {

class EalEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    session_ = std::make_unique<EalSession>(resolve_eal_args({}, {"-l", "0", "--log-level=lib.eal:warning"}));
  }
  void TearDown() override { session_.reset(); }

 private:
  std::unique_ptr<EalSession> session_;
};

inline ::testing::Environment* const kEalEnvironment =
    ::testing::AddGlobalTestEnvironment(new EalEnvironment);

}  // namespace ptcp::dpdk::testing
