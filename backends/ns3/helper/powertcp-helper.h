// Put powertcp hosts, switches and congestion controls into your own ns-3 script.
//
//   ptcp::ns3sim::PowertcpHelper h;
//   auto [d0, s0] = h.Link(host0, sw, ptcp::gbps(25), 1000);   // 25G, 1 us
//   ...
//   h.InstallHost(d0, host_config);                // host index = install order (h0, h1, ...)
//   h.InstallSwitch({s0, s1, s2}, switch_config);  // ports in this order
//   h.PopulateRoutes();                            // shortest paths with ECMP, from the links
//   h.StartFlow(ns3::MicroSeconds(10), 0, {.flow_id = 1, .dst_node = 1, .size_bytes = 1000000});
//   ns3::Simulator::Run();
//   ns3::Simulator::Destroy();   // before the helper goes away
//
// Hosts and switches are plain ns3::Nodes with PtcpNetDevices: no IP stack on the data path.
// The core does transport, congestion control and switching; ns-3 does time and the wires.
// Every device, host and switch of one helper shares one frame pool (FramePool()): a frame
// stays in the buffer its sender wrote it into until its receiver frees it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/host-node.h"
#include "model/pcap-writer.h"
#include "model/ptcp-channel.h"
#include "model/ptcp-net-device.h"
#include "model/switch-node.h"
#include "ns3/node.h"
#include "switch/switch.h"
#include "transport/host.h"

namespace ptcp::ns3sim {

class PowertcpHelper {
 public:
  PowertcpHelper();
  ~PowertcpHelper();
  PowertcpHelper(const PowertcpHelper&) = delete;
  PowertcpHelper& operator=(const PowertcpHelper&) = delete;

  // A full-duplex link: a device on each node, joined by a channel of one-way `delay` (ns),
  // both devices on this helper's frame pool.
  std::pair<ns3::Ptr<PtcpNetDevice>, ns3::Ptr<PtcpNetDevice>> Link(ns3::Ptr<ns3::Node> a,
                                                                   ns3::Ptr<ns3::Node> b,
                                                                   BitsPerSec rate, TimeNs delay);

  // Makes the device's node a host. cfg.node_index is set to the next host number (0, 1, ..:
  // the host's address is wire::node_ip(index)) unless `keep_index`; cfg.link_rate defaults to
  // the device's rate.
  HostNode& InstallHost(ns3::Ptr<PtcpNetDevice> device, transport::HostConfig cfg,
                        bool keep_index = false);
  // Makes the devices' node a switch, port i = devices[i]. Port rates and propagation come from
  // the devices and channels when cfg.ports is empty; every port is made unpaced (the device
  // serializes). Throws std::invalid_argument as sw::Switch does.
  SwitchNode& InstallSwitch(std::vector<ns3::Ptr<PtcpNetDevice>> devices, sw::SwitchConfig cfg);

  // Fills every installed switch's routes with all shortest paths (in hops) to every installed
  // host, so ECMP spreads flows over equal-cost ports.
  void PopulateRoutes();

  // Starts a flow from host `src` (install number) at simulated time `at`.
  void StartFlow(ns3::Time at, std::uint32_t src, const transport::FlowSpec& flow);

  // Writes an Ethernet pcap of everything `device` sends and receives.
  PcapWriter& EnablePcap(const std::string& path, ns3::Ptr<PtcpNetDevice> device);
  void FlushPcaps();

  std::size_t HostCount() const { return hosts_.size(); }
  HostNode& Host(std::uint32_t index) { return *hosts_[index]; }
  std::size_t SwitchCount() const { return switches_.size(); }
  SwitchNode& Switch(std::size_t i) { return *switches_[i]; }
  // The network's frame buffers: after a run that drained, every one is back (InUse() == 0).
  const BufferPool& FramePool() const { return *pool_; }

 private:
  std::vector<std::unique_ptr<HostNode>> hosts_;
  // Sized by the nodes installed (their largest frame) before the first frame is written.
  std::shared_ptr<BufferPool> pool_;
  std::vector<std::unique_ptr<SwitchNode>> switches_;
  std::vector<std::unique_ptr<PcapWriter>> pcaps_;
  std::uint32_t next_switch_index_ = 0x8000;  // switch MACs/INT ids apart from host indices
};

}  // namespace ptcp::ns3sim
