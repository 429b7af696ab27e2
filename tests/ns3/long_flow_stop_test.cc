// Long flows with a stop time on ns-3 (workload kind long-flows): the backend calls
// Host::stop_flow at the stop time, so the flow stops sending, completes once what it sent is
// acknowledged, and is recorded in fct.csv with that size; the receiver verifies every byte.
// A flow that finished before its stop time is left alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "experiment_runs.h"

namespace ptcp::ns3test {
namespace {

const exp::FctRow* row_of(const exp::Results& r, std::uint32_t id) {
  const auto it = std::find_if(r.fct.begin(), r.fct.end(),
                               [&](const exp::FctRow& f) { return f.flow_id == id; });
  return it == r.fct.end() ? nullptr : &*it;
}

TEST(LongFlowStop, StoppedFlowEndsAndIsRecordedFinishedFlowIsLeftAlone) {
  // The fairness dumbbell (25G, 1 us links), 3 ms: flow 0 has no size and stops at 1 ms; flow 1
  // sends 100 KB from 0 and is done long before its stop at 2 ms.
  const exp::Experiment e = load("fairness", {"run.duration=3ms"});
  exp::Flow lng;
  lng.id = 0;
  lng.src = 0;
  lng.dst = 4;
  lng.start = 0;
  lng.stop = 1 * kNsPerMs;
  lng.size_bytes = 0;  // sized by the backend beyond what the NIC can send by its stop
  exp::Flow sht;
  sht.id = 1;
  sht.src = 1;
  sht.dst = 5;
  sht.start = 0;
  sht.stop = 2 * kNsPerMs;
  sht.size_bytes = 100'000;
  exp::Results out;
  ns3sim::RunStats st;
  ns3sim::run_on_ns3(e, {lng, sht}, {}, out, &st);

  ASSERT_EQ(out.fct.size(), 2u);
  const exp::FctRow* a = row_of(out, 0);
  const exp::FctRow* b = row_of(out, 1);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  std::printf("stopped flow: %llu bytes, ended %.3f us after its stop; finished flow: %llu bytes "
              "at %.1f us\n",
              static_cast<unsigned long long>(a->size_bytes),
              static_cast<double>(a->end_ns - lng.stop) / 1e3,
              static_cast<unsigned long long>(b->size_bytes), static_cast<double>(b->end_ns) / 1e3);
  // Ends just after its stop (the in-flight window's round trip: well under 100 us here) ...
  EXPECT_GE(a->end_ns, lng.stop);
  EXPECT_LT(a->end_ns, lng.stop + 100 * kNsPerUs);
  // ... with the bytes it sent: two flows share 25G for 1 ms, so between 1 and 3.2 MB.
  EXPECT_GT(a->size_bytes, 1'000'000u);
  EXPECT_LT(a->size_bytes, 3'200'000u);
  // The finished flow: its own size, completed before its stop time, recorded once.
  EXPECT_EQ(b->size_bytes, 100'000u);
  EXPECT_LT(b->end_ns, sht.stop);
  // Both receivers verified every byte and saw the end.
  EXPECT_EQ(std::count(st.flows_received.begin(), st.flows_received.end(), 0u), 1);
  EXPECT_EQ(std::count(st.flows_received.begin(), st.flows_received.end(), 1u), 1);
  EXPECT_EQ(st.bytes_delivered, a->size_bytes + b->size_bytes);
  EXPECT_EQ(out.counters.at(exp::counter::kPayloadErrors), 0u);
  // Nothing is sent after the stop: the bottleneck is quiet from 1.2 ms to the end of the run.
  const std::uint32_t port = *e.topology->find_port("sw0->sw1");
  std::vector<exp::LinkRow> l;
  for (const auto& row : out.links) {
    if (row.port == port) l.push_back(row);
  }
  ASSERT_FALSE(l.empty());
  EXPECT_GT(l.back().time_ns, 2 * kNsPerMs);
  EXPECT_EQ(tx_between(l, 1200 * kNsPerUs, l.back().time_ns), 0.0);
  EXPECT_GT(tx_between(l, 0, 1200 * kNsPerUs), 1e6);
}

}  // namespace
}  // namespace ptcp::ns3test
