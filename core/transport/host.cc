#include "transport/host.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "transport/control_queue.h"
#include "transport/deadline_heap.h"
#include "transport/payload.h"
#include "transport/receiver.h"
#include "transport/ring.h"
#include "transport/sender.h"
#include "wire/checksum.h"

namespace ptcp::transport {
namespace {

constexpr std::uint32_t kNoSlot = ~std::uint32_t{0};
constexpr std::size_t kInitialControlSlots = 16;

std::uint32_t node_from_ip(std::uint32_t ip) { return ip - wire::node_ip(0); }

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("transport::HostConfig: " + what);
}

HostConfig validated(HostConfig c) {
  require(c.link_rate > 0, "link_rate must be > 0");
  require(c.payload_bytes > 0, "payload_bytes must be > 0");
  const std::size_t ip_bytes = wire::header_len(c.int_enabled) - wire::kEthLen + c.payload_bytes;
  require(ip_bytes <= c.mtu, "payload_bytes " + std::to_string(c.payload_bytes) +
                                 " plus headers exceeds mtu " + std::to_string(c.mtu));
  require(c.payload_bytes <= 0xffff, "payload_bytes must fit 16 bits");
  require(c.ack_every > 0, "ack_every must be >= 1");
  require(c.dupack_threshold > 0, "dupack_threshold must be >= 1");
  require(c.control_queue_capacity > 0, "control_queue_capacity must be >= 1");
  require(c.rto >= 0 && c.rto_max >= 0 && c.base_rtt >= 0 && c.cnp_interval >= 0 &&
              c.nack_interval >= 0 && c.tail_nack_interval >= 0 && c.pacing_slack >= 0,
          "times must be >= 0");
  if (c.rto == 0) c.rto = kNsPerMs;
  if (c.rto_max == 0) c.rto_max = 64 * c.rto;
  require(c.rto_max >= c.rto, "rto_max must be >= rto");
  if (c.nack_interval == 0) c.nack_interval = c.base_rtt > 0 ? c.base_rtt : 10 * kNsPerUs;
  if (c.tail_nack_interval == 0) c.tail_nack_interval = 4 * c.nack_interval;
  return c;
}

}  // namespace

struct Host::Impl {
  enum class SlotState : std::uint8_t { kFree, kIdle, kReady, kPacing };

  struct SenderSlot {
    std::unique_ptr<SenderFlow> flow;
    FlowSpec spec{};
    wire::FrameAddr addr{};
    SlotState state = SlotState::kFree;
    bool finished = false;  // completed while queued in ready_: freed when popped
  };

  Impl(Host& h, HostConfig c)
      : host(h),
        cfg(validated(std::move(c))),
        my_ip(wire::node_ip(cfg.node_index)),
        my_mac(wire::node_mac(cfg.node_index)),
        // Starts small and grows to the configured bound on demand (control_slot()): a
        // full-size queue per host (1024 x 128 bytes) was most of a host's memory, and
        // replies rarely queue more than a few deep.
        control(std::min<std::size_t>(cfg.control_queue_capacity, kInitialControlSlots)),
        control_capacity(cfg.control_queue_capacity) {
    sender_params.mss = cfg.payload_bytes;
    sender_params.int_enabled = cfg.int_enabled;
    sender_params.rto = cfg.rto;
    sender_params.rto_max = cfg.rto_max;
    sender_params.dupack_threshold = cfg.dupack_threshold;
    sender_params.base_rtt = cfg.base_rtt;
    sender_params.pacing_slack = cfg.pacing_slack;
    receiver_params.ack_every = cfg.ack_every;
    receiver_params.nack_interval = cfg.nack_interval;
    receiver_params.cnp_interval = cfg.cnp_interval;
    receiver_params.verify_payload = cfg.verify_payload;
    receiver_params.quiet_nack = cfg.tail_nack ? cfg.tail_nack_interval : 0;
    max_frame = std::max(wire::frame_len(cfg.int_enabled, cfg.payload_bytes),
                         wire::frame_len(true, 0));
    flow_ctx.host_rate = cfg.link_rate;
    flow_ctx.base_rtt = cfg.base_rtt;
    flow_ctx.mss = cfg.payload_bytes;
    // Wire bytes of a full data packet: the unit of every CC window (cc/cc.h).
    flow_ctx.packet_bytes = static_cast<std::uint32_t>(
        wire::wire_bytes(wire::frame_len(cfg.int_enabled, cfg.payload_bytes)));
  }

  // --- sender side ---

  std::uint32_t alloc_slot() {
    if (!free_slots.empty()) {
      const std::uint32_t s = free_slots.back();
      free_slots.pop_back();
      return s;
    }
    const auto s = static_cast<std::uint32_t>(slots.size());
    slots.emplace_back();
    // Per-flow growth of the scheduling structures, so packets never allocate.
    pacing.reserve_ids(slots.size());
    timers.reserve_ids(slots.size());
    ready.grow(slots.size());
    free_slots.reserve(slots.size());
    return s;
  }

  void free_slot(std::uint32_t s) {
    SenderSlot& slot = slots[s];
    slot.flow.reset();
    slot.state = SlotState::kFree;
    slot.finished = false;
    free_slots.push_back(s);
  }

  // Puts an idle flow where it belongs: the ready ring if it may send now, the pacing heap if
  // only pacing holds it back, nowhere if it has nothing to send or no window (an ACK, NACK or
  // timer will call this again).
  void schedule(std::uint32_t s, TimeNs now) {
    SenderSlot& slot = slots[s];
    if (slot.state != SlotState::kIdle) return;
    const SenderFlow& f = *slot.flow;
    if (!f.has_data() || !f.window_allows()) return;
    if (f.pacing_time() <= now) {
      ready.push(s);
      slot.state = SlotState::kReady;
    } else {
      pacing.set(s, f.pacing_time());
      slot.state = SlotState::kPacing;
    }
  }

  void refresh_timer(std::uint32_t s) { timers.set(s, slots[s].flow->next_deadline()); }

  void complete(std::uint32_t s) {
    SenderSlot& slot = slots[s];
    const SenderFlow& f = *slot.flow;
    FlowRecord rec;
    rec.flow_id = slot.spec.flow_id;
    rec.src_node = cfg.node_index;
    rec.dst_node = slot.spec.dst_node;
    rec.size_bytes = f.size();  // the spec's size, or what was sent before stop_flow()
    rec.start_ns = f.start_time();
    rec.end_ns = f.end_time();
    rec.retransmits = f.retransmits();
    rec.timeouts = f.timeouts();
    timers.remove(s);
    sender_index.erase(slot.spec.flow_id);  // late ACKs are stale from now on
    if (last_tx_slot == s) last_tx_slot = kNoSlot;
    --live_senders;
    if (slot.state == SlotState::kPacing) pacing.remove(s);
    if (slot.state == SlotState::kReady) {
      slot.finished = true;  // still queued in ready: freed when popped
    } else {
      free_slot(s);
    }
    if (host.on_flow_complete) host.on_flow_complete(rec);
  }

  void run_timers(TimeNs now) {
    while (timers.top_time() <= now) {
      const std::uint32_t s = timers.top_id();
      SenderFlow& f = *slots[s].flow;
      const std::uint64_t timeouts_before = f.timeouts();
      f.on_timer(now);
      counters.timeouts += f.timeouts() - timeouts_before;
      refresh_timer(s);
      // A timeout rewinds snd_nxt: the flow may send again (and may have been paced).
      if (slots[s].state == SlotState::kPacing && f.pacing_time() <= now) {
        pacing.remove(s);
        slots[s].state = SlotState::kIdle;
      }
      schedule(s, now);
    }
  }

  std::size_t write_data(TimeNs now, std::uint32_t s, std::span<std::uint8_t> out) {
    SenderSlot& slot = slots[s];
    SenderFlow& f = *slot.flow;
    const Emission e = f.emit(now);
    seg_out.type = wire::PacketType::kData;
    seg_out.flags = e.flags;
    if (cfg.int_enabled) seg_out.flags |= wire::flags::kHasInt;
    seg_out.flow_id = slot.spec.flow_id;
    seg_out.seq = e.seq;
    seg_out.ack = 0;
    seg_out.ts_ns = static_cast<std::uint64_t>(now);
    seg_out.payload_len = e.len;
    // One pass writes the payload and sums it for the checksum. Without verification the
    // payload is zeros (no stale buffer bytes on the wire), whose sum is 0.
    std::uint8_t* payload = out.data() + wire::header_len(cfg.int_enabled);
    std::uint64_t payload_sum = 0;
    if (cfg.verify_payload) {
      payload_sum = fill_payload_summed(slot.spec.flow_id, e.seq, payload, e.len);
    } else {
      std::memset(payload, 0, e.len);
    }
    static constexpr std::array<std::uint8_t, wire::kIntLen> kEmptyInt{};  // no hops yet
    const std::size_t n = wire::finish_frame_with_raw_int(
        out, slot.addr, seg_out, cfg.ecn_capable ? wire::kEcnEct0 : wire::kEcnNotEct, payload_sum,
        kEmptyInt.data());
    ++counters.data_sent;
    if ((e.flags & wire::flags::kRetransmit) != 0) ++counters.retransmits;
    refresh_timer(s);
    return n;
  }

  // --- control side ---

  // A control queue slot to fill, or null (counted by the caller) when the queue is full.
  ControlEntry* control_slot() { return control.push_slot_growing(control_capacity); }

  ControlEntry* push_control(wire::PacketType type, const wire::ParsedFrame& in) {
    ControlEntry* c = control_slot();
    if (c == nullptr) {
      ++counters.control_overflow;
      return nullptr;
    }
    c->type = type;
    c->flags = 0;
    c->flow_id = in.seg.flow_id;
    c->seq = in.seg.seq;
    c->ack = 0;
    c->ts_ns = in.seg.ts_ns;
    c->dst_ip = in.src_ip;
    c->dst_mac = in.src_mac;
    return c;
  }

  std::size_t write_control(TimeNs now, std::span<std::uint8_t> out) {
    const ControlEntry& c = control.front();
    seg_out.type = c.type;
    seg_out.flags = c.flags;
    seg_out.flow_id = c.flow_id;
    seg_out.seq = c.seq;
    seg_out.ack = c.ack;
    seg_out.ts_ns = c.type == wire::PacketType::kProbe ? static_cast<std::uint64_t>(now) : c.ts_ns;
    seg_out.payload_len = 0;
    wire::FrameAddr addr;
    addr.src_mac = my_mac;
    addr.dst_mac = c.dst_mac;
    addr.src_ip = my_ip;
    addr.dst_ip = c.dst_ip;
    addr.src_port = wire::flow_src_port(c.flow_id);
    const std::size_t n =
        wire::finish_frame_with_raw_int(out, addr, seg_out, wire::kEcnNotEct, 0, c.int_region.data());
    control.pop();
    return n;
  }

  // A data packet of a flow this host finished receiving: everything in it was delivered
  // before. Acknowledge the whole flow at once (as the full receiver state would), so a sender
  // whose final ACK was lost completes.
  void on_finished_data(const wire::ParsedFrame& pf, const std::uint8_t* frame,
                        std::uint64_t final_size) {
    ++counters.duplicates_received;
    ControlEntry* c = push_control(wire::PacketType::kAck, pf);
    if (c == nullptr) return;
    c->ack = final_size;
    if (pf.ecn == wire::kEcnCe) c->flags |= wire::flags::kEcnEcho;
    if ((pf.seg.flags & wire::flags::kHasInt) != 0) {
      c->flags |= wire::flags::kHasInt;
      std::memcpy(c->int_region.data(), frame + wire::kIntOffset, wire::kIntLen);
    }
    ++counters.acks_sent;
  }

  // `payload_errors`: the fused receive pass's count of wrong payload bytes (on_frame).
  void on_data(TimeNs now, const wire::ParsedFrame& pf, const std::uint8_t* frame,
               std::uint64_t payload_errors) {
    const std::uint64_t key = (std::uint64_t{pf.src_ip} << 32) | pf.seg.flow_id;
    std::uint32_t r;
    if (key == last_rx_key && last_rx_slot != kNoSlot) {
      r = last_rx_slot;  // the previous packet's flow: no hash lookup
    } else if (const auto it = receiver_index.find(key); it != receiver_index.end()) {
      r = it->second;
    } else {
      if (const auto done = finished_receivers.find(key); done != finished_receivers.end()) {
        on_finished_data(pf, frame, done->second);
        return;
      }
      if (!free_receivers.empty()) {
        r = free_receivers.back();
        free_receivers.pop_back();
        receivers[r] = ReceiverFlow(pf.seg.flow_id, receiver_params);
      } else {
        r = static_cast<std::uint32_t>(receivers.size());
        receivers.emplace_back(pf.seg.flow_id, receiver_params);
        receiver_peers.emplace_back();
        rx_timers.reserve_ids(receivers.size());
      }
      receiver_peers[r] = Peer{pf.src_ip, pf.src_mac, false, 0};
      receiver_index.emplace(key, r);
    }
    last_rx_key = key;
    last_rx_slot = r;
    ReceiverFlow& rf = receivers[r];
    const RxReply rep = rf.on_data_verified(now, pf.seg, payload_errors, pf.ecn == wire::kEcnCe);
    counters.bytes_delivered += rep.delivered;
    counters.payload_errors += rep.payload_errors;
    if (rep.duplicate) ++counters.duplicates_received;
    if (rep.cnp) {
      if (push_control(wire::PacketType::kCnp, pf) != nullptr) ++counters.cnps_sent;
    }
    if (rep.ack || rep.nack) {
      ControlEntry* c =
          push_control(rep.nack ? wire::PacketType::kNack : wire::PacketType::kAck, pf);
      if (c != nullptr) {
        c->ack = rf.rcv_nxt();
        if (rep.ecn_echo) c->flags |= wire::flags::kEcnEcho;
        if (rep.ack && (pf.seg.flags & wire::flags::kHasInt) != 0) {
          c->flags |= wire::flags::kHasInt;
          std::memcpy(c->int_region.data(), frame + wire::kIntOffset, wire::kIntLen);
        }
        ++(rep.nack ? counters.nacks_sent : counters.acks_sent);
      }
    }
    if (rep.completed) {
      const std::uint64_t size = rf.rcv_nxt();
      if (receiver_params.quiet_nack > 0) {
        // Linger one tail interval, then ACK the whole flow once more and free the state: a
        // lost final ACK then costs that interval instead of the sender's RTO.
        receiver_peers[r].closing = true;
        receiver_peers[r].key = key;
        ++closing_receivers;
        rx_timers.set(r, now + receiver_params.quiet_nack);
      } else {
        rx_timers.remove(r);
        free_receiver(r, key);
      }
      if (host.on_flow_received) host.on_flow_received(node_from_ip(pf.src_ip), pf.seg.flow_id, size);
    } else if (!receiver_peers[r].closing) {
      rx_timers.set(r, rf.quiet_deadline());
    }
  }

  // A finished flow's state is freed: its final size is all a late duplicate needs.
  void free_receiver(std::uint32_t r, std::uint64_t key) {
    finished_receivers.emplace(key, receivers[r].rcv_nxt());
    receiver_index.erase(key);
    if (last_rx_key == key) last_rx_slot = kNoSlot;
    receiver_peers[r].closing = false;
    free_receivers.push_back(r);
  }

  // Receiver timers: NACK what each silent unfinished flow has (tail-loss timer); for a
  // finished flow whose linger ended, ACK it once more and free it.
  void run_rx_timers(TimeNs now) {
    while (rx_timers.top_time() <= now) {
      const std::uint32_t r = rx_timers.top_id();
      ReceiverFlow& rf = receivers[r];
      Peer& peer = receiver_peers[r];
      ControlEntry* c = control_slot();
      if (c == nullptr) {
        ++counters.control_overflow;
      } else {
        *c = ControlEntry{};
        c->type = peer.closing ? wire::PacketType::kAck : wire::PacketType::kNack;
        c->flow_id = rf.flow_id();
        c->seq = rf.rcv_nxt();  // == the size once finished: also confirms an end marker
        c->ack = rf.rcv_nxt();
        c->ts_ns = rf.last_ts();
        c->dst_ip = peer.ip;
        c->dst_mac = peer.mac;
        if (peer.closing) {
          ++counters.acks_sent;
          ++counters.final_reacks_sent;
        } else {
          ++counters.nacks_sent;
          ++counters.tail_nacks_sent;
        }
      }
      if (peer.closing) {
        rx_timers.remove(r);
        --closing_receivers;
        free_receiver(r, peer.key);
        continue;
      }
      rf.on_quiet_nack();
      rx_timers.set(r, rf.quiet_deadline());
    }
  }

  void on_control(TimeNs now, const wire::ParsedFrame& pf) {
    const wire::Segment& seg = pf.seg;
    if (seg.type == wire::PacketType::kAck) ++counters.acks_received;
    if (seg.type == wire::PacketType::kNack) ++counters.nacks_received;
    if (seg.type == wire::PacketType::kCnp) ++counters.cnps_received;
    std::uint32_t s = kNoSlot;
    if (last_tx_slot != kNoSlot && slots[last_tx_slot].spec.flow_id == seg.flow_id) {
      s = last_tx_slot;  // the previous ACK's flow: no hash lookup
    } else if (const auto it = sender_index.find(seg.flow_id); it != sender_index.end()) {
      s = it->second;
    }
    if (s == kNoSlot || pf.src_ip != slots[s].addr.dst_ip) {
      ++counters.stale_control;
      return;
    }
    last_tx_slot = s;
    SenderFlow& f = *slots[s].flow;
    if (seg.type == wire::PacketType::kCnp) {
      f.on_cnp(now);
      refresh_timer(s);
      return;
    }
    if (f.on_ack(now, seg, (seg.flags & wire::flags::kEcnEcho) != 0)) {
      complete(s);
      return;
    }
    refresh_timer(s);
    schedule(s, now);
  }

  void on_pause(TimeNs now, const wire::PfcPause& p) {
    ++counters.pauses_received;
    std::uint32_t quanta = 0;
    bool any = false;
    for (std::size_t i = 0; i < p.quanta.size(); ++i) {
      if ((p.class_enable >> i) & 1u) {
        any = true;
        quanta = std::max<std::uint32_t>(quanta, p.quanta[i]);
      }
    }
    if (!any) return;
    // One quantum is 512 bit times (64 bytes) at our line rate; quanta 0 resumes at once.
    pause_until = quanta == 0 ? now : now + serialization_ns(std::uint64_t{quanta} * 64, cfg.link_rate);
  }

  Host& host;  // for the user's callbacks
  HostConfig cfg;
  std::uint32_t my_ip;
  wire::MacAddr my_mac;
  SenderParams sender_params;
  ReceiverParams receiver_params;
  cc::FlowContext flow_ctx;
  std::size_t max_frame = 0;

  std::vector<SenderSlot> slots;
  std::vector<std::uint32_t> free_slots;
  std::unordered_map<std::uint32_t, std::uint32_t> sender_index;  // flow id -> slot
  std::uint32_t last_tx_slot = kNoSlot;  // slot of the last ACKed flow (a live sender)
  std::size_t live_senders = 0;
  Ring<std::uint32_t> ready;  // round robin among flows that may send now
  DeadlineHeap pacing;        // flows held back only by their pacing rate
  DeadlineHeap timers;        // RTO and CC timers, one entry per flow

  // Receiver flows being received; a completed one is freed for reuse and remembered only by
  // its final size, so late duplicates are still answered (16 bytes per finished flow).
  std::vector<ReceiverFlow> receivers;
  std::vector<std::uint32_t> free_receivers;
  std::unordered_map<std::uint64_t, std::uint32_t> receiver_index;  // (src ip, flow id)
  // The last data packet's flow: packets come in trains, and a hash lookup (an integer
  // division) costs several ns. Forgotten when that receiver is freed.
  std::uint64_t last_rx_key = 0;
  std::uint32_t last_rx_slot = kNoSlot;
  std::unordered_map<std::uint64_t, std::uint64_t> finished_receivers;  // key -> final size
  struct Peer {
    std::uint32_t ip = 0;
    wire::MacAddr mac{};
    bool closing = false;   // finished, lingering until its final re-ACK
    std::uint64_t key = 0;  // receiver_index key, while closing
  };
  std::size_t closing_receivers = 0;
  std::vector<Peer> receiver_peers;  // per receiver slot: where its NACKs go
  DeadlineHeap rx_timers;            // receiver tail-loss timers, one entry per receiver slot

  ControlQueue control;
  std::size_t control_capacity;
  TimeNs pause_until = 0;
  TimeNs last_now = 0;

  wire::ParsedFrame parsed;  // scratch, reused for every frame
  wire::Segment seg_out;
  HostCounters counters;

};

Host::Host(HostConfig cfg) : impl_(std::make_unique<Impl>(*this, std::move(cfg))) {}
Host::~Host() = default;

void Host::start_flow(TimeNs now, const FlowSpec& flow) {
  Impl& m = *impl_;
  if (m.cfg.algorithm == nullptr || !m.cfg.algorithm->make) {
    throw std::invalid_argument("transport::Host: start_flow without a congestion control");
  }
  if (flow.size_bytes == 0) {
    throw std::invalid_argument("transport::Host: flow " + std::to_string(flow.flow_id) +
                                " has size 0");
  }
  if (m.sender_index.count(flow.flow_id) != 0) {
    throw std::invalid_argument("transport::Host: flow id " + std::to_string(flow.flow_id) +
                                " is already sending");
  }
  m.last_now = std::max(m.last_now, now);
  const std::uint32_t s = m.alloc_slot();
  Impl::SenderSlot& slot = m.slots[s];
  slot.spec = flow;
  slot.addr.src_mac = m.my_mac;
  slot.addr.dst_mac = wire::node_mac(flow.dst_node);
  slot.addr.src_ip = m.my_ip;
  slot.addr.dst_ip = wire::node_ip(flow.dst_node);
  slot.addr.src_port = wire::flow_src_port(flow.flow_id);
  slot.flow = std::make_unique<SenderFlow>(flow.flow_id, flow.size_bytes, m.sender_params,
                                           m.cfg.algorithm->make(m.flow_ctx, m.cfg.cc_params));
  slot.state = Impl::SlotState::kIdle;
  slot.finished = false;
  m.sender_index.emplace(flow.flow_id, s);
  ++m.live_senders;
  m.refresh_timer(s);
  m.schedule(s, now);
}

bool Host::stop_flow(TimeNs now, std::uint32_t flow_id) {
  Impl& m = *impl_;
  const auto it = m.sender_index.find(flow_id);
  if (it == m.sender_index.end()) return false;
  m.last_now = std::max(m.last_now, now);
  const std::uint32_t s = it->second;
  SenderFlow& f = *m.slots[s].flow;
  if (f.stop(now)) {
    m.complete(s);
    return true;
  }
  // Queued or paced for data it may no longer send: the scheduler re-checks can_send() when
  // the flow comes up and reschedules it (for the end marker) or drops it.
  m.refresh_timer(s);
  m.schedule(s, now);
  return true;
}

void Host::on_frame(TimeNs now, std::span<const std::uint8_t> frame) {
  Impl& m = *impl_;
  m.last_now = std::max(m.last_now, now);
  ++m.counters.frames_in;
  wire::ParsedFrame& pf = m.parsed;
  // INT is decoded only where it is read (ACKs, for the CC); data packets' INT is echoed raw.
  wire::ParseStatus st = wire::parse_frame_headers(frame, pf, /*decode_int=*/false);
  // One pass over the payload checks the transport checksum and, for data, compares every
  // byte with the flow's content (the receiver counts the errors only if it delivers them).
  std::uint64_t payload_errors = 0;
  if (st == wire::ParseStatus::kOk && pf.kind == wire::FrameKind::kTransport) {
    const std::uint8_t* payload = frame.data() + pf.payload_offset;
    std::uint64_t payload_sum = 0;
    if (m.cfg.verify_payload && pf.seg.type == wire::PacketType::kData) {
      payload_errors = verify_payload_summed(pf.seg.flow_id, pf.seg.seq, payload,
                                             pf.seg.payload_len, payload_sum);
    } else if (pf.seg.payload_len != 0) {
      payload_sum = wire::checksum_add(0, {payload, pf.seg.payload_len});
    }
    if (!wire::transport_checksum_ok(frame, pf, payload_sum)) st = wire::ParseStatus::kBadChecksum;
  }
  if (st != wire::ParseStatus::kOk) {
    ++m.counters.malformed;
    ++m.counters.malformed_by_status[static_cast<int>(st)];
    return;
  }
  if (pf.kind == wire::FrameKind::kPfcPause) {
    m.on_pause(now, pf.pause);
    return;
  }
  if (pf.dst_ip != m.my_ip) {
    ++m.counters.misdelivered;
    return;
  }
  switch (pf.seg.type) {
    case wire::PacketType::kData:
      m.on_data(now, pf, frame.data(), payload_errors);
      break;
    case wire::PacketType::kAck:
      if ((pf.seg.flags & wire::flags::kHasInt) != 0) {
        wire::read_int_stack(frame.data() + wire::kIntOffset, pf.seg.int_stack);
      }
      m.on_control(now, pf);
      break;
    case wire::PacketType::kNack:
    case wire::PacketType::kCnp:
      m.on_control(now, pf);
      break;
    case wire::PacketType::kProbe:
      if (m.push_control(wire::PacketType::kProbeReply, pf) != nullptr) {
        ++m.counters.probes_answered;
      }
      break;
    case wire::PacketType::kProbeReply:
      if (on_probe_rtt && pf.seg.ts_ns <= static_cast<std::uint64_t>(now)) {
        on_probe_rtt(node_from_ip(pf.src_ip), pf.seg.seq, now - static_cast<TimeNs>(pf.seg.ts_ns));
      }
      break;
  }
}

std::size_t Host::next_frame(TimeNs now, std::span<std::uint8_t> out) {
  Impl& m = *impl_;
  if (out.size() < m.max_frame) {
    throw std::length_error("transport::Host::next_frame: buffer of " + std::to_string(out.size()) +
                            " bytes, need " + std::to_string(m.max_frame));
  }
  m.last_now = std::max(m.last_now, now);
  m.run_timers(now);
  m.run_rx_timers(now);
  while (m.pacing.top_time() <= now) {
    const std::uint32_t s = m.pacing.pop();
    m.slots[s].state = Impl::SlotState::kIdle;
    m.schedule(s, now);
  }
  if (!m.control.empty()) {
    ++m.counters.frames_out;
    return m.write_control(now, out);
  }
  if (now < m.pause_until) return 0;
  while (!m.ready.empty()) {
    const std::uint32_t s = m.ready.front();
    m.ready.pop();
    Impl::SenderSlot& slot = m.slots[s];
    slot.state = Impl::SlotState::kIdle;
    if (slot.finished) {
      m.free_slot(s);
      continue;
    }
    if (!slot.flow->can_send(now)) {  // the window shrank since it was queued
      m.schedule(s, now);
      continue;
    }
    const std::size_t n = m.write_data(now, s, out);
    m.schedule(s, now);  // to the back of the round robin, or to the pacing heap
    ++m.counters.frames_out;
    return n;
  }
  return 0;
}

TimeNs Host::next_wakeup() const {
  const Impl& m = *impl_;
  if (!m.control.empty()) return m.last_now;
  TimeNs data = m.ready.empty() ? m.pacing.top_time() : m.last_now;
  if (data != kNever) data = std::max(data, m.pause_until);
  return std::min({data, m.timers.top_time(), m.rx_timers.top_time()});
}

std::size_t Host::max_frame_len() const { return impl_->max_frame; }

void Host::send_probe(TimeNs now, std::uint32_t dst_node, std::uint64_t probe_id) {
  Impl& m = *impl_;
  m.last_now = std::max(m.last_now, now);
  ControlEntry* c = m.control_slot();
  if (c == nullptr) {
    ++m.counters.control_overflow;
    return;
  }
  *c = ControlEntry{};
  c->type = wire::PacketType::kProbe;
  c->seq = probe_id;
  c->dst_ip = wire::node_ip(dst_node);
  c->dst_mac = wire::node_mac(dst_node);
}

void Host::for_each_flow(const std::function<void(const FlowSample&)>& fn) const {
  for (const Impl::SenderSlot& slot : impl_->slots) {
    if (slot.state == Impl::SlotState::kFree || slot.finished) continue;
    const SenderFlow& f = *slot.flow;
    FlowSample s;
    s.flow_id = slot.spec.flow_id;
    s.cwnd_bytes = f.cc().cwnd_bytes();
    s.rate_bps = f.cc().pacing_rate() * 8.0;
    s.rtt_ns = f.last_rtt();
    s.acked_bytes = f.snd_una();
    s.bytes_in_flight = f.bytes_in_flight();
    s.congestion_signal = f.cc().congestion_signal();
    fn(s);
  }
}

std::size_t Host::active_flows() const { return impl_->live_senders; }
std::size_t Host::receiving_flows() const {
  return impl_->receiver_index.size() - impl_->closing_receivers;
}
const HostCounters& Host::counters() const { return impl_->counters; }
const HostConfig& Host::config() const { return impl_->cfg; }

}  // namespace ptcp::transport
