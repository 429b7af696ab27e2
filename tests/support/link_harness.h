// The smallest useful network: two hosts (node indexes 0 and 1) on one full-duplex link.
// Tests start flows on either host, run, and read counters, completion records and the
// channel statistics (what the faults did).
#pragma once

#include <cstdint>
#include <vector>

#include "support/host_node.h"
#include "support/network.h"
#include "transport/host.h"

namespace ptcp::test {

struct HarnessOptions {
  LinkSpec link{};        // both directions
  Faults reverse_faults;  // faults from host 1 back to host 0 (ACKs); `link.faults` is 0 -> 1
  std::uint64_t seed = 1;
};

class LinkHarness {
 public:
  // The configs' node_index fields are overwritten with 0 and 1.
  LinkHarness(transport::HostConfig a, transport::HostConfig b, const HarnessOptions& opt);

  transport::Host& host(std::size_t i) { return hosts_[i]->host(); }
  Network& net() { return net_; }
  const Channel& forward() const { return net_.channel(0, 0); }  // host 0 -> host 1
  const Channel& reverse() const { return net_.channel(1, 0); }  // host 1 -> host 0
  Channel& forward() { return net_.channel(0, 0); }
  Channel& reverse() { return net_.channel(1, 0); }

  // Every completion seen by host 0 and host 1 (as senders), in order.
  const std::vector<transport::FlowRecord>& completed() const { return completed_; }

  // Runs until every started flow has completed, or `limit`. Returns the time reached.
  TimeNs run_until_done(TimeNs limit);
  TimeNs run(TimeNs until) { return net_.run(until); }

 private:
  Network net_;
  HostNode* hosts_[2];
  std::vector<transport::FlowRecord> completed_;
};

}  // namespace ptcp::test
