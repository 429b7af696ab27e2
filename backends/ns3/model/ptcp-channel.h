// The wire between two PtcpNetDevices: a fixed one-way propagation delay. The sender's device
// accounts for serialization and delivers each frame to its peer txTime + delay later, from the
// peer and delay it copied from here (PtcpNetDevice::RefreshFromChannel): the per-frame path
// does not read the channel. Frames travel as FrameRefs (a pool buffer), not ns-3 Packets.
#pragma once

#include <array>
#include <cstddef>

#include "common/units.h"
#include "ns3/channel.h"
#include "ns3/ptr.h"

namespace ptcp::ns3sim {

class PtcpNetDevice;

class PtcpChannel : public ns3::Channel {
 public:
  static ns3::TypeId GetTypeId();
  PtcpChannel();

  // Tells the attached devices, which keep a copy (their per-frame path does not read us).
  void SetDelay(TimeNs delay);
  TimeNs GetDelay() const { return delay_; }
  // Returns false when both ends are already taken.
  bool Attach(ns3::Ptr<PtcpNetDevice> device);
  ns3::Ptr<PtcpNetDevice> Peer(const PtcpNetDevice* of) const;

  std::size_t GetNDevices() const override;
  ns3::Ptr<ns3::NetDevice> GetDevice(std::size_t i) const override;

 protected:
  void DoDispose() override;

 private:
  TimeNs delay_ = 0;
  std::array<ns3::Ptr<PtcpNetDevice>, 2> ends_;
  std::size_t n_ = 0;
};

}  // namespace ptcp::ns3sim
