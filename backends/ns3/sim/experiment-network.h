// An experiment's topology as ns-3 nodes: one ns3::Node per topology node (same order, so ns-3
// node ids match the model's node indices when the simulation starts empty), one PtcpNetDevice
// per topology port, a PtcpChannel per link with its delay, core Hosts on hosts and core
// Switches on switches, routes from the experiment's Routing (every equal-cost next hop).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "experiment/experiment.h"
#include "helper/powertcp-helper.h"

namespace ptcp::ns3sim {

class ExperimentNetwork {
 public:
  // Builds everything in the current (fresh) ns-3 simulation. Throws std::invalid_argument
  // with the reason when the core refuses a configuration.
  explicit ExperimentNetwork(const exp::Experiment& e);

  const exp::Experiment& Experiment() const { return *e_; }
  const exp::Topology& Topology() const { return *e_->topology; }
  HostNode& Host(std::uint32_t host) { return helper_.Host(host); }
  std::uint32_t HostCount() const { return static_cast<std::uint32_t>(helper_.HostCount()); }
  // The switch glue of topology node `node` (nullptr for hosts).
  SwitchNode* SwitchOf(std::uint32_t node) { return switch_of_node_[node]; }
  // The device transmitting on a global port id.
  ns3::Ptr<PtcpNetDevice> Device(std::uint32_t port) const { return devices_[port]; }
  // Bytes queued for a global port: the switch's queue (a host NIC's port reports 0).
  std::uint64_t QueueBytes(std::uint32_t port);
  PcapWriter& EnablePcap(const std::string& path, std::uint32_t port);
  PowertcpHelper& Helper() { return helper_; }

 private:
  const exp::Experiment* e_;
  PowertcpHelper helper_;
  std::vector<ns3::Ptr<ns3::Node>> nodes_;
  std::vector<ns3::Ptr<PtcpNetDevice>> devices_;  // by global port id
  std::vector<SwitchNode*> switch_of_node_;
};

}  // namespace ptcp::ns3sim
