// Glue between a set of PtcpNetDevices and a core sw::Switch. An arrival's pool buffer goes to
// receive() as it is (its index is the switch's handle; INT and ECN are written in place) and
// the dequeued buffer goes back on the wire as it is: only frames from another pool are copied
// into ours. Each device pulls from the switch when its wire is free (PFC frames first, then
// dequeue()), and a paused port gets one timer at next_departure().
// Switch ports are unpaced: the device does the serialization, with the core's link timing.
// Lifetime: pending timers point at this object; destroy it after Simulator::Destroy().
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "model/buffer-pool.h"
#include "model/ptcp-net-device.h"
#include "ns3/event-id.h"
#include "switch/switch.h"

namespace ptcp::ns3sim {

struct SwitchNodeCounters {
  std::uint64_t oversized = 0;  // arrivals from another pool larger than ours (dropped)
  std::uint64_t dropped = 0;    // arrivals the switch refused (admission, malformed, no route)
  std::uint64_t timers = 0;     // departure timers that ran
};

class SwitchNode : public FrameOwner {
 public:
  // devices[i] is port i of the switch; the switch's ports must be unpaced and as many.
  SwitchNode(std::unique_ptr<sw::Switch> sw, std::vector<ns3::Ptr<PtcpNetDevice>> devices,
             std::size_t max_frame_bytes);
  // Queued frames live in `pool`, which the network's hosts and other switches share: frames
  // arriving from that pool are queued without a copy, and a new frame reuses the buffer
  // another node just freed (still cached). Raises its buffer size to the switch's MTU frame.
  SwitchNode(std::unique_ptr<sw::Switch> sw, std::vector<ns3::Ptr<PtcpNetDevice>> devices,
             std::shared_ptr<BufferPool> pool);
  ~SwitchNode() override;
  SwitchNode(const SwitchNode&) = delete;
  SwitchNode& operator=(const SwitchNode&) = delete;

  sw::Switch& Switch() { return *sw_; }
  const sw::Switch& Switch() const { return *sw_; }
  ns3::Ptr<PtcpNetDevice> Device(std::size_t port) const { return ports_[port].device; }
  std::size_t PortCount() const { return ports_.size(); }
  const SwitchNodeCounters& Counters() const { return counters_; }
  const BufferPool& Pool() const { return pool_; }

  void OnFrameReceived(std::uint32_t port, FrameRef frame) override;
  void OnTxFree(std::uint32_t port) override;

 private:
  struct Port {
    ns3::Ptr<PtcpNetDevice> device;
    ns3::EventId timer;
    TimeNs timer_at = kNever;
  };
  void TryTransmit(sw::PortId port);
  void ArmTimer(sw::PortId port, TimeNs at, TimeNs now);
  void Timer(sw::PortId port);
  void DrainPfcPending();

  std::unique_ptr<sw::Switch> sw_;
  std::vector<Port> ports_;
  std::shared_ptr<BufferPool> pool_owner_;
  BufferPool& pool_;
  std::vector<std::uint8_t> pfc_buf_;
  std::vector<sw::PortId> pfc_pending_;
  SwitchNodeCounters counters_;
};

}  // namespace ptcp::ns3sim
