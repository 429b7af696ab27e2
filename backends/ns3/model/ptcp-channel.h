// The wire between two PtcpNetDevices: a fixed one-way propagation delay. The sender's device
// accounts for serialization; the channel delivers the frame to the peer txTime + delay later.
// Frames travel as FrameRefs (a pool buffer), not ns-3 Packets: nothing is copied on the way.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "common/units.h"
#include "model/buffer-pool.h"
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
  // Delivers `frame` to the device at the other end of `from` after tx_time + delay (and frees
  // it when that end is not connected). The devices themselves deliver directly (same events).
  void Transmit(FrameRef frame, const PtcpNetDevice* from, TimeNs tx_time);
  ns3::Ptr<PtcpNetDevice> Peer(const PtcpNetDevice* of) const;

  std::size_t GetNDevices() const override;
  ns3::Ptr<ns3::NetDevice> GetDevice(std::size_t i) const override;

 protected:
  void DoDispose() override;

 private:
  static constexpr std::uint32_t kNoContext = 0xffffffff;
  TimeNs delay_ = 0;
  std::array<ns3::Ptr<PtcpNetDevice>, 2> ends_;
  // Each end's node id (the receive event's context), looked up on the first frame to it: per
  // frame, Transmit() then reads only this channel, not the peer device and its ns3::Node
  // (two cache misses per hop in a large network).
  std::array<std::uint32_t, 2> context_{kNoContext, kNoContext};
  std::size_t n_ = 0;
};

}  // namespace ptcp::ns3sim
