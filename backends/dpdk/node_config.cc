#include "backends/dpdk/node_config.h"

#include "wire/format.h"

namespace ptcp::dpdk {

transport::HostConfig host_config(const exp::Experiment& e, std::uint32_t host,
                                  bool verify_payload) {
  const exp::Topology& t = *e.topology;
  transport::HostConfig c;
  c.node_index = host;
  c.link_rate = t.port(t.node(host).ports.at(0)).link.rate;
  c.mtu = e.transport.mtu;
  c.payload_bytes = e.transport.payload_bytes;
  c.ack_every = e.transport.ack_every;
  c.rto = e.transport.rto;
  c.rto_max = e.transport.rto_max;
  c.dupack_threshold = e.transport.dupack_threshold;
  c.int_enabled = e.cc.carries_int() && e.sw.int_enabled;
  c.ecn_capable = e.sw.ecn;
  c.verify_payload = verify_payload;
  c.algorithm = e.cc.algo;
  c.cc_params = e.cc.params;
  c.base_rtt = e.cc.base_rtt;
  // Only DCQCN reacts to CNPs; other ECN users (DCTCP) read the echo in ACKs.
  c.cnp_interval = e.cc.algorithm == "dcqcn" ? e.transport.cnp_interval : 0;
  return c;
}

sw::SwitchConfig switch_config(const exp::Experiment& e, std::uint32_t node) {
  const exp::Topology& t = *e.topology;
  sw::SwitchConfig c;
  c.node_index = node;
  c.buffer_bytes = e.sw.buffer_bytes;
  c.dt_alpha = e.sw.dt_alpha;
  c.ecn_enabled = e.sw.ecn;
  c.int_enabled = e.sw.int_enabled;
  c.pfc.enabled = e.sw.pfc;
  c.pfc.mtu = e.transport.mtu;
  c.seed = e.run.seed * 1000003u + node;
  for (std::uint32_t gp : t.node(node).ports) {
    const exp::Port& p = t.port(gp);
    sw::PortConfig pc;
    pc.rate = p.link.rate;
    const auto ecn = e.ecn_for_port(gp);
    pc.ecn = sw::EcnThresholds{ecn.kmin_bytes, ecn.kmax_bytes, ecn.pmax};
    pc.propagation = p.link.delay;
    pc.paced = true;
    c.ports.push_back(pc);
  }
  return c;
}

void add_routes(const exp::Experiment& e, std::uint32_t node, sw::Switch& s) {
  const exp::Topology& t = *e.topology;
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    auto ports = e.routing->local_ports(node, h);
    if (!ports.empty()) s.add_route(wire::node_ip(h), std::move(ports));
  }
}

}  // namespace ptcp::dpdk
