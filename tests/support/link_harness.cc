#include "support/link_harness.h"

#include <memory>
#include <utility>

namespace ptcp::test {

LinkHarness::LinkHarness(transport::HostConfig a, transport::HostConfig b,
                         const HarnessOptions& opt)
    : net_(opt.seed) {
  a.node_index = 0;
  b.node_index = 1;
  transport::HostConfig cfgs[2] = {std::move(a), std::move(b)};
  for (std::size_t i = 0; i < 2; ++i) {
    auto node = std::make_unique<HostNode>(std::move(cfgs[i]));
    hosts_[i] = node.get();
    hosts_[i]->host().on_flow_complete = [this](const transport::FlowRecord& r) {
      completed_.push_back(r);
    };
    net_.add_node(std::move(node));
  }
  LinkSpec back = opt.link;
  back.faults = opt.reverse_faults;
  net_.connect(0, 0, 1, 0, opt.link, back);
}

TimeNs LinkHarness::run_until_done(TimeNs limit) {
  return net_.run(limit, [this] {
    return hosts_[0]->host().active_flows() == 0 && hosts_[1]->host().active_flows() == 0;
  });
}

}  // namespace ptcp::test
