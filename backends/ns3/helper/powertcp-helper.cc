#include "helper/powertcp-helper.h"

#include <algorithm>
#include <deque>
#include <map>
#include <stdexcept>

#include "ns3/simulator.h"
#include "wire/format.h"

namespace ptcp::ns3sim {

PowertcpHelper::PowertcpHelper()
    : pool_(std::make_shared<BufferPool>(wire::kMinEthFrame)) {}
PowertcpHelper::~PowertcpHelper() {
  FlushPcaps();
}

std::pair<ns3::Ptr<PtcpNetDevice>, ns3::Ptr<PtcpNetDevice>> PowertcpHelper::Link(
    ns3::Ptr<ns3::Node> a, ns3::Ptr<ns3::Node> b, BitsPerSec rate, TimeNs delay) {
  auto ch = ns3::CreateObject<PtcpChannel>();
  ch->SetDelay(delay);
  std::pair<ns3::Ptr<PtcpNetDevice>, ns3::Ptr<PtcpNetDevice>> out;
  for (int side = 0; side < 2; ++side) {
    auto dev = ns3::CreateObject<PtcpNetDevice>();
    dev->SetRate(rate);
    dev->SetPool(pool_);
    dev->SetAddress(ns3::Mac48Address::Allocate());
    (side == 0 ? a : b)->AddDevice(dev);
    dev->Attach(ch);
    (side == 0 ? out.first : out.second) = dev;
  }
  return out;
}

HostNode& PowertcpHelper::InstallHost(ns3::Ptr<PtcpNetDevice> device, transport::HostConfig cfg,
                                      bool keep_index) {
  if (!keep_index) cfg.node_index = static_cast<std::uint32_t>(hosts_.size());
  if (cfg.link_rate == 0) cfg.link_rate = device->GetRate();
  auto host = std::make_unique<transport::Host>(std::move(cfg));
  hosts_.push_back(std::make_unique<HostNode>(std::move(host), device));
  return *hosts_.back();
}

SwitchNode& PowertcpHelper::InstallSwitch(std::vector<ns3::Ptr<PtcpNetDevice>> devices,
                                          sw::SwitchConfig cfg) {
  if (cfg.ports.empty()) {
    for (const auto& d : devices) {
      sw::PortConfig pc;
      pc.rate = d->GetRate();
      const auto ch = ns3::DynamicCast<PtcpChannel>(d->GetChannel());
      pc.propagation = ch ? ch->GetDelay() : 0;
      pc.ecn = sw::paper_ecn_thresholds(pc.rate);
      cfg.ports.push_back(pc);
    }
  }
  for (auto& pc : cfg.ports) pc.paced = false;
  if (cfg.node_index == 0) cfg.node_index = next_switch_index_++;
  auto s = std::make_unique<sw::Switch>(std::move(cfg));
  // The network's one pool (SwitchNode sizes it): arrivals from our hosts and switches are
  // queued in the buffer they came in.
  switches_.push_back(std::make_unique<SwitchNode>(std::move(s), std::move(devices), pool_));
  return *switches_.back();
}

void PowertcpHelper::PopulateRoutes() {
  // Graph over ns-3 nodes: which glue object (host or switch) owns each device.
  struct Owner {
    HostNode* host = nullptr;
    SwitchNode* sw = nullptr;
    std::uint16_t port = 0;
  };
  std::map<const PtcpNetDevice*, Owner> owner;
  for (auto& h : hosts_) owner[ns3::PeekPointer(h->Device())] = Owner{h.get(), nullptr, 0};
  for (auto& s : switches_) {
    for (std::size_t p = 0; p < s->PortCount(); ++p) {
      owner[ns3::PeekPointer(s->Device(p))] = Owner{nullptr, s.get(), static_cast<std::uint16_t>(p)};
    }
  }
  // For each host, BFS outward over switches; a switch's ports towards the host are those whose
  // peer is one hop closer.
  for (auto& h : hosts_) {
    const std::uint32_t ip = wire::node_ip(h->Host().config().node_index);
    std::map<SwitchNode*, std::uint32_t> dist;
    std::deque<SwitchNode*> q;
    const auto first = h->Device()->GetPeer();
    if (!first) continue;
    const auto it = owner.find(ns3::PeekPointer(first));
    if (it == owner.end() || it->second.sw == nullptr) continue;
    dist[it->second.sw] = 1;
    q.push_back(it->second.sw);
    while (!q.empty()) {
      SwitchNode* s = q.front();
      q.pop_front();
      for (std::size_t p = 0; p < s->PortCount(); ++p) {
        const auto peer = s->Device(p)->GetPeer();
        const auto o = peer ? owner.find(ns3::PeekPointer(peer)) : owner.end();
        if (o == owner.end() || o->second.sw == nullptr || dist.count(o->second.sw)) continue;
        dist[o->second.sw] = dist[s] + 1;
        q.push_back(o->second.sw);
      }
    }
    for (auto& [s, d] : dist) {
      std::vector<sw::PortId> ports;
      for (std::size_t p = 0; p < s->PortCount(); ++p) {
        const auto peer = s->Device(p)->GetPeer();
        const auto o = peer ? owner.find(ns3::PeekPointer(peer)) : owner.end();
        if (o == owner.end()) continue;
        if ((d == 1 && o->second.host == h.get()) ||
            (o->second.sw != nullptr && dist.count(o->second.sw) && dist[o->second.sw] == d - 1)) {
          ports.push_back(static_cast<sw::PortId>(p));
        }
      }
      if (!ports.empty()) s->Switch().add_route(ip, std::move(ports));
    }
  }
}

void PowertcpHelper::StartFlow(ns3::Time at, std::uint32_t src, const transport::FlowSpec& flow) {
  if (src >= hosts_.size()) throw std::out_of_range("PowertcpHelper::StartFlow: no host " + std::to_string(src));
  hosts_[src]->ScheduleFlow(at.GetNanoSeconds(), flow);
}

PcapWriter& PowertcpHelper::EnablePcap(const std::string& path, ns3::Ptr<PtcpNetDevice> device) {
  pcaps_.push_back(std::make_unique<PcapWriter>(path));
  device->SetPcap(pcaps_.back().get());
  return *pcaps_.back();
}

void PowertcpHelper::FlushPcaps() {
  for (auto& p : pcaps_) p->Flush();
}

}  // namespace ptcp::ns3sim
