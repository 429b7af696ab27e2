#include "switch/switch.h"

#include <stdexcept>
#include <string>

#include "switch/ecmp.h"
#include "switch/ecn.h"
#include "switch/frame_check.h"
#include "switch/pfc.h"
#include "switch/port.h"
#include "switch/shared_buffer.h"

namespace ptcp::sw {

// Members in the order a packet reads them, the per-packet ones first: a large network's
// switch is cold when its next packet comes, and each line touched is a miss (the config, the
// route table's cold parts and PFC state were spread over six lines before).
struct alignas(64) Switch::Impl {
  explicit Impl(SwitchConfig c)
      : buffer(c.buffer_bytes, c.dt_alpha),
        ecmp_salt(ecmp_hash(FiveTuple{c.node_index, 0, 0, 0, 0}, c.seed)),
        ecn(c.seed ^ 0x5ec0'ecb1'ecb1'0000ull),
        ecn_enabled(c.ecn_enabled),
        int_enabled(c.int_enabled),
        verify_checksums(c.verify_checksums),
        cfg(std::move(c)) {
    ports.reserve(cfg.ports.size());
    for (const PortConfig& p : cfg.ports) ports.emplace_back(p);
    if (cfg.pfc.enabled) {
      pfc = std::make_unique<PfcController>(cfg.pfc, cfg.buffer_bytes, cfg.ports);
    }
  }

  RxResult receive(TimeNs now, PortId in_port, std::span<std::uint8_t> frame, Handle handle,
                   PortId& egress);
  void notify_pfc();

  // Three lines: every packet reads all of these.
  std::vector<EgressPort> ports;
  SharedBuffer buffer;
  std::uint64_t ecmp_salt;
  std::unique_ptr<PfcController> pfc;  // null without PFC (an optional's flag sits after it)
  EcnMarker ecn;
  bool ecn_enabled, int_enabled, verify_checksums;  // copies of cfg's
  RouteTable routes;  // its per-packet parts first
  SwitchCounters counters;
  SwitchConfig cfg;
  // Set by on_pfc_pending's owner; kept here so Impl can call it.
  std::function<void(PortId)>* on_pfc_pending = nullptr;
};

namespace {

void validate(const SwitchConfig& cfg) {
  if (cfg.ports.empty()) throw std::invalid_argument("switch: no ports");
  if (cfg.ports.size() > 0xffff) throw std::invalid_argument("switch: more than 65535 ports");
  if (cfg.buffer_bytes == 0) throw std::invalid_argument("switch: buffer_bytes must be > 0");
  if (!(cfg.dt_alpha > 0)) throw std::invalid_argument("switch: dt_alpha must be > 0");
  for (std::size_t i = 0; i < cfg.ports.size(); ++i) {
    const PortConfig& p = cfg.ports[i];
    const std::string where = "switch: port " + std::to_string(i) + ": ";
    if (p.rate < 1'000'000) throw std::invalid_argument(where + "rate must be >= 1 Mb/s");
    if (p.propagation < 0) throw std::invalid_argument(where + "negative propagation delay");
    if (p.ecn.kmax_bytes < p.ecn.kmin_bytes || p.ecn.pmax < 0 || p.ecn.pmax > 1) {
      throw std::invalid_argument(where + "ECN needs kmin <= kmax and 0 <= pmax <= 1");
    }
  }
}

}  // namespace

RxResult Switch::Impl::receive(TimeNs now, PortId in_port, std::span<std::uint8_t> frame,
                               Handle handle, PortId& egress) {
  if (in_port >= ports.size() || frame.size() > 0xffffffffu) {
    ++counters.malformed;
    return RxResult::kMalformed;
  }
  ports[in_port].counters.rx_bytes += frame.size();
  FrameInfo info;
  if (check_frame(frame, info) != wire::ParseStatus::kOk) {
    ++counters.malformed;
    return RxResult::kMalformed;
  }
  if (verify_checksums && info.kind == wire::FrameKind::kTransport) {
    wire::ParsedFrame full;
    if (wire::parse_frame(frame, full) != wire::ParseStatus::kOk) {
      ++counters.malformed;
      return RxResult::kMalformed;
    }
  }
  if (info.kind == wire::FrameKind::kPfcPause) {
    // Priority 0 carries our data; any other priority is not ours to honour.
    if ((info.pause.class_enable & 1u) != 0) {
      ports[in_port].pause(now, info.pause.quanta[0]);
    } else {
      ++counters.pfc_ignored;
    }
    return RxResult::kConsumed;
  }

  const std::uint32_t out = routes.select(
      FiveTuple{info.src_ip, info.dst_ip, info.src_port, info.dst_port, info.proto}, ecmp_salt);
  if (out == RouteTable::kNoPort) {
    ++counters.no_route;
    return RxResult::kNoRoute;
  }
  EgressPort& port = ports[out];
  const auto len = static_cast<std::uint32_t>(frame.size());
  const bool is_data = info.type == wire::PacketType::kData;
  QueuedPacket qp{handle, frame.data(), len, in_port, is_data && info.has_int, PfcPool::kNone};

  bool admitted = false;
  if (pfc) {
    if (is_data) {
      qp.pool = pfc->admit(in_port, len);
      admitted = qp.pool != PfcPool::kNone;
      if (!pfc->newly_pending().empty()) notify_pfc();
    } else {
      admitted = pfc->admit_control(len);
    }
  } else {
    admitted = buffer.dt_admits(is_data ? port.data_bytes() : port.control_bytes(), len);
  }
  if (!admitted) {
    ++port.counters.dropped;
    ++counters.buffer_drops;
    return RxResult::kDropped;
  }
  buffer.add(len);

  if (is_data) {
    if (ecn_enabled && ecn.should_mark(port.ecn(), port.data_bytes()) &&
        wire::mark_ce(frame)) {
      ++port.counters.marked;
    }
    port.enqueue_data(qp);
  } else {
    port.enqueue_control(qp);
  }
  egress = static_cast<PortId>(out);
  return RxResult::kEnqueued;
}

void Switch::Impl::notify_pfc() {
  std::vector<PortId>& ports_pending = pfc->newly_pending();
  if (on_pfc_pending != nullptr && *on_pfc_pending) {
    for (PortId p : ports_pending) (*on_pfc_pending)(p);
  }
  ports_pending.clear();
}

Switch::Switch(SwitchConfig cfg) {
  validate(cfg);
  impl_ = std::make_unique<Impl>(std::move(cfg));
  impl_->on_pfc_pending = &on_pfc_pending;
}

Switch::~Switch() = default;

Switch::Switch(Switch&& other) noexcept
    : on_pfc_pending(std::move(other.on_pfc_pending)), impl_(std::move(other.impl_)) {
  if (impl_) impl_->on_pfc_pending = &on_pfc_pending;
}

Switch& Switch::operator=(Switch&& other) noexcept {
  on_pfc_pending = std::move(other.on_pfc_pending);
  impl_ = std::move(other.impl_);
  if (impl_) impl_->on_pfc_pending = &on_pfc_pending;
  return *this;
}

void Switch::add_route(std::uint32_t dst_ip, std::vector<PortId> ports) {
  if (ports.empty()) throw std::invalid_argument("switch: add_route with no ports");
  for (PortId p : ports) {
    if (p >= impl_->ports.size()) {
      throw std::invalid_argument("switch: add_route to port " + std::to_string(p) +
                                  " of a switch with " + std::to_string(impl_->ports.size()) +
                                  " ports");
    }
  }
  impl_->routes.set(dst_ip, ports);
}

RxResult Switch::receive(TimeNs now, PortId in_port, std::span<std::uint8_t> frame,
                         Handle handle) {
  PortId egress = 0;
  return impl_->receive(now, in_port, frame, handle, egress);
}

RxResult Switch::receive(TimeNs now, PortId in_port, std::span<std::uint8_t> frame,
                         Handle handle, PortId& egress) {
  return impl_->receive(now, in_port, frame, handle, egress);
}

std::optional<Dequeued> Switch::dequeue(PortId port, TimeNs now) {
  if (port >= impl_->ports.size()) return std::nullopt;
  EgressPort& p = impl_->ports[port];
  if (!p.link_free(now)) return std::nullopt;
  QueuedPacket qp;
  if (!p.pop(now, qp, impl_->int_enabled)) return std::nullopt;
  impl_->buffer.remove(qp.len);
  if (impl_->pfc) {
    if (qp.pool != PfcPool::kNone) {
      impl_->pfc->release(qp.in_port, qp.len, qp.pool);
      if (!impl_->pfc->newly_pending().empty()) impl_->notify_pfc();
    } else {
      impl_->pfc->release_control(qp.len);
    }
  }
  const TimeNs done = p.occupy_link(now, qp.len);
  return Dequeued{qp.handle, qp.len, qp.in_port, done};
}

TimeNs Switch::next_departure(PortId port) const {
  if (port >= impl_->ports.size()) return kNever;
  const EgressPort& p = impl_->ports[port];
  TimeNs t = p.next_eligible();
  if (impl_->pfc) t = std::min(t, impl_->pfc->next_frame_time(port));
  if (t == kNever) return kNever;
  return std::max(t, p.link_free_at());
}

std::size_t Switch::next_pfc_frame(PortId port, TimeNs now, std::span<std::uint8_t> out) {
  if (!impl_->pfc || port >= impl_->ports.size() || out.size() < wire::kPfcFrameLen) return 0;
  EgressPort& p = impl_->ports[port];
  if (now < impl_->pfc->next_frame_time(port) || !p.link_free(now)) return 0;
  wire::PfcPause pause;
  pause.class_enable = 1;
  pause.quanta[0] = impl_->pfc->take_frame(port, now);
  const std::size_t n = wire::write_pfc_pause(out, wire::node_mac(impl_->cfg.node_index), pause);
  if (pause.quanta[0] != 0) {
    ++p.counters.pauses_sent;
  } else {
    ++p.counters.resumes_sent;
  }
  p.occupy_link(now, n);
  return n;
}

std::uint64_t Switch::queue_bytes(PortId port) const {
  return port < impl_->ports.size() ? impl_->ports[port].queue_bytes() : 0;
}

std::uint64_t Switch::buffer_used() const { return impl_->buffer.used(); }

void Switch::sample_queues(TimeNs now, const std::function<void(const QueueSample&)>& fn) const {
  for (std::size_t i = 0; i < impl_->ports.size(); ++i) {
    fn(QueueSample{now, impl_->cfg.node_index, static_cast<PortId>(i),
                   impl_->ports[i].queue_bytes()});
  }
}

bool Switch::egress_paused(PortId port, TimeNs now) const {
  return port < impl_->ports.size() && impl_->ports[port].data_paused(now);
}

bool Switch::ingress_paused(PortId port) const {
  return impl_->pfc && port < impl_->ports.size() && impl_->pfc->paused(port);
}

const PortCounters& Switch::port_counters(PortId port) const {
  return impl_->ports.at(port).counters;
}
const SwitchCounters& Switch::counters() const { return impl_->counters; }
const SwitchConfig& Switch::config() const { return impl_->cfg; }
std::size_t Switch::port_count() const { return impl_->ports.size(); }

}  // namespace ptcp::sw
