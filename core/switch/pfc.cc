#include "switch/pfc.h"

#include <stdexcept>
#include <string>

#include "wire/format.h"

namespace ptcp::sw {

std::uint64_t pfc_headroom(const PortConfig& port, std::uint32_t mtu) {
  const auto in_flight = static_cast<std::uint64_t>(
      2.0 * static_cast<double>(port.propagation) * bytes_per_sec(port.rate) / 1e9 + 0.5);
  return in_flight + 3 * wire::wire_bytes(mtu) + wire::wire_bytes(wire::kPfcFrameLen);
}

TimeNs pfc_pause_duration(std::uint16_t quanta, BitsPerSec rate) {
  // A quantum is 512 bit times: 64 bytes.
  return serialization_ns(std::uint64_t{quanta} * 64u, rate);
}

PfcController::PfcController(const PfcConfig& cfg, std::uint64_t buffer_bytes,
                             const std::vector<PortConfig>& ports)
    : cfg_(cfg), hysteresis_(2ull * cfg.mtu), ports_(ports.size()) {
  std::uint64_t reserved = 0;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    ports_[i].headroom = pfc_headroom(ports[i], cfg.mtu);
    ports_[i].refresh = pfc_pause_duration(cfg.pause_quanta, ports[i].rate) / 2;
    reserved += ports_[i].headroom;
  }
  const std::uint64_t min_shared = std::uint64_t{cfg.mtu} * ports.size();
  if (buffer_bytes < reserved + min_shared) {
    throw std::invalid_argument("switch: PFC headroom (" + std::to_string(reserved) +
                                " bytes for " + std::to_string(ports.size()) +
                                " ports) leaves no shared pool in a buffer of " +
                                std::to_string(buffer_bytes) + " bytes");
  }
  if (!(cfg.alpha > 0)) throw std::invalid_argument("switch: PFC alpha must be > 0");
  if (cfg.pause_quanta == 0) throw std::invalid_argument("switch: PFC pause quanta must be > 0");
  shared_size_ = buffer_bytes - reserved;
}

PfcPool PfcController::admit(PortId port, std::uint64_t len) {
  Ingress& in = ports_[port];
  PfcPool pool = PfcPool::kNone;
  if (static_cast<double>(in.shared + len) <= threshold() &&
      shared_used_ + len <= shared_size_) {
    in.shared += len;
    shared_used_ += len;
    pool = PfcPool::kShared;
  } else if (in.headroom_used + len <= in.headroom) {
    in.headroom_used += len;
    pool = PfcPool::kHeadroom;
  }
  if (!in.paused && (in.headroom_used > 0 || static_cast<double>(in.shared) >= threshold())) {
    set_paused(port, true);
  }
  return pool;
}

void PfcController::release(PortId port, std::uint64_t len, PfcPool pool) {
  Ingress& in = ports_[port];
  if (pool == PfcPool::kShared) {
    in.shared -= len;
    shared_used_ -= len;
  } else if (pool == PfcPool::kHeadroom) {
    in.headroom_used -= len;
  }
  if (in.paused && in.headroom_used == 0 &&
      (in.shared == 0 || static_cast<double>(in.shared + hysteresis_) <= threshold())) {
    set_paused(port, false);
  }
}

bool PfcController::admit_control(std::uint64_t len) {
  if (shared_used_ + len > shared_size_) return false;
  shared_used_ += len;
  return true;
}

void PfcController::set_paused(PortId port, bool paused) {
  Ingress& in = ports_[port];
  in.paused = paused;
  if (!in.pending) newly_pending_.push_back(port);
  in.pending = true;
}

TimeNs PfcController::next_frame_time(PortId port) const {
  const Ingress& in = ports_[port];
  if (in.pending) return 0;  // now (the caller adds link availability)
  if (in.paused) return in.last_sent + in.refresh;
  return kNever;
}

std::uint16_t PfcController::take_frame(PortId port, TimeNs now) {
  Ingress& in = ports_[port];
  in.pending = false;
  in.last_sent = now;
  return in.paused ? cfg_.pause_quanta : std::uint16_t{0};
}

}  // namespace ptcp::sw
