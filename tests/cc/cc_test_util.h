// Builders for synthetic ACKs and INT stacks used by the congestion-control tests.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "cc/cc.h"
#include "wire/format.h"

namespace ptcp::cc::test {

inline wire::IntHop hop(std::uint32_t qlen, std::uint32_t tx, std::uint32_t ts,
                        std::uint32_t rate_mbps) {
  wire::IntHop h;
  h.qlen_bytes = qlen;
  h.tx_bytes = tx;
  h.ts_ns = ts;
  h.rate_mbps = rate_mbps;
  return h;
}

inline wire::IntStack stack(std::initializer_list<wire::IntHop> hops) {
  wire::IntStack s;
  for (const wire::IntHop& h : hops) s.hops[s.n_hops++] = h;
  return s;
}

inline AckEvent ack(TimeNs now, std::uint64_t snd_una, std::uint64_t snd_nxt,
                    const wire::IntStack* int_stack = nullptr, TimeNs rtt = kNoRttSample,
                    bool ecn = false, std::uint64_t bytes_acked = 1000) {
  AckEvent ev;
  ev.now = now;
  ev.snd_una = snd_una;
  ev.snd_nxt = snd_nxt;
  ev.int_stack = int_stack;
  ev.rtt = rtt;
  ev.ecn_echo = ecn;
  ev.bytes_acked = bytes_acked;
  return ev;
}

inline FlowContext context(double host_gbps, TimeNs tau, std::uint32_t mss = 1000) {
  FlowContext c;
  c.host_rate = gbps(host_gbps);
  c.base_rtt = tau;
  c.mss = mss;
  c.packet_bytes = mss + 48;
  return c;
}

}  // namespace ptcp::cc::test
