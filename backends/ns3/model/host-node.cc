#include "model/host-node.h"

#include <span>

#include "ns3/simulator.h"

namespace ptcp::ns3sim {

HostNode::HostNode(std::unique_ptr<transport::Host> host, ns3::Ptr<PtcpNetDevice> device)
    : host_(std::move(host)), device_(device), pool_(&device_->Pool()) {
  pool_->EnsureBufferBytes(host_->max_frame_len());
  device_->SetOwner(this, 0);
}

// Pending events point at us: destroy node glue only after Simulator::Destroy() (cancelling
// here would re-create a destroyed simulator).
HostNode::~HostNode() {
  if (device_) device_->SetOwner(nullptr, 0);
}

void HostNode::StartFlow(const transport::FlowSpec& flow) {
  host_->start_flow(NowNs(), flow);
  Pump();
}

void HostNode::ScheduleFlow(TimeNs at, const transport::FlowSpec& flow) {
  const TimeNs delay = at - NowNs();
  ns3::Simulator::ScheduleWithContext(device_->GetNode() ? device_->GetNode()->GetId() : 0,
                                      NsTime(delay),
                                      &HostNode::StartFlow, this, flow);
}

void HostNode::StopFlow(std::uint32_t flow_id) {
  if (host_->stop_flow(NowNs(), flow_id)) Pump();  // false: already complete, nothing to do
}

void HostNode::ScheduleStop(TimeNs at, std::uint32_t flow_id) {
  ns3::Simulator::ScheduleWithContext(device_->GetNode() ? device_->GetNode()->GetId() : 0,
                                      NsTime(at - NowNs()), &HostNode::StopFlow, this, flow_id);
}

void HostNode::OnFrameReceived(std::uint32_t /*port*/, FrameRef frame) {
  host_->on_frame(NowNs(), std::span<const std::uint8_t>(frame.Data(), frame.len));
  frame.Free();
  Pump();
}

void HostNode::OnTxFree(std::uint32_t /*port*/) { Pump(); }

// Sends the next frame if the wire is free; otherwise makes sure someone will ask again: the
// device when its wire frees up, or the wakeup event.
void HostNode::Pump() {
  if (device_->IsBusy()) return;  // OnTxFree will pump; timers run then (next_frame runs them)
  const TimeNs now = NowNs();
  // The frame is written once, into the buffer it travels in. Freeing an unused one is a push
  // back onto the pool's free list, and the next Alloc() returns the same (cached) buffer.
  const FrameRef frame{pool_, pool_->Alloc(), 0};
  const std::size_t n = host_->next_frame(now, std::span(frame.Data(), pool_->BufferBytes()));
  if (n > 0) {
    device_->TransmitFrame(FrameRef{frame.pool, frame.index, static_cast<std::uint32_t>(n)});
    return;
  }
  frame.Free();
  ArmWakeup(host_->next_wakeup(), now);
}

void HostNode::ArmWakeup(TimeNs at, TimeNs now) {
  if (at == kNever) return;  // a pending earlier wakeup may stay: it finds nothing and re-arms
  // next_frame(now) just returned nothing, so a wakeup at or before now would spin: never
  // schedule one earlier than the next nanosecond.
  if (at <= now) at = now + 1;
  if (wake_event_.IsRunning()) {
    if (wake_at_ <= at) return;  // the earlier event will re-arm for the later time
    wake_event_.Cancel();
  }
  wake_at_ = at;
  wake_event_ = ns3::Simulator::Schedule(NsTime(at - now), &HostNode::Wakeup, this);
}

void HostNode::Wakeup() {
  wake_at_ = kNever;
  ++counters_.wakeups;
  if (device_->IsBusy()) return;
  const std::uint64_t before = device_->Counters().tx_frames;
  Pump();
  if (device_->Counters().tx_frames == before) ++counters_.early_wakeups;
}

}  // namespace ptcp::ns3sim
