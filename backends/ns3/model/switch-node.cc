#include "model/switch-node.h"

#include <algorithm>
#include <span>
#include <stdexcept>

#include "ns3/simulator.h"
#include "wire/format.h"

namespace ptcp::ns3sim {

SwitchNode::SwitchNode(std::unique_ptr<sw::Switch> sw,
                       std::vector<ns3::Ptr<PtcpNetDevice>> devices, std::size_t max_frame_bytes)
    : SwitchNode(std::move(sw), std::move(devices),
                 std::make_shared<BufferPool>(max_frame_bytes)) {}

SwitchNode::SwitchNode(std::unique_ptr<sw::Switch> sw,
                       std::vector<ns3::Ptr<PtcpNetDevice>> devices,
                       std::shared_ptr<BufferPool> pool)
    : sw_(std::move(sw)), pool_owner_(std::move(pool)), pool_(*pool_owner_),
      pfc_buf_(wire::kPfcFrameLen) {
  // pfc.mtu is the largest frame; one Ethernet header more of slack, as before.
  pool_.EnsureBufferBytes(
      std::max<std::size_t>(sw_->config().pfc.mtu + wire::kEthLen, wire::kPfcFrameLen));
  if (devices.size() != sw_->port_count()) {
    throw std::invalid_argument("SwitchNode: " + std::to_string(devices.size()) +
                                " devices for a switch of " +
                                std::to_string(sw_->port_count()) + " ports");
  }
  ports_.resize(devices.size());
  for (std::size_t i = 0; i < devices.size(); ++i) {
    ports_[i].device = devices[i];
    devices[i]->SetOwner(this, static_cast<std::uint32_t>(i));
  }
  sw_->on_pfc_pending = [this](sw::PortId p) { pfc_pending_.push_back(p); };
}

SwitchNode::~SwitchNode() {
  // As HostNode: destroyed after Simulator::Destroy(), so pending timers are already gone.
  for (Port& p : ports_) {
    if (p.device) p.device->SetOwner(nullptr, 0);
  }
}

void SwitchNode::OnFrameReceived(std::uint32_t port, FrameRef frame) {
  if (frame.pool != &pool_) {  // a node outside our network (another pool): take a copy
    if (frame.len > pool_.BufferBytes()) {
      ++counters_.oversized;
      frame.Free();
      return;
    }
    const FrameRef copy = CopyFrame(frame, pool_);
    frame.Free();
    frame = copy;
  }
  const std::uint32_t h = frame.index;
  const TimeNs now = NowNs();
  const auto in_port = static_cast<sw::PortId>(port);
  sw::PortId egress = 0;
  const sw::RxResult r = sw_->receive(now, in_port, frame.Bytes(), h, egress);
  switch (r) {
    case sw::RxResult::kEnqueued:
      // Only the egress that took the packet can have become ready; a busy one returns at once
      // (OnTxFree comes back to it). O(1) per arrival, whatever the switch's radix.
      TryTransmit(egress);
      break;
    case sw::RxResult::kConsumed:  // a PAUSE/resume for in_port's egress
      pool_.Free(h);
      TryTransmit(in_port);
      break;
    default:
      pool_.Free(h);
      ++counters_.dropped;
      break;
  }
  DrainPfcPending();
}

void SwitchNode::OnTxFree(std::uint32_t port) {
  TryTransmit(static_cast<sw::PortId>(port));
  DrainPfcPending();
}

void SwitchNode::TryTransmit(sw::PortId port) {
  Port& p = ports_[port];
  if (p.device->IsBusy()) return;  // OnTxFree comes back here
  const TimeNs now = NowNs();
  const std::size_t n = sw_->next_pfc_frame(port, now, pfc_buf_);
  if (n > 0) {
    // Written into pfc_buf_ first: this check runs on every transmit, a PFC frame rarely.
    const FrameRef f{&pool_, pool_.Alloc(), static_cast<std::uint32_t>(n)};
    std::copy_n(pfc_buf_.data(), n, f.Data());
    p.device->TransmitFrame(f);
    return;
  }
  if (const std::optional<sw::Dequeued> d = sw_->dequeue(port, now)) {
    // The buffer the frame arrived in, stamped in place, goes on the wire as it is.
    p.device->TransmitFrame(FrameRef{&pool_, static_cast<std::uint32_t>(d->handle), d->len});
    return;
  }
  ArmTimer(port, sw_->next_departure(port), now);
}

void SwitchNode::ArmTimer(sw::PortId port, TimeNs at, TimeNs now) {
  if (at == kNever) return;
  Port& p = ports_[port];
  if (at <= now) at = now + 1;  // nothing left now: never spin at the same instant
  if (p.timer.IsRunning()) {
    if (p.timer_at <= at) return;
    p.timer.Cancel();
  }
  p.timer_at = at;
  p.timer = ns3::Simulator::Schedule(NsTime(at - now), &SwitchNode::Timer, this, port);
}

void SwitchNode::Timer(sw::PortId port) {
  ports_[port].timer_at = kNever;
  ++counters_.timers;
  TryTransmit(port);
  DrainPfcPending();
}

void SwitchNode::DrainPfcPending() {
  // Ports told about during receive()/dequeue(): the callback only records them so we never
  // call back into the switch from inside it.
  while (!pfc_pending_.empty()) {
    const sw::PortId p = pfc_pending_.back();
    pfc_pending_.pop_back();
    if (p < ports_.size()) TryTransmit(p);
  }
}

}  // namespace ptcp::ns3sim
