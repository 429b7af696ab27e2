#include "cc/registry.h"

#include <gtest/gtest.h>

namespace ptcp::cc {
namespace {
TEST(Registry, HasPowertcp) { EXPECT_NE(Registry::global().find("powertcp"), nullptr); }
}  // namespace
}  // namespace ptcp::cc
