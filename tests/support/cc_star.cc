#include "support/cc_star.h"

#include <memory>
#include <stdexcept>

#include "switch/switch.h"
#include "transport/host.h"
#include "wire/format.h"

namespace ptcp::test {

void build_cc_star(CcStar& star, const CcStarSpec& spec, const std::string& algorithm,
                   const cc::ParamValues& params) {
  const cc::Algorithm* a = cc::Registry::global().find(algorithm);
  if (a == nullptr) throw std::invalid_argument("cc_star: unknown algorithm " + algorithm);
  star.algo = *a;
  cc::ParamValues resolved;
  if (const auto err = cc::resolve_params(star.algo, params, resolved)) {
    throw std::invalid_argument("cc_star: " + *err);
  }
  const int n = spec.senders;
  for (int i = 0; i <= n; ++i) {
    transport::HostConfig h;
    h.node_index = static_cast<std::uint32_t>(i);
    h.link_rate = spec.rate;
    h.payload_bytes = spec.payload;
    h.rto = 2 * kNsPerMs;
    h.rto_max = 20 * kNsPerMs;
    h.int_enabled = star.algo.needs_int;
    h.ecn_capable = false;
    h.verify_payload = false;
    h.algorithm = &star.algo;
    h.cc_params = resolved;
    h.base_rtt = spec.tau;
    if (spec.ack_every) h.ack_every = *spec.ack_every;
    auto node = std::make_unique<HostNode>(h);
    star.hosts.push_back(node.get());
    star.net.add_node(std::move(node));
  }
  sw::SwitchConfig c;
  c.node_index = 1000;
  c.buffer_bytes = 4u << 20;  // room for every flow's line-rate start: (N-1) BDP, 455 KB at N = 8
  c.ecn_enabled = false;
  c.int_enabled = spec.switch_int;
  c.ports.assign(static_cast<std::size_t>(n) + 1, sw::PortConfig{spec.rate, {}, spec.link_delay, true});
  auto swn = std::make_unique<SwitchNode>(c);
  star.sw = swn.get();
  const std::size_t sw_id = star.net.add_node(std::move(swn));
  const LinkSpec link{spec.rate, spec.link_delay, {}};
  for (int i = 0; i <= n; ++i) {
    star.net.connect(static_cast<std::size_t>(i), 0, sw_id, static_cast<std::size_t>(i), link, link);
    star.sw->sw().add_route(wire::node_ip(static_cast<std::uint32_t>(i)),
                            {static_cast<sw::PortId>(i)});
  }
  star.sw->attach(star.net, sw_id);
}

TimeNs cc_star_unloaded_rtt(CcStarSpec spec, const std::string& algorithm,
                            const cc::ParamValues& params) {
  spec.senders = 1;
  spec.tau = 20 * kNsPerUs;
  CcStar star;
  build_cc_star(star, spec, algorithm, params);
  TimeNs rtt = 0;
  star.hosts[0]->host().on_flow_complete = [&](const transport::FlowRecord& r) {
    rtt = r.end_ns - r.start_ns;
  };
  star.hosts[0]->host().start_flow(0, {1, 1, spec.payload});
  star.net.run(kNsPerMs);
  return rtt;
}

}  // namespace ptcp::test
