#include "sim/experiment-network.h"

#include <stdexcept>

#include "wire/format.h"

namespace ptcp::ns3sim {

transport::HostConfig host_config_for(const exp::Experiment& e, std::uint32_t host) {
  const exp::Topology& t = *e.topology;
  const exp::Node& n = t.node(host);
  transport::HostConfig c;
  c.node_index = host;
  c.link_rate = n.ports.empty() ? 0 : t.port(n.ports.front()).link.rate;
  c.mtu = e.transport.mtu;
  c.payload_bytes = e.transport.payload_bytes;
  c.ack_every = e.transport.ack_every;
  c.rto = e.transport.rto;
  c.rto_max = e.transport.rto_max;
  c.dupack_threshold = e.transport.dupack_threshold;
  c.int_enabled = e.sw.int_enabled && e.cc.carries_int();
  c.ecn_capable = true;
  c.verify_payload = true;
  c.algorithm = e.cc.algo;
  c.cc_params = e.cc.params;
  c.base_rtt = e.cc.base_rtt;
  // Only DCQCN reacts to CNPs; sending them for other algorithms would add traffic they ignore.
  c.cnp_interval = e.cc.algorithm == "dcqcn" ? e.transport.cnp_interval : 0;
  return c;
}

sw::SwitchConfig switch_config_for(const exp::Experiment& e, std::uint32_t node) {
  const exp::Topology& t = *e.topology;
  sw::SwitchConfig c;
  c.node_index = node;
  c.buffer_bytes = e.sw.buffer_bytes;
  c.dt_alpha = e.sw.dt_alpha;
  c.ecn_enabled = e.sw.ecn;
  c.int_enabled = e.sw.int_enabled;
  c.pfc.enabled = e.sw.pfc;
  c.pfc.mtu = e.transport.mtu + static_cast<std::uint32_t>(wire::kEthLen);
  // Different salts per switch so ECMP choices are independent across tiers; the run's seed
  // changes every switch's marking randomness.
  c.seed = e.run.seed * 0x9e3779b97f4a7c15ULL + node;
  for (const std::uint32_t gp : t.node(node).ports) {
    const exp::Port& p = t.port(gp);
    sw::PortConfig pc;
    pc.rate = p.link.rate;
    const exp::Experiment::Ecn ecn = e.ecn_for_port(gp);
    pc.ecn = sw::EcnThresholds{ecn.kmin_bytes, ecn.kmax_bytes, ecn.pmax};
    pc.propagation = p.link.delay;
    pc.paced = false;  // the PtcpNetDevice serializes
    c.ports.push_back(pc);
  }
  return c;
}

ExperimentNetwork::ExperimentNetwork(const exp::Experiment& e) : e_(&e) {
  const exp::Topology& t = *e.topology;
  nodes_.reserve(t.nodes().size());
  for (std::size_t i = 0; i < t.nodes().size(); ++i) nodes_.push_back(ns3::CreateObject<ns3::Node>());
  devices_.resize(t.ports().size());
  for (std::uint32_t gp = 0; gp < t.ports().size(); ++gp) {
    const exp::Port& p = t.port(gp);
    if (devices_[gp]) continue;  // made with its opposite direction
    auto [a, b] = helper_.Link(nodes_[p.node], nodes_[p.peer], p.link.rate, p.link.delay);
    const exp::Port& back = t.port(p.peer_port);
    if (back.link.rate != p.link.rate) b->SetRate(back.link.rate);  // asymmetric explicit links
    devices_[gp] = a;
    devices_[p.peer_port] = b;
  }
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    const exp::Node& n = t.node(h);
    if (n.ports.size() != 1) {
      throw std::invalid_argument("host " + n.name + " must have exactly one link");
    }
    helper_.InstallHost(devices_[n.ports.front()], host_config_for(e, h), /*keep_index=*/true);
  }
  switch_of_node_.assign(t.nodes().size(), nullptr);
  for (std::uint32_t node = t.host_count(); node < t.nodes().size(); ++node) {
    std::vector<ns3::Ptr<PtcpNetDevice>> ports;
    for (const std::uint32_t gp : t.node(node).ports) ports.push_back(devices_[gp]);
    SwitchNode& s = helper_.InstallSwitch(std::move(ports), switch_config_for(e, node));
    switch_of_node_[node] = &s;
    for (std::uint32_t dst = 0; dst < t.host_count(); ++dst) {
      std::vector<std::uint16_t> local = e.routing->local_ports(node, dst);
      if (!local.empty()) s.Switch().add_route(wire::node_ip(dst), std::move(local));
    }
  }
}

std::uint64_t ExperimentNetwork::QueueBytes(std::uint32_t port) {
  const exp::Port& p = Topology().port(port);
  SwitchNode* s = switch_of_node_[p.node];
  return s == nullptr ? 0 : s->Switch().queue_bytes(p.local);
}

PcapWriter& ExperimentNetwork::EnablePcap(const std::string& path, std::uint32_t port) {
  return helper_.EnablePcap(path, devices_[port]);
}

}  // namespace ptcp::ns3sim
