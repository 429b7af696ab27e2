#include "model/ptcp-net-device.h"

#include <array>

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
// Copies a frame's bytes for capture (only on ports being captured).
void capture(PcapWriter* pcap, const ns3::Packet& frame) {
  std::array<std::uint8_t, 16384> buf{};
  const std::uint32_t n = frame.CopyData(buf.data(), buf.size());
  pcap->Write(NowNs(), std::span<const std::uint8_t>(buf.data(), n), frame.GetSize());
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
  node_ = nullptr;
  owner_ = nullptr;
  pcap_ = nullptr;
  rx_cb_.Nullify();
  promisc_cb_.Nullify();
  ns3::NetDevice::DoDispose();
}

void PtcpNetDevice::SetRate(BitsPerSec rate) { rate_ = rate; }

void PtcpNetDevice::SetOwner(FrameOwner* owner, std::uint32_t port) {
  owner_ = owner;
  port_ = port;
}

bool PtcpNetDevice::Attach(ns3::Ptr<PtcpChannel> channel) {
  if (!channel->Attach(this)) return false;
  channel_ = channel;
  link_change_();
  return true;
}

ns3::Ptr<PtcpNetDevice> PtcpNetDevice::GetPeer() const {
  return channel_ ? channel_->Peer(this) : nullptr;
}

bool PtcpNetDevice::TransmitFrame(ns3::Ptr<ns3::Packet> frame) {
  if (busy_ || !channel_ || rate_ == 0) {
    ++counters_.refused;
    return false;
  }
  const std::uint32_t len = frame->GetSize();
  const std::size_t wire = wire::wire_bytes(len);
  const TimeNs tx_time = serialization_ns(wire, rate_);
  busy_ = true;
  ++counters_.tx_frames;
  counters_.tx_bytes += len;
  counters_.tx_wire_bytes += wire;
  if (pcap_ != nullptr) capture(pcap_, *frame);
  if (!faults_) {
    channel_->Transmit(frame, this, tx_time);
  } else {
    fault_buf_.resize(len);
    frame->CopyData(fault_buf_.data(), len);
    const faults::Verdict v = faults_->judge(NowNs(), fault_buf_, tx_time);
    if (v.delivered()) {
      ns3::Ptr<ns3::Packet> sent = frame;
      if (v.corrupted()) {
        faults::Injector::apply(v, fault_buf_);
        sent = ns3::Create<ns3::Packet>(fault_buf_.data(), len);
      }
      channel_->Transmit(sent, this, tx_time + v.extra_delay);
      if (v.duplicate) channel_->Transmit(frame->Copy(), this, tx_time + v.extra_delay);
    }
  }
  ns3::Simulator::Schedule(NsTime(tx_time), &PtcpNetDevice::TransmitComplete, this);
  return true;
}

void PtcpNetDevice::SetFaults(const faults::FaultSpec& spec, std::uint64_t seed) {
  faults_.emplace(spec, seed);
}

void PtcpNetDevice::TransmitComplete() {
  busy_ = false;
  if (owner_ != nullptr) owner_->OnTxFree(port_);
}

void PtcpNetDevice::Receive(ns3::Ptr<ns3::Packet> frame) {
  ++counters_.rx_frames;
  counters_.rx_bytes += frame->GetSize();
  if (pcap_ != nullptr) capture(pcap_, *frame);
  if (owner_ != nullptr) {
    owner_->OnFrameReceived(port_, *frame);
    return;
  }
  // A plain ns-3 user: hand the whole frame up with its EtherType as the protocol.
  std::array<std::uint8_t, wire::kEthLen> eth{};
  if (frame->CopyData(eth.data(), eth.size()) < eth.size()) return;
  const auto proto = static_cast<std::uint16_t>((eth[12] << 8) | eth[13]);
  ns3::Mac48Address src;
  src.CopyFrom(eth.data() + 6);
  ns3::Mac48Address dst;
  dst.CopyFrom(eth.data());
  if (!promisc_cb_.IsNull()) {
    const auto type = dst == address_ ? ns3::NetDevice::PACKET_HOST
                      : dst.IsBroadcast() ? ns3::NetDevice::PACKET_BROADCAST
                                          : ns3::NetDevice::PACKET_OTHERHOST;
    promisc_cb_(this, frame, proto, src, dst, type);
  }
  if (!rx_cb_.IsNull()) rx_cb_(this, frame, proto, src);
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
