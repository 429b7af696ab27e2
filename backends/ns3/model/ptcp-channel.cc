#include "model/ptcp-channel.h"

#include "model/ptcp-net-device.h"

namespace ptcp::ns3sim {

NS_OBJECT_ENSURE_REGISTERED(PtcpChannel);

ns3::TypeId PtcpChannel::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("ns3::PtcpChannel")
                               .SetParent<ns3::Channel>()
                               .SetGroupName("Powertcp")
                               .AddConstructor<PtcpChannel>();
  return tid;
}

PtcpChannel::PtcpChannel() = default;

void PtcpChannel::DoDispose() {
  const std::array<ns3::Ptr<PtcpNetDevice>, 2> ends = ends_;
  ends_ = {};
  n_ = 0;
  for (const auto& d : ends) {
    if (d) d->RefreshFromChannel();  // they keep raw pointers to each other
  }
  ns3::Channel::DoDispose();
}

void PtcpChannel::SetDelay(TimeNs delay) {
  delay_ = delay;
  for (std::size_t i = 0; i < n_; ++i) ends_[i]->RefreshFromChannel();
}

bool PtcpChannel::Attach(ns3::Ptr<PtcpNetDevice> device) {
  if (n_ == ends_.size()) return false;
  ends_[n_++] = device;
  return true;
}

ns3::Ptr<PtcpNetDevice> PtcpChannel::Peer(const PtcpNetDevice* of) const {
  if (n_ < 2) return nullptr;
  return ends_[0] == of ? ends_[1] : ends_[0];
}

std::size_t PtcpChannel::GetNDevices() const { return n_; }

ns3::Ptr<ns3::NetDevice> PtcpChannel::GetDevice(std::size_t i) const {
  return i < n_ ? ends_[i] : nullptr;
}

}  // namespace ptcp::ns3sim
