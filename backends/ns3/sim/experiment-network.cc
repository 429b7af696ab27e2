#include "sim/experiment-network.h"

#include <stdexcept>

#include "experiment/node_configs.h"
#include "wire/format.h"

namespace ptcp::ns3sim {

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
  for (std::uint32_t gp = 0; gp < t.ports().size(); ++gp) {
    if (const auto f = e.faults_for_port(gp)) devices_[gp]->SetFaults(*f, e.faults_seed(gp));
  }
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    const exp::Node& n = t.node(h);
    if (n.ports.size() != 1) {
      throw std::invalid_argument("host " + n.name + " must have exactly one link");
    }
    helper_.InstallHost(devices_[n.ports.front()], exp::host_config(e, h), /*keep_index=*/true);
  }
  switch_of_node_.assign(t.nodes().size(), nullptr);
  for (std::uint32_t node = t.host_count(); node < t.nodes().size(); ++node) {
    std::vector<ns3::Ptr<PtcpNetDevice>> ports;
    for (const std::uint32_t gp : t.node(node).ports) ports.push_back(devices_[gp]);
    // The PtcpNetDevice serializes frames; the switch supplies the queueing.
    SwitchNode& s =
        helper_.InstallSwitch(std::move(ports), exp::switch_config(e, node, {.paced = false}));
    switch_of_node_[node] = &s;
    exp::add_routes(e, node, s.Switch());
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
