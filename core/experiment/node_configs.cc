#include "experiment/node_configs.h"

#include <stdexcept>

#include "wire/format.h"

namespace ptcp::exp {

transport::HostConfig host_config(const Experiment& e, std::uint32_t host,
                                  const HostOptions& opt) {
  const Topology& t = *e.topology;
  const Node& n = t.node(host);
  if (n.ports.size() != 1) {
    throw std::invalid_argument("host " + n.name + " must have exactly one link");
  }
  transport::HostConfig c;
  c.node_index = host;
  c.link_rate = t.port(n.ports.front()).link.rate;
  c.mtu = e.transport.mtu;
  c.payload_bytes = e.transport.payload_bytes;
  c.ack_every = e.transport.ack_every;
  c.rto = e.transport.rto;
  c.rto_max = e.transport.rto_max;
  c.dupack_threshold = e.transport.dupack_threshold;
  c.int_enabled = e.sw.int_enabled && e.cc.carries_int();
  c.ecn_capable = e.sw.ecn;
  c.verify_payload = opt.verify_payload;
  c.algorithm = e.cc.algo;
  c.cc_params = e.cc.params;
  c.base_rtt = e.cc.base_rtt;
  // Only DCQCN reacts to CNPs; other ECN users (DCTCP) read the echo in ACKs, and CNPs they
  // ignore would only add traffic.
  c.cnp_interval = e.cc.algorithm == "dcqcn" ? e.transport.cnp_interval : 0;
  return c;
}

sw::SwitchConfig switch_config(const Experiment& e, std::uint32_t node,
                               const SwitchOptions& opt) {
  const Topology& t = *e.topology;
  sw::SwitchConfig c;
  c.node_index = node;
  c.buffer_bytes = e.sw.buffer_bytes;
  c.dt_alpha = e.sw.dt_alpha;
  c.ecn_enabled = e.sw.ecn;
  c.int_enabled = e.sw.int_enabled;
  c.pfc.enabled = e.sw.pfc;
  c.pfc.mtu = e.transport.mtu + static_cast<std::uint32_t>(wire::kEthLen);  // largest frame
  // A different salt per switch keeps ECMP choices independent across tiers; the run's seed
  // changes every switch's marking randomness. Same value in every backend.
  c.seed = e.run.seed * 0x9e3779b97f4a7c15ULL + node;
  for (const std::uint32_t gp : t.node(node).ports) {
    const Port& p = t.port(gp);
    sw::PortConfig pc;
    pc.rate = p.link.rate;
    const Experiment::Ecn ecn = e.ecn_for_port(gp);
    pc.ecn = sw::EcnThresholds{ecn.kmin_bytes, ecn.kmax_bytes, ecn.pmax};
    pc.propagation = p.link.delay;
    pc.paced = opt.paced;
    c.ports.push_back(pc);
  }
  return c;
}

void add_routes(const Experiment& e, std::uint32_t node, sw::Switch& s) {
  const Topology& t = *e.topology;
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    auto ports = e.routing->local_ports(node, h);
    if (!ports.empty()) s.add_route(wire::node_ip(h), std::move(ports));
  }
}

}  // namespace ptcp::exp
