#include "model/host-node.h"

#include <array>
#include <span>

#include "ns3/simulator.h"

namespace ptcp::ns3sim {

namespace {
// Room for the largest frame a host may write or receive (jumbo MTUs included).
constexpr std::size_t kFrameBuffer = 16384;

// One receive and one transmit buffer for every host (of this thread's simulation), not one
// pair per host: they stay cached, where 1024 hosts' own buffers were 32 MB touched one frame
// at a time. Safe because no frame outlives the call that fills it: received bytes are consumed
// inside Host::on_frame, and written bytes are copied into an ns-3 Packet at once; devices
// never deliver synchronously, so no other host runs inside those calls.
thread_local std::array<std::uint8_t, kFrameBuffer> t_rx_buf;
thread_local std::array<std::uint8_t, kFrameBuffer> t_tx_buf;
}  // namespace

HostNode::HostNode(std::unique_ptr<transport::Host> host, ns3::Ptr<PtcpNetDevice> device)
    : host_(std::move(host)), device_(device) {
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

void HostNode::OnFrameReceived(std::uint32_t /*port*/, const ns3::Packet& frame) {
  const std::uint32_t len = frame.GetSize();
  if (len > kFrameBuffer) {
    ++counters_.oversized;
    return;
  }
  frame.CopyData(t_rx_buf.data(), len);
  host_->on_frame(NowNs(), std::span<const std::uint8_t>(t_rx_buf.data(), len));
  Pump();
}

void HostNode::OnTxFree(std::uint32_t /*port*/) { Pump(); }

// Sends the next frame if the wire is free; otherwise makes sure someone will ask again: the
// device when its wire frees up, or the wakeup event.
void HostNode::Pump() {
  if (device_->IsBusy()) return;  // OnTxFree will pump; timers run then (next_frame runs them)
  const TimeNs now = NowNs();
  const std::size_t n = host_->next_frame(now, t_tx_buf);
  if (n > 0) {
    device_->TransmitFrame(ns3::Create<ns3::Packet>(t_tx_buf.data(), static_cast<std::uint32_t>(n)));
    return;
  }
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
