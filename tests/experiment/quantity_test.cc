#include "experiment/quantity.h"

#include <gtest/gtest.h>

namespace ptcp::exp {
namespace {

TEST(Quantity, ParsesTimesWithUnits) {
  EXPECT_EQ(parse_time("10us"), 10'000);
  EXPECT_EQ(parse_time("28.96us"), 28'960);
  EXPECT_EQ(parse_time("1.5ms"), 1'500'000);
  EXPECT_EQ(parse_time("2s"), 2'000'000'000);
  EXPECT_EQ(parse_time("7"), 7);
  EXPECT_EQ(parse_time("7ns"), 7);
  EXPECT_FALSE(parse_time("1.5ns"));  // not a whole nanosecond
  EXPECT_FALSE(parse_time("10 parsecs"));
  EXPECT_FALSE(parse_time("us"));
  EXPECT_FALSE(parse_time("-1us"));
  EXPECT_FALSE(parse_time(""));
}

TEST(Quantity, ParsesRatesAndBytes) {
  EXPECT_EQ(parse_rate("25Gbps"), 25'000'000'000ULL);
  EXPECT_EQ(parse_rate("150Mbps"), 150'000'000ULL);
  EXPECT_EQ(parse_rate("2.5Gbps"), 2'500'000'000ULL);
  EXPECT_FALSE(parse_rate("25GB"));
  EXPECT_EQ(parse_bytes("4MiB"), 4ULL * 1024 * 1024);
  EXPECT_EQ(parse_bytes("2MB"), 2'000'000ULL);
  EXPECT_EQ(parse_bytes("100KB"), 100'000ULL);
  EXPECT_EQ(parse_bytes("1000"), 1000ULL);
  EXPECT_FALSE(parse_bytes("1.5B"));
  EXPECT_FALSE(parse_bytes("3Gbps"));
}

TEST(Quantity, FormatsShortestExactSpelling) {
  EXPECT_EQ(format_time(28'960), "28.96us");
  EXPECT_EQ(format_time(6 * kNsPerMs), "6ms");
  EXPECT_EQ(format_time(1'234'567), "1234.567us");
  EXPECT_EQ(format_time(999), "999ns");
  EXPECT_EQ(format_rate(25'000'000'000ULL), "25Gbps");
  EXPECT_EQ(format_rate(250'000'000ULL), "250Mbps");
  EXPECT_EQ(format_bytes(4ULL * 1024 * 1024), "4MiB");
  for (TimeNs t : {TimeNs{1}, TimeNs{28'960}, TimeNs{1'234'567}, TimeNs{3 * kNsPerSec}}) {
    EXPECT_EQ(parse_time(format_time(t)), t);
  }
}

}  // namespace
}  // namespace ptcp::exp
