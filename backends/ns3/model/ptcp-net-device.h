// A point-to-point NetDevice that carries the core's Ethernet frames byte for byte (no PPP
// header, no hidden queue). Link timing is the core's: a frame of n bytes occupies the wire for
// serialization_ns(wire_bytes(n), rate), then the channel adds the propagation delay.
//
// The device pulls: it never queues. When the wire becomes free it tells its FrameOwner
// (OnTxFree), which hands it the next frame, so the queue that forms is the owner's (the core
// switch's or the core host's), the one INT reports.
//
// Frames are FrameRefs into a BufferPool (one per network, see buffer-pool.h), handed from owner
// to device to channel to the peer's owner without a copy or an ns-3 Packet. The plain ns-3
// interface still works: Send() copies a Packet into a pool buffer, and a device without an
// owner hands received frames up as Packets.
#pragma once

#include <cstdint>
#include <memory>

#include "common/units.h"
#include "faults/faults.h"
#include "model/buffer-pool.h"
#include "ns3/data-rate.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device.h"
#include "ns3/nstime.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/traced-callback.h"

namespace ptcp::ns3sim {

class PtcpChannel;
class PcapWriter;

// The node glue behind a device (a core host or switch).
class FrameOwner {
 public:
  virtual ~FrameOwner() = default;
  // A whole frame arrived on the device with index `port` of this owner, which now holds it:
  // it must Free() it (or pass it on to a device) once done.
  virtual void OnFrameReceived(std::uint32_t port, FrameRef frame) = 0;
  // The wire of `port` is free: the owner may call TransmitFrame() now.
  virtual void OnTxFree(std::uint32_t port) = 0;
};

struct DeviceCounters {
  std::uint64_t tx_frames = 0, tx_bytes = 0, tx_wire_bytes = 0;
  std::uint64_t rx_frames = 0, rx_bytes = 0;
  std::uint64_t refused = 0;  // Send()/TransmitFrame() while the wire was busy
  std::uint64_t oversized = 0;  // Send() of a packet larger than a pool buffer (refused)
};

// Buffer size of the pool a device makes for itself when none was given (SetPool): room for any
// frame a plain ns-3 user may Send(), jumbo frames included.
inline constexpr std::size_t kDefaultPoolBufferBytes = 16384;

class PtcpNetDevice : public ns3::NetDevice {
 public:
  static ns3::TypeId GetTypeId();
  PtcpNetDevice();
  ~PtcpNetDevice() override;

  // Our interface.
  void SetRate(BitsPerSec rate);
  BitsPerSec GetRate() const { return tx_.rate; }
  // `port` is what OnFrameReceived/OnTxFree report back; at most 65535 (a switch's PortId),
  // std::invalid_argument otherwise.
  void SetOwner(FrameOwner* owner, std::uint32_t port);
  bool Attach(ns3::Ptr<PtcpChannel> channel);
  // Re-reads the peer device and delay from the channel (called by the channel when either
  // changes: the per-frame path reads copies here, not the channel).
  void RefreshFromChannel();
  bool IsBusy() const { return tx_.busy; }
  // The pool this device's own frames come from (Send() copies, an owner's new frames). Devices
  // of one network share one (PowertcpHelper::Link); without SetPool a device makes its own.
  // Set it before a HostNode is built on the device (the host glue keeps a pointer to it).
  void SetPool(std::shared_ptr<BufferPool> pool) { pool_ = std::move(pool); }
  BufferPool& Pool();
  // Puts a whole frame on the wire now; the device takes it either way. Returns false (counts
  // it, frees the frame) if the wire is busy.
  bool TransmitFrame(FrameRef frame);
  // The same for a frame in an ns-3 Packet: copied into a pool buffer (false if it is larger).
  bool TransmitFrame(ns3::Ptr<ns3::Packet> frame);
  // Runs when the last bit of a frame has arrived (an event the peer device scheduled).
  void Receive(FrameRef frame);
  // Captures every frame sent or received on this device (nullptr stops).
  void SetPcap(PcapWriter* pcap);
  DeviceCounters Counters() const;
  // Link faults ([faults], core/faults) on the frames this device transmits: each frame is
  // judged as it goes on the wire; lost frames never arrive, held-back ones arrive later,
  // duplicates arrive twice (the second copy in its own buffer, unaltered), corrupted ones with
  // one byte flipped.
  void SetFaults(const faults::FaultSpec& spec, std::uint64_t seed);
  // nullptr when this direction has no faults.
  const faults::FaultCounters* FaultCounters() const {
    return faults_ ? &faults_->counters() : nullptr;
  }
  ns3::Ptr<PtcpNetDevice> GetPeer() const;

  // ns3::NetDevice. Send() transmits the packet's bytes as a complete frame: the caller builds
  // the Ethernet header (our frames already carry one). No queue: false when the wire is busy.
  void SetIfIndex(const std::uint32_t index) override { if_index_ = index; }
  std::uint32_t GetIfIndex() const override { return if_index_; }
  ns3::Ptr<ns3::Channel> GetChannel() const override;
  void SetAddress(ns3::Address address) override;
  ns3::Address GetAddress() const override { return address_; }
  bool SetMtu(const std::uint16_t mtu) override;
  std::uint16_t GetMtu() const override { return mtu_; }
  bool IsLinkUp() const override;
  void AddLinkChangeCallback(ns3::Callback<void> callback) override;
  bool IsBroadcast() const override { return true; }
  ns3::Address GetBroadcast() const override;
  bool IsMulticast() const override { return false; }
  ns3::Address GetMulticast(ns3::Ipv4Address group) const override;
  ns3::Address GetMulticast(ns3::Ipv6Address addr) const override;
  bool IsPointToPoint() const override { return true; }
  bool IsBridge() const override { return false; }
  bool Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address& dest,
            std::uint16_t protocol) override;
  bool SendFrom(ns3::Ptr<ns3::Packet> packet, const ns3::Address& source,
                const ns3::Address& dest, std::uint16_t protocol) override;
  ns3::Ptr<ns3::Node> GetNode() const override { return node_; }
  void SetNode(ns3::Ptr<ns3::Node> node) override { node_ = node; }
  bool NeedsArp() const override { return false; }
  void SetReceiveCallback(ns3::NetDevice::ReceiveCallback cb) override { rx_cb_ = cb; }
  void SetPromiscReceiveCallback(ns3::NetDevice::PromiscReceiveCallback cb) override {
    promisc_cb_ = cb;
  }
  bool SupportsSendFrom() const override { return false; }

 protected:
  void DoDispose() override;

 private:
  void TransmitComplete();
  // Hands the frame to the peer device `after` ns from now (frees it on an unconnected end).
  void Deliver(FrameRef frame, TimeNs after);
  void UpdateSlowPath() { tx_.slow = rx_.pcap != nullptr || faults_ != nullptr; }

  static constexpr std::uint32_t kNoContext = 0xffffffff;
  // Per-frame state, in two cache lines of their own: what sending touches (TransmitFrame, then
  // TransmitComplete on this device) and what receiving touches. A hop reads one line of the
  // sender's device and one of the receiver's, and not the channel: in a large network each is
  // cold when its next frame comes. Counters() assembles the public counters from both.
  struct alignas(64) TxHot {
    PtcpNetDevice* peer = nullptr;  // the channel's other end (raw: the channel holds it)
    FrameOwner* owner = nullptr;
    BitsPerSec rate = 0;
    TimeNs delay = 0;                        // the channel's propagation delay
    std::uint64_t frames = 0, bytes = 0, wire_bytes = 0;
    std::uint32_t peer_context = kNoContext;  // the peer's node id, looked up on first use
    std::uint16_t port = 0;
    bool busy = false;
    bool slow = false;  // pcap or faults on this device: the general path
  };
  struct alignas(64) RxHot {
    FrameOwner* owner = nullptr;
    PcapWriter* pcap = nullptr;
    std::uint64_t frames = 0, bytes = 0;
    std::uint16_t port = 0;
  };
  TxHot tx_;
  RxHot rx_;
  ns3::Ptr<PtcpChannel> channel_;
  std::unique_ptr<faults::Injector> faults_;
  DeviceCounters counters_;  // refused, oversized; the rest lives in tx_/rx_

  ns3::Ptr<ns3::Node> node_;
  ns3::Mac48Address address_;
  std::uint32_t if_index_ = 0;
  std::uint16_t mtu_ = 1500;
  std::shared_ptr<BufferPool> pool_;
  ns3::NetDevice::ReceiveCallback rx_cb_;
  ns3::NetDevice::PromiscReceiveCallback promisc_cb_;
  ns3::TracedCallback<> link_change_;
};

// Simulator::Now() as the core's integer nanoseconds.
TimeNs NowNs();
// A core duration as an ns-3 Time (negative durations become zero).
inline ns3::Time NsTime(TimeNs t) {
  return ns3::Time::FromInteger(static_cast<std::uint64_t>(t < 0 ? 0 : t), ns3::Time::NS);
}

}  // namespace ptcp::ns3sim
