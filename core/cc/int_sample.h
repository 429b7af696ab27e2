// Per-hop INT arithmetic shared by the INT-based algorithms (PowerTCP, its rate variant, HPCC):
// deltas of one hop's record against the previous ACK's record of the same hop.
#pragma once

#include <algorithm>
#include <cstddef>

#include "common/units.h"
#include "wire/format.h"

namespace ptcp::cc {

struct HopDelta {
  bool valid = false;  // false when dt == 0 or the link rate is unknown: skip this hop
  TimeNs dt_ns = 0;
  double b = 0;          // link rate, bytes/s
  double qlen = 0;       // queue now, bytes
  double qlen_prev = 0;  // queue at the previous record, bytes
  double tx_rate = 0;    // mu: (txBytes - txBytes_prev) / dt, bytes/s
  double qdot = 0;       // (qlen - qlen_prev) / dt, bytes/s
};

inline HopDelta hop_delta(const wire::IntHop& cur, const wire::IntHop& prev) {
  HopDelta h;
  const std::uint32_t dt = wire::int_delta(cur.ts_ns, prev.ts_ns);  // wrap-safe
  if (dt == 0 || cur.rate_mbps == 0) return h;
  const double dt_s = static_cast<double>(dt) * 1e-9;
  h.valid = true;
  h.dt_ns = static_cast<TimeNs>(dt);
  h.b = static_cast<double>(cur.rate_mbps) * 1e6 / 8.0;
  h.qlen = static_cast<double>(cur.qlen_bytes);
  h.qlen_prev = static_cast<double>(prev.qlen_bytes);
  h.tx_rate = static_cast<double>(wire::int_delta(cur.tx_bytes, prev.tx_bytes)) / dt_s;
  h.qdot = (h.qlen - h.qlen_prev) / dt_s;
  return h;
}

// The previous ACK's INT stack of a flow.
class IntRecord {
 public:
  bool empty() const { return !valid_; }
  // Deltas are meaningful only against a record of the same path length; a changed hop count
  // means a new path (or a malformed stack): store it and wait for the next ACK.
  bool comparable(const wire::IntStack& s) const {
    return valid_ && s.n_hops == prev_.n_hops && s.n_hops > 0;
  }
  void store(const wire::IntStack& s) {
    prev_ = s;
    valid_ = true;
  }
  const wire::IntHop& hop(std::size_t i) const { return prev_.hops[i]; }

 private:
  wire::IntStack prev_{};
  bool valid_ = false;
};

inline std::size_t hop_count(const wire::IntStack& s) {
  return std::min<std::size_t>(s.n_hops, wire::kMaxIntHops);
}

}  // namespace ptcp::cc
