// The congestion-control interface. One object per flow holds that flow's state inline; the
// transport calls it on every ACK and reads back a window and a pacing rate. Algorithms are
// created by name through the registry (cc/registry.h), with parameters resolved and range
// checked once when the experiment is loaded, never on the fast path.
#pragma once

#include <cstdint>
#include <limits>

#include "common/units.h"
#include "wire/format.h"

namespace ptcp::cc {

// Units. Windows (cwnd_bytes) and pacing rates count bytes ON THE WIRE: whole frames plus
// preamble, FCS and inter-frame gap (wire::wire_bytes), the unit in which links run (b*tau),
// switches count txBytes and the transport spaces departures. So HostBw*tau is exactly one
// line-rate window, and PowerTCP's q + b*tau adds like to like. The transport converts: a flow
// may have cwnd * mss / packet_bytes payload bytes in flight. Sequence numbers and byte counts
// in AckEvent/LossEvent (bytes_acked, snd_una, snd_nxt) are payload bytes (sequence space).
// "One packet" of window is packet_bytes, not mss.

// Fixed facts about the flow, given at creation.
struct FlowContext {
  BitsPerSec host_rate = 0;   // HostBw: the sender NIC's line rate
  TimeNs base_rtt = 0;        // tau
  std::uint32_t mss = 1000;   // payload bytes per full packet
  std::uint32_t packet_bytes = 1000;  // wire bytes of a full packet: wire::wire_bytes(frame)
};

inline constexpr TimeNs kNoRttSample = -1;

// The window of purely rate-based algorithms (DCQCN, TIMELY): large
// enough never to bind, small enough to convert exactly to any integer byte count (2^40 bytes).
inline constexpr double kUnlimitedCwnd = 1099511627776.0;

// Everything an ACK tells the sender.
struct AckEvent {
  TimeNs now = 0;
  std::uint64_t bytes_acked = 0;  // newly acknowledged bytes (advance of the cumulative ACK)
  std::uint64_t snd_una = 0;      // cumulative ACK after this one: all bytes below are delivered
  std::uint64_t snd_nxt = 0;      // the sender's next new byte at this moment
  TimeNs rtt = kNoRttSample;      // now minus the echoed send time of the acknowledged packet
  const wire::IntStack* int_stack = nullptr;  // the path's INT records, or null without INT
  bool ecn_echo = false;          // the acknowledged packet arrived CE-marked
};

// A loss signal: NACK or duplicate ACKs (once per loss episode).
struct LossEvent {
  TimeNs now = 0;
  std::uint64_t snd_una = 0;
  std::uint64_t snd_nxt = 0;
};

class CongestionControl {
 public:
  virtual ~CongestionControl() = default;

  virtual void on_ack(const AckEvent& ev) = 0;
  virtual void on_loss(const LossEvent& /*ev*/) {}
  virtual void on_timeout(TimeNs /*now*/) {}
  virtual void on_cnp(TimeNs /*now*/) {}
  // Called for each data packet handed to the wire (DCQCN counts bytes for its timers).
  virtual void on_send(TimeNs /*now*/, std::uint64_t /*seq*/, std::uint32_t /*bytes*/) {}
  // Algorithms with timers of their own (DCQCN) say when they next need on_timer().
  virtual TimeNs next_timer() const { return kNever; }
  virtual void on_timer(TimeNs /*now*/) {}

  // Outputs: wire bytes allowed in flight, and the pacing rate in wire bytes per second.
  double cwnd_bytes() const { return cwnd_; }
  double pacing_rate() const { return pacing_; }

  // For traces and tests: the algorithm's own notion of congestion (PowerTCP: smoothed
  // normalized power; HPCC: smoothed utilization). NaN where it has none.
  virtual double congestion_signal() const { return std::numeric_limits<double>::quiet_NaN(); }

 protected:
  double cwnd_ = 0;
  double pacing_ = 0;
};

}  // namespace ptcp::cc
