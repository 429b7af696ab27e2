#include "model/ptcp-net-device.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "model/pcap-writer.h"
#include "model/ptcp-channel.h"
#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"
#include "wire/format.h"

namespace ptcp::ns3sim {

NS_LOG_COMPONENT_DEFINE("PtcpNetDevice");
NS_OBJECT_ENSURE_REGISTERED(PtcpNetDevice);

namespace {
void capture(PcapWriter* pcap, const FrameRef& frame) {
  pcap->Write(NowNs(), frame.Bytes(), frame.len);
}
}  // namespace

TimeNs NowNs() { return ns3::Simulator::Now().GetNanoSeconds(); }

ns3::TypeId PtcpNetDevice::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("ns3::PtcpNetDevice")
                               .SetParent<ns3::NetDevice>()
                               .SetGroupName("Powertcp")
                               .AddConstructor<PtcpNetDevice>();
  return tid;
}

PtcpNetDevice::PtcpNetDevice() = default;
PtcpNetDevice::~PtcpNetDevice() = default;

void PtcpNetDevice::DoDispose() {
  channel_ = nullptr;
  tx_.peer = nullptr;
  node_ = nullptr;
  tx_.owner = rx_.owner = nullptr;
  rx_.pcap = nullptr;
  UpdateSlowPath();
  rx_cb_.Nullify();
  promisc_cb_.Nullify();
  ns3::NetDevice::DoDispose();
}

void PtcpNetDevice::SetRate(BitsPerSec rate) { tx_.rate = rate; }

void PtcpNetDevice::SetOwner(FrameOwner* owner, std::uint32_t port) {
  if (port > 0xffff) {
    throw std::invalid_argument("PtcpNetDevice::SetOwner: port " + std::to_string(port) +
                                " above 65535");
  }
  tx_.owner = rx_.owner = owner;
  tx_.port = rx_.port = static_cast<std::uint16_t>(port);
}

bool PtcpNetDevice::Attach(ns3::Ptr<PtcpChannel> channel) {
  if (!channel->Attach(this)) return false;
  channel_ = channel;
  RefreshFromChannel();
  if (tx_.peer != nullptr) tx_.peer->RefreshFromChannel();
  link_change_();
  return true;
}

void PtcpNetDevice::RefreshFromChannel() {
  tx_.peer = channel_ ? ns3::PeekPointer(channel_->Peer(this)) : nullptr;
  tx_.delay = channel_ ? channel_->GetDelay() : 0;
  tx_.peer_context = kNoContext;
}

void PtcpNetDevice::SetPcap(PcapWriter* pcap) {
  rx_.pcap = pcap;
  UpdateSlowPath();
}

DeviceCounters PtcpNetDevice::Counters() const {
  DeviceCounters c = counters_;
  c.tx_frames = tx_.frames;
  c.tx_bytes = tx_.bytes;
  c.tx_wire_bytes = tx_.wire_bytes;
  c.rx_frames = rx_.frames;
  c.rx_bytes = rx_.bytes;
  return c;
}

ns3::Ptr<PtcpNetDevice> PtcpNetDevice::GetPeer() const {
  return channel_ ? channel_->Peer(this) : nullptr;
}

BufferPool& PtcpNetDevice::Pool() {
  if (!pool_) pool_ = std::make_shared<BufferPool>(kDefaultPoolBufferBytes);
  return *pool_;
}

bool PtcpNetDevice::TransmitFrame(ns3::Ptr<ns3::Packet> frame) {
  BufferPool& pool = Pool();
  const std::uint32_t len = frame->GetSize();
  if (len > pool.BufferBytes()) {
    ++counters_.oversized;
    return false;
  }
  if (tx_.busy || !channel_ || tx_.rate == 0) {  // refuse before copying
    ++counters_.refused;
    return false;
  }
  const FrameRef f{&pool, pool.Alloc(), len};
  frame->CopyData(f.Data(), len);
  return TransmitFrame(f);
}

bool PtcpNetDevice::TransmitFrame(FrameRef frame) {
  TxHot& t = tx_;
  // A peer implies a channel: channel_ (another line) is read only on an unconnected end.
  if (t.busy || t.rate == 0 || (t.peer == nullptr && !channel_)) {
    ++counters_.refused;
    frame.Free();
    return false;
  }
  const std::uint32_t len = frame.len;
  const std::size_t wire = wire::wire_bytes(len);
  const TimeNs tx_time = serialization_ns(wire, t.rate);
  t.busy = true;
  ++t.frames;
  t.bytes += len;
  t.wire_bytes += wire;
  if (!t.slow) {
    Deliver(frame, tx_time);
  } else {
    if (rx_.pcap != nullptr) capture(rx_.pcap, frame);
    if (!faults_) {
      Deliver(frame, tx_time);
    } else {
      const faults::Verdict v = faults_->judge(NowNs(), frame.Bytes(), tx_time);
      if (!v.delivered()) {
        frame.Free();
      } else {
        // The duplicate is the unaltered frame in a buffer of its own: taken before corrupting
        // the original in place.
        std::optional<FrameRef> dup;
        if (v.duplicate) dup = CopyFrame(frame, *frame.pool);
        if (v.corrupted()) faults::Injector::apply(v, frame.Bytes());
        Deliver(frame, tx_time + v.extra_delay);
        if (dup) Deliver(*dup, tx_time + v.extra_delay);
      }
    }
  }
  ns3::Simulator::Schedule(NsTime(tx_time), &PtcpNetDevice::TransmitComplete, this);
  return true;
}

void PtcpNetDevice::Deliver(FrameRef frame, TimeNs after) {
  TxHot& t = tx_;
  if (t.peer == nullptr) {  // an unconnected end: the frame is lost, as on a cable to nowhere
    frame.Free();
    return;
  }
  // A raw pointer in the event: the channel holds the peer until the simulation is destroyed,
  // and events never run after that (a Ptr would touch the peer's refcount now).
  const ns3::Time at = NsTime(after + t.delay);
  if (t.peer_context == kNoContext) {
    if (const ns3::Ptr<ns3::Node> node = t.peer->GetNode()) t.peer_context = node->GetId();
  }
  if (t.peer_context != kNoContext) {
    ns3::Simulator::ScheduleWithContext(t.peer_context, at, &PtcpNetDevice::Receive, t.peer,
                                        frame);
  } else {
    ns3::Simulator::Schedule(at, &PtcpNetDevice::Receive, t.peer, frame);
  }
}

void PtcpNetDevice::SetFaults(const faults::FaultSpec& spec, std::uint64_t seed) {
  faults_ = std::make_unique<faults::Injector>(spec, seed);
  UpdateSlowPath();
}

void PtcpNetDevice::TransmitComplete() {
  tx_.busy = false;
  if (tx_.owner != nullptr) tx_.owner->OnTxFree(tx_.port);
}

void PtcpNetDevice::Receive(FrameRef frame) {
  // The frame was written a link delay ago; in a large network its header lines have left the
  // cache since. Ask for them now so the misses overlap those of this device, its owner and the
  // switch state (a dependent chain) instead of following them. Headers + INT: 3 lines.
  const std::uint8_t* bytes = frame.Data();
  __builtin_prefetch(bytes);
  __builtin_prefetch(bytes + 64);
  __builtin_prefetch(bytes + 128);
  RxHot& r = rx_;
  ++r.frames;
  r.bytes += frame.len;
  if (r.pcap != nullptr) capture(r.pcap, frame);
  if (r.owner != nullptr) {
    r.owner->OnFrameReceived(r.port, frame);
    return;
  }
  // A plain ns-3 user: hand the whole frame up as a Packet with its EtherType as the protocol.
  const ns3::Ptr<ns3::Packet> packet = ns3::Create<ns3::Packet>(frame.Data(), frame.len);
  std::array<std::uint8_t, wire::kEthLen> eth{};
  const bool whole_header = frame.len >= eth.size();
  if (whole_header) std::copy_n(frame.Data(), eth.size(), eth.begin());
  frame.Free();
  if (!whole_header) return;
  const auto proto = static_cast<std::uint16_t>((eth[12] << 8) | eth[13]);
  ns3::Mac48Address src;
  src.CopyFrom(eth.data() + 6);
  ns3::Mac48Address dst;
  dst.CopyFrom(eth.data());
  if (!promisc_cb_.IsNull()) {
    const auto type = dst == address_ ? ns3::NetDevice::PACKET_HOST
                      : dst.IsBroadcast() ? ns3::NetDevice::PACKET_BROADCAST
                                          : ns3::NetDevice::PACKET_OTHERHOST;
    promisc_cb_(this, packet, proto, src, dst, type);
  }
  if (!rx_cb_.IsNull()) rx_cb_(this, packet, proto, src);
}

ns3::Ptr<ns3::Channel> PtcpNetDevice::GetChannel() const { return channel_; }

void PtcpNetDevice::SetAddress(ns3::Address address) {
  address_ = ns3::Mac48Address::ConvertFrom(address);
}

bool PtcpNetDevice::SetMtu(const std::uint16_t mtu) {
  mtu_ = mtu;
  return true;
}

bool PtcpNetDevice::IsLinkUp() const { return channel_ != nullptr; }

void PtcpNetDevice::AddLinkChangeCallback(ns3::Callback<void> callback) {
  link_change_.ConnectWithoutContext(callback);
}

ns3::Address PtcpNetDevice::GetBroadcast() const { return ns3::Mac48Address::GetBroadcast(); }

ns3::Address PtcpNetDevice::GetMulticast(ns3::Ipv4Address group) const {
  return ns3::Mac48Address::GetMulticast(group);
}

ns3::Address PtcpNetDevice::GetMulticast(ns3::Ipv6Address addr) const {
  return ns3::Mac48Address::GetMulticast(addr);
}

bool PtcpNetDevice::Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address& /*dest*/,
                         std::uint16_t /*protocol*/) {
  return TransmitFrame(packet);
}

bool PtcpNetDevice::SendFrom(ns3::Ptr<ns3::Packet> packet, const ns3::Address& /*source*/,
                             const ns3::Address& dest, std::uint16_t protocol) {
  return Send(packet, dest, protocol);
}

}  // namespace ptcp::ns3sim
