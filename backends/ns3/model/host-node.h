// Glue between one PtcpNetDevice and a core transport::Host: received frames go to on_frame()
// straight from their pool buffer (then freed), the device pulls next_frame() whenever its wire
// is free (written straight into a buffer of the device's pool, which travels as it is), and
// the host's timers become one ns-3 event at next_wakeup() (moved only when the wakeup moves
// earlier, so no event storms).
// Lifetime: pending events point at this object; destroy it after Simulator::Destroy().
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "model/ptcp-net-device.h"
#include "ns3/event-id.h"
#include "transport/host.h"

namespace ptcp::ns3sim {

struct HostNodeCounters {
  std::uint64_t wakeups = 0;        // wakeup events that ran
  std::uint64_t early_wakeups = 0;  // ...and found nothing to send
};

class HostNode : public FrameOwner {
 public:
  // The device must already be attached to its channel. Raises the device pool's buffer size
  // to the host's largest frame (std::logic_error if the pool is already in use and smaller).
  HostNode(std::unique_ptr<transport::Host> host, ns3::Ptr<PtcpNetDevice> device);
  ~HostNode() override;
  HostNode(const HostNode&) = delete;
  HostNode& operator=(const HostNode&) = delete;

  // Starts a flow now (call from a scheduled event at the flow's start time).
  void StartFlow(const transport::FlowSpec& flow);
  // Schedules StartFlow at an absolute simulated time.
  void ScheduleFlow(TimeNs at, const transport::FlowSpec& flow);
  // Stops a sending flow now (transport::Host::stop_flow: it completes once the bytes already
  // sent are acknowledged). A flow that already finished is left alone.
  void StopFlow(std::uint32_t flow_id);
  // Schedules StopFlow at an absolute simulated time (a long flow's stop time).
  void ScheduleStop(TimeNs at, std::uint32_t flow_id);

  transport::Host& Host() { return *host_; }
  const transport::Host& Host() const { return *host_; }
  ns3::Ptr<PtcpNetDevice> Device() const { return device_; }
  const HostNodeCounters& Counters() const { return counters_; }

  void OnFrameReceived(std::uint32_t port, FrameRef frame) override;
  void OnTxFree(std::uint32_t port) override;

 private:
  void Pump();
  void ArmWakeup(TimeNs at, TimeNs now);
  void Wakeup();

  std::unique_ptr<transport::Host> host_;
  ns3::Ptr<PtcpNetDevice> device_;
  BufferPool* pool_;  // the device's, where new frames are written
  ns3::EventId wake_event_;
  TimeNs wake_at_ = kNever;
  HostNodeCounters counters_;
};

}  // namespace ptcp::ns3sim
