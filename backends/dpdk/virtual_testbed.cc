#include "backends/dpdk/virtual_testbed.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "backends/dpdk/eal.h"
#include "experiment/node_configs.h"

namespace ptcp::dpdk {

VirtualTestbed::VirtualTestbed(const exp::Experiment& e, std::vector<exp::Flow> flows,
                               TestbedOptions opt)
    : e_(e), flow_list_(std::move(flows)), opt_(std::move(opt)) {
  if (!EalSession::active()) throw DpdkError("virtual testbed: EAL is not initialized");
  const exp::Topology& t = *e.topology;
  std::sort(flow_list_.begin(), flow_list_.end(),
            [](const exp::Flow& a, const exp::Flow& b) { return a.start < b.start; });

  // Size the pool from every place a frame can wait.
  PoolNeeds needs;
  needs.ports = static_cast<std::uint32_t>(t.ports().size());
  // The same loop empties every ring each iteration, so a ring holds about one egress flush.
  needs.ring_slots = static_cast<std::uint64_t>(t.ports().size()) * 4 * Egress::kBurst;
  needs.switch_buffer_bytes = static_cast<std::uint64_t>(t.switch_count()) * e.sw.buffer_bytes;
  for (const auto& p : t.ports()) {
    // Full-size frames back to back over the delay, plus a catch-up burst: what a busy link
    // really holds (the delay line's capacity assumes minimum-size frames, to never refuse).
    const TimeNs full = serialization_ns(wire::wire_bytes(e.transport.mtu + wire::kEthLen), p.link.rate);
    const std::uint64_t in_flight =
        static_cast<std::uint64_t>(p.link.delay / std::max<TimeNs>(full, 1)) + 2 * 8 + Egress::kBurst;
    needs.in_flight_frames += in_flight;
  }
  // [faults]: held-back frames wait beside the line, and duplicates are extra mbufs on it.
  for (std::uint32_t gp = 0; gp < t.ports().size(); ++gp) {
    if (const auto f = e.faults_for_port(gp)) {
      needs.in_flight_frames += Egress::held_capacity(*f, t.port(gp).link.rate);
      if (f->duplicate > 0) needs.in_flight_frames += 4 * Egress::kBurst;
    }
  }
  needs.hosts = t.host_count();
  pool_ = std::make_unique<MbufPool>("ptcp_vtb", mbuf_count(needs),
                                     data_room_for_mtu(e.transport.mtu));
  pool_free_start_ = pool_->available();

  // One cable per topology link; end a is the lower global port id's side.
  ends_.assign(t.ports().size(), QueueRef{});
  fabric_ = std::make_unique<RingFabric>("F", t.link_count(), opt_.ring_depth);
  unsigned link = 0;
  for (std::uint32_t gp = 0; gp < t.ports().size(); ++gp) {
    const exp::Port& p = t.port(gp);
    if (p.peer_port < gp) continue;
    ends_[gp] = fabric_->end_a(link);
    ends_[p.peer_port] = fabric_->end_b(link);
    ++link;
  }
  PortOptions popt;
  popt.mtu = e.transport.mtu;
  for (std::size_t d = 0; d < fabric_->devices().size(); ++d) {
    popt.queues = fabric_->queues(d);
    setup_port(fabric_->devices()[d], pool_->get(), popt);
  }
  captures_.resize(t.ports().size());
  for (std::uint32_t gp : opt_.capture_ports) {
    std::string file = t.port(gp).name;  // tor0->h0 -> tor0_to_h0.pcapng
    if (const auto arrow = file.find("->"); arrow != std::string::npos) file.replace(arrow, 2, "_to_");
    captures_[gp] = std::make_unique<PcapngCapture>(opt_.capture_dir + "/" + file + ".pcapng",
                                                    "powertcp " + e.name + ": port " + t.port(gp).name);
  }
  auto egress_of = [&](std::uint32_t gp) {
    const exp::Port& p = t.port(gp);
    Egress eg(ends_[gp].port, p.link.rate, p.link.delay,
              Egress::catch_up_for(p.link.rate, e.transport.mtu),
              ends_[gp].queue);
    eg.set_capture(captures_[gp].get());
    if (const auto f = e.faults_for_port(gp)) eg.set_faults(*f, e.faults_seed(gp));
    return eg;
  };

  for (std::uint32_t n = 0; n < t.nodes().size(); ++n) {
    const exp::Node& node = t.node(n);
    if (node.is_host()) {
      host_cfgs_.push_back(exp::host_config(e, n, {.verify_payload = opt_.verify_payload}));
      hosts_.push_back(std::make_unique<HostNode>(host_cfgs_.back(), egress_of(node.ports.at(0)),
                                                  pool_->get()));
    } else {
      std::vector<Egress> eg;
      for (std::uint32_t gp : node.ports) eg.push_back(egress_of(gp));
      auto s = std::make_unique<SwitchNode>(exp::switch_config(e, n, {.paced = true}), std::move(eg), pool_->get());
      exp::add_routes(e, n, s->core());
      switches_.push_back(std::move(s));
      switch_node_ids_.push_back(n);
    }
  }
}

VirtualTestbed::~VirtualTestbed() {
  drain_all();
  hosts_.clear();
  switches_.clear();
  fabric_.reset();  // closes the devices before the pool goes
  captures_.clear();
  pool_.reset();
}

void VirtualTestbed::poll_all(TimeNs now) {
  for (auto& h : hosts_) h->poll(now);
  for (auto& s : switches_) s->poll(now);
}

std::vector<Egress*> VirtualTestbed::egresses() {
  const exp::Topology& t = *e_.topology;
  std::vector<Egress*> out(t.ports().size(), nullptr);
  for (std::uint32_t h = 0; h < hosts_.size(); ++h) out[t.node(h).ports.at(0)] = &hosts_[h]->egress();
  for (std::size_t i = 0; i < switches_.size(); ++i) {
    const auto& ports = t.node(switch_node_ids_[i]).ports;
    for (std::size_t p = 0; p < ports.size(); ++p) out[ports[p]] = &switches_[i]->egress()[p];
  }
  return out;
}

unsigned VirtualTestbed::drain_all() {
  unsigned n = 0;
  for (auto& h : hosts_) n += h->drain();
  for (auto& s : switches_) n += s->drain();
  if (fabric_) n += fabric_->drain();
  return n;
}

void VirtualTestbed::measure(TestbedRun& out) {
  // The pairs the flows will use, both directions' senders.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> index;
  for (const auto& f : flow_list_) {
    const auto key = std::make_pair(f.src, f.dst);
    if (!index.count(key)) {
      index[key] = out.probes.size();
      out.probes.push_back(PairRtt{f.src, f.dst, 0, 0});
    }
  }
  if (out.probes.empty() || opt_.probe_rounds == 0) return;
  std::size_t outstanding = 0;
  for (std::uint32_t h = 0; h < hosts_.size(); ++h) {
    hosts_[h]->host().on_probe_rtt = [&, h](std::uint32_t dst, std::uint64_t id, TimeNs rtt) {
      const auto it = index.find({h, dst});
      if (it == index.end() || (id >> 32) != it->second) return;
      PairRtt& p = out.probes[it->second];
      if (p.replies == 0 || rtt < p.min_rtt) p.min_rtt = rtt;
      ++p.replies;
      if (outstanding > 0) --outstanding;
    };
  }
  out.probe_loop.stall_threshold = std::max<TimeNs>(e_.cc.base_rtt / 10, 1);
  TimeNs prev = clock_.now();
  auto step = [&]() {
    const TimeNs now = clock_.now();
    const std::uint64_t before = out.probe_loop.stalls;
    out.probe_loop.observe(now - prev);
    prev = now;
    poll_all(now);
    return std::make_pair(now, out.probe_loop.stalls != before);
  };
  // One pair at a time, so probes never queue behind each other: the network is unloaded. A
  // probe whose flight saw a loop stall measured the machine, not the network: it is
  // discarded and repeated (at most 3 x rounds attempts per pair).
  for (std::size_t i = 0; i < out.probes.size(); ++i) {
    PairRtt& p = out.probes[i];
    unsigned good = 0;
    for (unsigned attempt = 0; good < opt_.probe_rounds && attempt < 3 * opt_.probe_rounds; ++attempt) {
      TimeNs now = clock_.now();
      const TimeNs give_up = now + opt_.probe_round_timeout;
      outstanding = 1;
      bool stalled = false;
      const unsigned replies_before = p.replies;
      const TimeNs best_before = p.min_rtt;
      hosts_[p.src]->send_probe(now, p.dst, (static_cast<std::uint64_t>(i) << 32) | attempt);
      while (outstanding > 0 && now < give_up) {
        auto [t, st] = step();
        now = t;
        stalled = stalled || st;
      }
      if (stalled && p.replies > replies_before) {
        p.replies = replies_before;  // forget it
        p.min_rtt = best_before;
        ++p.discarded;
      } else if (p.replies > replies_before) {
        ++good;
      }
      // Let the network empty (a late reply must not be taken for the next probe's).
      const TimeNs settle = now + 2 * e_.cc.base_rtt;
      while (now < settle) now = step().first;
    }
  }
  for (const auto& p : out.probes) out.measured_base_rtt = std::max(out.measured_base_rtt, p.min_rtt);
  for (auto& h : hosts_) h->host().on_probe_rtt = nullptr;
}

void VirtualTestbed::set_callbacks(TestbedRun& out) {
  for (auto& h : hosts_) {
    h->host().on_flow_complete = [&out, this](const transport::FlowRecord& r) {
      out.completed.push_back(r);
      if (r.flow_id < required_.size() && required_[r.flow_id]) ++required_done_;
    };
    h->host().on_flow_received = [&out, this](std::uint32_t src, std::uint32_t id,
                                              std::uint64_t bytes) {
      out.received.push_back(ReceivedFlow{src, id, bytes, clock_.now()});
    };
  }
}

void VirtualTestbed::sample(TimeNs now, TimeNs epoch, TestbedRun& out) {
  const exp::Topology& t = *e_.topology;
  const TimeNs rt = now - epoch;
  for (std::size_t i = 0; i < switches_.size(); ++i) {
    const std::uint32_t node = switch_node_ids_[i];
    const sw::Switch& s = switches_[i]->core();
    out.buffer.push_back(BufferRow{rt, node, s.buffer_used()});
    const auto& ports = t.node(node).ports;
    for (std::size_t p = 0; p < ports.size(); ++p) {
      if (e_.run.trace_ports.contains(ports[p])) {
        out.queue.push_back(QueueRow{rt, ports[p], s.queue_bytes(static_cast<sw::PortId>(p))});
      }
    }
  }
}

void VirtualTestbed::sample_flows(TimeNs now, TimeNs epoch, TestbedRun& out) {
  const TimeNs rt = now - epoch;
  for (auto& h : hosts_) {
    h->host().for_each_flow([&](const transport::FlowSample& s) {
      if (e_.run.trace_flows.contains(s.flow_id)) out.flows.push_back(FlowRow{rt, s});
    });
  }
}

TestbedRun VirtualTestbed::run() {
  if (ran_) throw std::logic_error("VirtualTestbed::run() called twice");
  ran_ = true;
  const exp::Topology& t = *e_.topology;
  TestbedRun out;
  out.flows_total = flow_list_.size();
  // Flows with a stop time (long flows) are stopped then (Host::stop_flow): they complete
  // with the bytes sent so far, so the run waits for them like for any flow. One without a
  // size is started with more than its NIC could send by its stop time.
  std::vector<bool> required(flow_list_.size(), true);
  const std::size_t n_required = flow_list_.size();
  std::vector<std::pair<TimeNs, std::uint32_t>> stops;  // (stop time, flow index)
  for (std::size_t i = 0; i < flow_list_.size(); ++i) {
    exp::Flow& f = flow_list_[i];
    if (f.stop == kNever) continue;
    stops.emplace_back(f.stop, static_cast<std::uint32_t>(i));
    if (f.size_bytes == 0) {
      const double secs = static_cast<double>(f.stop - f.start) / 1e9;
      f.size_bytes = 2 * static_cast<std::uint64_t>(std::ceil(
                             secs * static_cast<double>(host_cfgs_[f.src].link_rate) / 8.0)) +
                     (1u << 20);
    }
  }
  std::sort(stops.begin(), stops.end());
  out.flows_required = n_required;
  out.buffer_bytes = e_.sw.buffer_bytes;
  out.pool_size = pool_->size();
  out.pool_free_start = pool_free_start_;
  out.completed.reserve(flow_list_.size());
  out.received.reserve(flow_list_.size());

  // Flow ids are 0..n-1 (exp::generate_flows); keep the lookup by id.
  required_.assign(flow_list_.size(), false);
  for (std::size_t i = 0; i < flow_list_.size(); ++i) {
    if (flow_list_[i].id >= required_.size()) required_.resize(flow_list_[i].id + 1, false);
    required_[flow_list_[i].id] = required[i];
  }
  required_done_ = 0;
  measure(out);
  out.base_rtt_used = e_.cc.base_rtt;
  if (opt_.use_measured_base_rtt && out.measured_base_rtt > 0) {
    out.base_rtt_used = out.measured_base_rtt;
    for (std::uint32_t h = 0; h < hosts_.size(); ++h) {
      host_cfgs_[h].base_rtt = out.measured_base_rtt;
      hosts_[h]->reset_host(host_cfgs_[h]);
    }
  }
  set_callbacks(out);

  const TimeNs tau = out.base_rtt_used;
  out.loop.stall_threshold = std::max<TimeNs>(tau / 10, 1);
  const TimeNs duration = e_.run.duration;
  const TimeNs hard_stop = duration + e_.run.drain_limit;
  const TimeNs q_iv = std::max<TimeNs>(e_.run.queue_interval, 1);
  const TimeNs f_iv = std::max<TimeNs>(e_.run.flow_interval, 1);
  const TimeNs l_iv = std::max<TimeNs>(e_.run.link_interval, 1);
  std::vector<Injection> inj = opt_.injections;
  std::sort(inj.begin(), inj.end(), [](const Injection& a, const Injection& b) { return a.at < b.at; });

  const TimeNs epoch = clock_.now();
  // [faults] act from the flows' epoch on: the probes above measured a clean wire, and the
  // down windows are run times.
  for (Egress* eg : egresses()) eg->arm_faults(epoch);
  TimeNs prev = epoch, next_q = 0, next_f = 0, next_l = 0;
  TimeNs next_progress = 10 * kNsPerMs;
  std::size_t next_flow = 0, next_inj = 0, next_stop = 0;
  TimeNs wall_progress = epoch;
  while (true) {
    const TimeNs now = clock_.now();
    out.loop.observe(now - prev);
    prev = now;
    const TimeNs rt = now - epoch;
    while (next_flow < flow_list_.size() && flow_list_[next_flow].start <= rt) {
      const exp::Flow& f = flow_list_[next_flow++];
      hosts_[f.src]->start_flow(now, transport::FlowSpec{f.id, f.dst, f.size_bytes});
    }
    while (next_stop < stops.size() && stops[next_stop].first <= rt) {
      const exp::Flow& f = flow_list_[stops[next_stop++].second];
      hosts_[f.src]->stop_flow(now, f.id);  // false when it already finished: nothing to do
    }
    while (next_inj < inj.size() && inj[next_inj].at <= rt) {
      const Injection& j = inj[next_inj++];
      rte_mbuf* m = rte_pktmbuf_alloc(pool_->get());
      if (m != nullptr) {
        const auto len = static_cast<std::uint16_t>(std::min<std::size_t>(j.bytes.size(), rte_pktmbuf_tailroom(m)));
        std::copy_n(j.bytes.begin(), len, rte_pktmbuf_mtod(m, std::uint8_t*));
        m->data_len = len;
        m->pkt_len = len;
        if (rte_eth_tx_burst(ends_[j.port].port, ends_[j.port].queue, &m, 1) != 1) {
          rte_pktmbuf_free(m);
        }
      }
    }
    poll_all(now);
    for (const auto& s : switches_) {
      out.max_buffer_used = std::max(out.max_buffer_used, s->core().buffer_used());
    }
    if (rt >= next_q) {
      sample(now, epoch, out);
      next_q = rt + q_iv;
    }
    if (rt >= next_f) {
      sample_flows(now, epoch, out);
      next_f = rt + f_iv;
    }
    if (rt >= next_l) {
      for (std::uint32_t gp = 0; gp < t.ports().size(); ++gp) {
        if (!e_.run.trace_ports.contains(gp)) continue;
        const exp::Port& p = t.port(gp);
        std::uint64_t tx = 0;
        if (t.node(p.node).is_host()) {
          tx = hosts_[p.node]->tx_wire_bytes();
        } else {
          for (std::size_t i = 0; i < switches_.size(); ++i) {
            if (switch_node_ids_[i] == p.node) tx = switches_[i]->core().port_counters(p.local).tx_wire_bytes;
          }
        }
        out.links.push_back(LinkRow{rt, gp, tx});
      }
      next_l = rt + l_iv;
    }
    const bool all_done = next_flow == flow_list_.size() && required_done_ == n_required;
    if (opt_.stop_requested != nullptr && opt_.stop_requested->load(std::memory_order_relaxed)) {
      out.interrupted = true;
      out.end_time = rt;
      break;
    }
    if (opt_.progress && now - wall_progress >= next_progress) {
      opt_.progress(rt, out.completed.size(), flow_list_.size());
      wall_progress = now;
    }
    if ((all_done && rt >= duration) || rt >= hard_stop) {
      out.all_completed = all_done;
      out.end_time = rt;
      break;
    }
  }

  // Let the last ACKs and replies cross the network before counting what is left.
  {
    const TimeNs settle_until = clock_.now() + 4 * std::max<TimeNs>(tau, kNsPerUs);
    for (TimeNs now = clock_.now(); now < settle_until; now = clock_.now()) poll_all(now);
  }

  for (std::uint32_t h = 0; h < hosts_.size(); ++h) {
    out.host_counters.push_back(hosts_[h]->host().counters());
    out.host_node_counters.push_back(hosts_[h]->counters());
  }
  out.port_counters.assign(t.ports().size(), sw::PortCounters{});
  out.egress_counters.assign(t.ports().size(), EgressCounters{});
  out.port_stats.assign(t.ports().size(), PortStats{});
  for (std::uint32_t gp = 0; gp < t.ports().size(); ++gp) out.port_stats[gp] = read_queue_stats(ends_[gp].port, ends_[gp].queue);
  for (std::uint32_t h = 0; h < hosts_.size(); ++h) {
    out.egress_counters[t.node(h).ports[0]] = hosts_[h]->egress().counters();
  }
  for (std::size_t i = 0; i < switches_.size(); ++i) {
    const std::uint32_t node = switch_node_ids_[i];
    out.switch_counters.emplace_back(node, switches_[i]->core().counters());
    out.switch_node_counters.push_back(switches_[i]->counters());
    const auto& ports = t.node(node).ports;
    for (std::size_t p = 0; p < ports.size(); ++p) {
      out.port_counters[ports[p]] = switches_[i]->core().port_counters(static_cast<sw::PortId>(p));
      out.egress_counters[ports[p]] = switches_[i]->egress()[p].counters();
    }
  }
  for (const Egress* eg : egresses()) {
    if (const faults::FaultCounters* fc = eg->fault_counters()) {
      ++out.fault_links;
      out.faults += *fc;
    }
  }
  for (auto& r : out.completed) {
    r.start_ns -= epoch;
    r.end_ns -= epoch;
  }
  for (auto& r : out.received) r.t -= epoch;
  drain_all();
  out.pool_free_end = pool_->available();
  return out;
}

}  // namespace ptcp::dpdk
