#include "backends/dpdk/node_runner.h"

#include <rte_ethdev.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "backends/dpdk/eal.h"
#include "backends/dpdk/node_control.h"
#include "backends/dpdk/port.h"
#include "experiment/node_configs.h"

namespace ptcp::dpdk {
namespace {

using control::Msg;

// The least wall time a switch node stays up after the first STOP it forwards (see run_switch).
constexpr TimeNs kMinSwitchGrace = kNsPerSec;

bool is_vdev(const std::string& d) { return d.rfind("net_", 0) == 0 || d.rfind("eth_", 0) == 0; }
std::string device_name(const std::string& d) { return d.substr(0, d.find(',')); }

const exp::TestbedNode* testbed_node(const exp::Experiment& e, const std::string& name) {
  for (const auto& n : e.testbed.nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

std::uint16_t msg_code(Msg m) { return static_cast<std::uint16_t>(m); }

}  // namespace

std::vector<std::string> node_eal_args(const exp::Experiment& e, const std::string& node,
                                       const std::vector<std::string>& user) {
  const exp::TestbedNode* tn = testbed_node(e, node);
  if (tn == nullptr) {
    throw std::invalid_argument("--node " + node + ": the experiment has no [testbed.nodes." +
                                node + "] table (devices = one PCI address or vdev per port)");
  }
  std::vector<std::string> extra;
  bool pci = false;
  for (const auto& d : tn->devices) {
    if (is_vdev(d)) {
      extra.push_back("--vdev=" + d);
    } else {
      extra.push_back("-a");
      extra.push_back(d);
      pci = true;
    }
  }
  std::vector<std::string> args = resolve_eal_args(user, extra);
  if (pci && user.empty()) args.erase(std::remove(args.begin(), args.end(), "--no-pci"), args.end());
  return args;
}

NodeRunner::NodeRunner(const exp::Experiment& e, std::vector<exp::Flow> flows, std::uint32_t node,
                       NodeOptions opt)
    : e_(e), flows_(std::move(flows)), node_(node), opt_(std::move(opt)) {
  if (!EalSession::active()) throw DpdkError("node runner: EAL is not initialized");
  const exp::Topology& t = *e.topology;
  const exp::Node& n = t.node(node);
  info_.node = n.name;
  const exp::TestbedNode* tn = testbed_node(e, n.name);
  if (tn == nullptr) throw DpdkError("node " + n.name + ": no [testbed.nodes." + n.name + "] devices");
  info_.devices = tn->devices;
  std::sort(flows_.begin(), flows_.end(),
            [](const exp::Flow& a, const exp::Flow& b) { return a.start < b.start; });
  // Hosts are nodes 0..H-1 (the topology numbers them first); the first one coordinates.
  coordinator_ = 0;
  info_.coordinator = n.is_host() && node == coordinator_;

  for (std::size_t i = 0; i < tn->devices.size(); ++i) {
    const std::string name = device_name(tn->devices[i]);
    const int p = find_port(name);
    if (p < 0) {
      throw DpdkError("node " + n.name + ": no DPDK port named '" + name + "' (device " +
                      std::to_string(i) + " of [testbed.nodes." + n.name + "])");
    }
    ports_.push_back(static_cast<std::uint16_t>(p));
  }
  PoolNeeds needs;
  needs.ports = static_cast<std::uint32_t>(ports_.size());
  needs.rx_desc = 1024;
  needs.tx_desc = 1024;
  needs.switch_buffer_bytes = n.is_host() ? 0 : e.sw.buffer_bytes;
  for (std::uint32_t gp : n.ports) {
    const exp::Port& p = t.port(gp);
    const TimeNs full = serialization_ns(wire::wire_bytes(e.transport.mtu + wire::kEthLen), p.link.rate);
    needs.in_flight_frames += static_cast<std::uint64_t>(p.link.delay / std::max<TimeNs>(full, 1)) + 2 * 8 + Egress::kBurst;
  }
  needs.hosts = n.is_host() ? 1 : 0;
  pool_ = std::make_unique<MbufPool>("ptcp_node", mbuf_count(needs), data_room_for_mtu(e.transport.mtu));
  PortOptions popt;
  popt.mtu = e.transport.mtu;
  bool rx_cksum = true;
  for (std::uint16_t p : ports_) rx_cksum = setup_port(p, pool_->get(), popt).rx_ipv4_cksum && rx_cksum;
  std::vector<Egress> eg;
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    const exp::Port& p = t.port(n.ports[i]);
    eg.emplace_back(ports_[i], p.link.rate, p.link.delay,
                    Egress::catch_up_for(p.link.rate, e.transport.mtu));
    if (std::find(opt_.capture_ports.begin(), opt_.capture_ports.end(), n.ports[i]) != opt_.capture_ports.end()) {
      std::string file = p.name;  // tor0->h0 -> tor0_to_h0.pcapng
      if (const auto arrow = file.find("->"); arrow != std::string::npos) file.replace(arrow, 2, "_to_");
      captures_.push_back(std::make_unique<PcapngCapture>(opt_.capture_dir + "/" + file + ".pcapng",
                                                          "powertcp " + e.name + ": port " + p.name));
      eg.back().set_capture(captures_.back().get());
    }
  }
  if (n.is_host()) {
    host_cfg_ = exp::host_config(e, node);
    host_ = std::make_unique<HostNode>(host_cfg_, std::move(eg.front()), pool_->get());
    host_->set_rx_cksum_offload(rx_cksum);
    host_->set_rx_clock(&clock_);
  } else {
    switch_ = std::make_unique<SwitchNode>(exp::switch_config(e, node, {.paced = true}), std::move(eg), pool_->get());
    exp::add_routes(e, node, switch_->core());
    switch_->set_rx_clock(&clock_);
  }
  retry_ = std::max<TimeNs>(8 * e.cc.base_rtt, 2 * kNsPerMs);
  rtt_to_.assign(t.nodes().size(), 0);
  pool_free_start_ = pool_->available();
}

NodeRunner::~NodeRunner() {
  host_.reset();
  switch_.reset();
  for (std::uint16_t p : ports_) close_port(p);
  captures_.clear();
  pool_.reset();
}

void NodeRunner::send_control(std::uint32_t dst, std::uint16_t msg, std::uint64_t value) {
  for (Pending& p : pending_) {
    if (p.dst == dst && p.msg == msg) return;  // already on its way
  }
  pending_.push_back(Pending{dst, msg, value, -1, false});
}

bool NodeRunner::acked(std::uint32_t dst, std::uint16_t msg) const {
  for (const Pending& p : pending_) {
    if (p.dst == dst && p.msg == msg) return p.acked;
  }
  return false;
}

void NodeRunner::pump(TimeNs now) {
  for (Pending& p : pending_) {
    if (p.acked || (p.sent >= 0 && now - p.sent < retry_)) continue;
    std::uint64_t v = p.value;
    if (p.msg == msg_code(Msg::kGo)) {
      // The time left to the epoch when this probe arrives: recomputed for every attempt.
      const TimeNs left = static_cast<TimeNs>(p.value) - now - rtt_to_[p.dst] / 2;
      v = static_cast<std::uint64_t>(std::max<TimeNs>(left, 0));
    }
    host_->send_probe(now, p.dst, control::encode(static_cast<Msg>(p.msg), v));
    p.sent = now;
    ++p.tries;
  }
}

TestbedRun NodeRunner::run() {
  const TimeNs deadline = clock_.now() + opt_.barrier_timeout;
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    const TimeNs left_ms = (deadline - clock_.now()) / kNsPerMs;
    if (!wait_link_up(ports_[i], static_cast<int>(std::max<TimeNs>(left_ms, 0)))) {
      throw DpdkError("node " + info_.node + ": link of device '" + info_.devices[i] +
                      "' did not come up (is the peer node running?)");
    }
  }
  return host_ ? run_host() : run_switch();
}

TestbedRun NodeRunner::run_host() {
  const exp::Topology& t = *e_.topology;
  const TimeNs t0 = clock_.now();
  const TimeNs deadline = t0 + opt_.barrier_timeout;
  const std::uint32_t hosts = t.host_count();
  TestbedRun out;
  out.buffer_bytes = e_.sw.buffer_bytes;
  out.pool_size = pool_->size();
  out.pool_free_start = pool_free_start_;

  // This host's flows; long flows are stopped at their stop time (as on the virtual testbed).
  std::vector<exp::Flow> mine;
  std::size_t incoming = 0;
  for (const auto& f : flows_) {
    if (f.src == node_) mine.push_back(f);
    if (f.dst == node_) ++incoming;
  }
  std::vector<std::pair<TimeNs, std::size_t>> stops;
  for (std::size_t i = 0; i < mine.size(); ++i) {
    exp::Flow& f = mine[i];
    if (f.stop == kNever) continue;
    stops.emplace_back(f.stop, i);
    if (f.size_bytes == 0) {
      const double secs = static_cast<double>(f.stop - f.start) / 1e9;
      f.size_bytes = 2 * static_cast<std::uint64_t>(std::ceil(secs * static_cast<double>(host_cfg_.link_rate) / 8.0)) + (1u << 20);
    }
  }
  std::sort(stops.begin(), stops.end());
  out.flows_total = mine.size();
  out.flows_required = mine.size();
  for (const auto& f : mine) {
    if (std::none_of(out.probes.begin(), out.probes.end(), [&](const PairRtt& p) { return p.dst == f.dst; })) {
      out.probes.push_back(PairRtt{node_, f.dst, 0, 0, 0});
    }
  }

  // Barrier state (node_control.h).
  std::vector<TimeNs> ready_rtt(hosts, -1);  // coordinator: READY values
  std::vector<bool> done_from(hosts, false);
  bool have_tau = false, epoch_set = false, stop_seen = false, need_reset = false;
  TimeNs tau = host_cfg_.base_rtt, new_tau = 0, epoch = 0, stop_at = 0;
  std::size_t sent_done = 0, recv_done = 0;
  host_->on_probe = [&](TimeNs now, const ProbeSeen& p) {
    if (p.dst_node != node_ || p.src_node >= hosts) return;
    const std::uint64_t v = control::value(p.id);
    if (info_.coordinator) {
      if (control::is(p.id, Msg::kReady)) ready_rtt[p.src_node] = static_cast<TimeNs>(v);
      if (control::is(p.id, Msg::kDone)) done_from[p.src_node] = true;
      return;
    }
    if (p.src_node != coordinator_) return;
    if (control::is(p.id, Msg::kTau) && !have_tau) {
      have_tau = true;
      if (opt_.use_measured_base_rtt && static_cast<TimeNs>(v) != tau) {
        new_tau = static_cast<TimeNs>(v);
        need_reset = true;
      }
    } else if (control::is(p.id, Msg::kGo) && !epoch_set) {
      epoch_set = true;
      epoch = now + static_cast<TimeNs>(v);
    } else if (control::is(p.id, Msg::kStop) && !stop_seen) {
      stop_seen = true;
      stop_at = now;
    }
  };

  // RTT measurement: one probe at a time per destination, the minimum of probe_rounds good
  // replies; a probe whose flight saw a loop stall measured the machine and is discarded.
  std::size_t mi = 0;
  unsigned good = 0, attempt = 0;
  TimeNs probe_sent = -1, next_probe = 0;
  bool probe_stalled = false;
  TimeNs reply_rtt = -1;
  TimeNs late_rtt = -1;     // the best reply to an earlier attempt of this pair, since the last poll
  TimeNs stalled_min = -1;  // the best discarded reply: used only if no clean one comes
  auto set_callbacks = [&]() {
    host_->host().on_probe_rtt = [&](std::uint32_t dst, std::uint64_t id, TimeNs rtt) {
      if (control::is(id, Msg::kMeasure)) {
        // Taken after the poll (below), once it is known the poll was not preempted.
        const std::uint64_t v = control::value(id);
        if (mi >= out.probes.size() || (v >> 16) != mi) return;
        if (probe_sent >= 0 && (v & 0xffff) == attempt) {
          reply_rtt = rtt;
        } else if (late_rtt < 0 || rtt < late_rtt) {
          // A reply that came after its retry: its time is true (the host timed that probe)
          // but its flight may have been stalled unseen, so it only counts as a stalled one.
          // Ignoring it livelocked a loaded machine whose every round trip outlasted the retry.
          late_rtt = rtt;
        }
        return;
      }
      if (dst < rtt_to_.size() && (rtt_to_[dst] == 0 || rtt < rtt_to_[dst])) rtt_to_[dst] = rtt;
      for (Pending& p : pending_) {
        if (p.dst == dst && p.msg == (id >> 48)) p.acked = true;
      }
    };
    host_->host().on_flow_complete = [&](const transport::FlowRecord& r) {
      out.completed.push_back(r);
      ++sent_done;
    };
    host_->host().on_flow_received = [&](std::uint32_t src, std::uint32_t id, std::uint64_t bytes) {
      out.received.push_back(ReceivedFlow{src, id, bytes, clock_.now()});
      ++recv_done;
    };
  };
  set_callbacks();

  const TimeNs hard_stop = e_.run.duration + e_.run.drain_limit;
  const TimeNs f_iv = std::max<TimeNs>(e_.run.flow_interval, 1);
  const TimeNs l_iv = std::max<TimeNs>(e_.run.link_interval, 1);
  const std::uint32_t my_port = t.node(node_).ports.at(0);
  TimeNs next_f = 0, next_l = 0, wall_progress = t0;
  std::size_t next_flow = 0, next_stop = 0;
  bool measured = false, tau_decided = false, done_sent = false, stop_sent = false;
  TimeNs stop_sent_at = 0;
  TimeNs prev = t0;
  out.probe_loop.stall_threshold = std::max<TimeNs>(tau / 10, 1);
  while (true) {
    const TimeNs now = clock_.now();
    const bool flowing = epoch_set && now >= epoch;
    LoopStats& ls = flowing ? out.loop : out.probe_loop;
    const std::uint64_t stalls_before = ls.stalls;
    ls.observe(now - prev);
    prev = now;
    if (ls.stalls != stalls_before && probe_sent >= 0) probe_stalled = true;
    // Poll first, with the time just read: frames from other processes keep arriving while
    // this one is descheduled, and taking them with an old time would make them look early.
    host_->poll(now);
    if (late_rtt >= 0) {
      ++out.probes[mi].discarded;
      if (stalled_min < 0 || late_rtt < stalled_min) stalled_min = late_rtt;
      late_rtt = -1;
    }
    if (reply_rtt >= 0) {
      // A reply taken by a poll that was itself preempted has a wrong time: discard it.
      const TimeNs after = clock_.now();
      PairRtt& p = out.probes[mi];
      if (probe_stalled || after - now > ls.stall_threshold) {
        ++p.discarded;
        if (stalled_min < 0 || reply_rtt < stalled_min) stalled_min = reply_rtt;
      } else {
        if (p.replies == 0 || reply_rtt < p.min_rtt) p.min_rtt = reply_rtt;
        ++p.replies;
        ++good;
      }
      reply_rtt = -1;
      probe_sent = -1;
      ++attempt;
      next_probe = after + 2 * e_.cc.base_rtt;
    }
    if (opt_.stop_requested != nullptr && opt_.stop_requested->load(std::memory_order_relaxed)) {
      out.interrupted = true;
      break;
    }

    // Before the epoch: measure, report, (coordinator) collect and release.
    if (!measured) {
      // On a busy machine every flight may see a stall: after 4 x rounds attempts take what
      // there is (the clean minimum, else the best stalled one, counted in probes_stalled_only).
      if (mi < out.probes.size() &&
          (good >= opt_.probe_rounds ||
           (attempt >= 4 * opt_.probe_rounds && (good > 0 || stalled_min >= 0)))) {
        if (good == 0) {
          out.probes[mi].min_rtt = stalled_min;
          ++probes_stalled_only_;
        }
        stalled_min = -1;
        ++mi;
        good = 0;
        attempt = 0;
      }
      if (mi >= out.probes.size()) {
        measured = true;
        for (const auto& p : out.probes) out.measured_base_rtt = std::max(out.measured_base_rtt, p.min_rtt);
        if (info_.coordinator) {
          ready_rtt[node_] = out.measured_base_rtt;
        } else {
          send_control(coordinator_, msg_code(Msg::kReady), static_cast<std::uint64_t>(out.measured_base_rtt));
        }
      } else if (probe_sent < 0 && now >= next_probe) {
        host_->send_probe(now, out.probes[mi].dst, control::encode(Msg::kMeasure, std::uint64_t{mi} << 16 | attempt));
        probe_sent = now;
        probe_stalled = false;
      } else if (probe_sent >= 0 && now - probe_sent > retry_) {
        probe_sent = -1;  // the receiver may not be up yet: ask again
        ++attempt;
      }
    }
    if (info_.coordinator && measured && !tau_decided &&
        std::all_of(ready_rtt.begin(), ready_rtt.end(), [](TimeNs r) { return r >= 0; })) {
      tau_decided = true;
      TimeNs worst = 0;
      for (TimeNs r : ready_rtt) worst = std::max(worst, r);
      if (opt_.use_measured_base_rtt && worst > 0 && worst != tau) {
        new_tau = worst;
        need_reset = true;
      }
      const TimeNs tau_now = need_reset ? new_tau : tau;
      // Time for TAU and GO to reach every host, with a retry or two.
      const TimeNs lead = std::max<TimeNs>(100 * tau_now, 4 * retry_);
      epoch = now + lead;
      epoch_set = true;
      for (std::uint32_t h = 0; h < hosts; ++h) {
        if (h != node_) send_control(h, msg_code(Msg::kTau), static_cast<std::uint64_t>(tau_now));
      }
    }
    if (info_.coordinator && tau_decided) {
      for (std::uint32_t h = 0; h < hosts; ++h) {
        if (h != node_ && acked(h, msg_code(Msg::kTau))) send_control(h, msg_code(Msg::kGo), static_cast<std::uint64_t>(epoch));
      }
    }
    if (!epoch_set && now > deadline) {
      throw DpdkError("node " + info_.node + ": start barrier not reached within " +
                      std::to_string(opt_.barrier_timeout / kNsPerSec) + " s (" +
                      (measured ? "measured; waiting for " : "measuring RTTs; waiting for ") +
                      (info_.coordinator ? "READY from every host" : "GO from " + t.node(coordinator_).name) +
                      ": is every node of the topology running?)");
    }

    // After the epoch: the flows, at their times relative to it.
    if (flowing) {
      const TimeNs rt = now - epoch;
      while (next_flow < mine.size() && mine[next_flow].start <= rt) {
        const exp::Flow& f = mine[next_flow++];
        host_->start_flow(now, transport::FlowSpec{f.id, f.dst, f.size_bytes});
      }
      while (next_stop < stops.size() && stops[next_stop].first <= rt) {
        host_->stop_flow(now, mine[stops[next_stop++].second].id);
      }
      if (rt >= next_f) {
        host_->host().for_each_flow([&](const transport::FlowSample& s) {
          if (e_.run.trace_flows.contains(s.flow_id)) out.flows.push_back(FlowRow{rt, s});
        });
        next_f = rt + f_iv;
      }
      if (rt >= next_l) {
        if (e_.run.trace_ports.contains(my_port)) out.links.push_back(LinkRow{rt, my_port, host_->tx_wire_bytes()});
        next_l = rt + l_iv;
      }
      const bool my_done = next_flow == mine.size() && sent_done >= mine.size() && recv_done >= incoming;
      if (my_done && !done_sent) {
        done_sent = true;
        if (info_.coordinator) {
          done_from[node_] = true;
        } else {
          send_control(coordinator_, msg_code(Msg::kDone), 0);
        }
      }
      if (info_.coordinator && !stop_sent && std::all_of(done_from.begin(), done_from.end(), [](bool b) { return b; })) {
        stop_sent = true;
        stop_sent_at = now;
        for (std::uint32_t h = 0; h < hosts; ++h) {
          if (h != node_) send_control(h, msg_code(Msg::kStop), 0);
        }
      }
      if (info_.coordinator && stop_sent && !stop_seen) {
        bool all = true;
        for (std::uint32_t h = 0; h < hosts; ++h) all = all && (h == node_ || acked(h, msg_code(Msg::kStop)));
        // A host ends soon after its STOP, so a lost reply is never repeated: give up after
        // the time the switches wait too (the miss is listed in control_unacked).
        if (all || now >= stop_sent_at + 3 * retry_ + 8 * tau) {
          stop_seen = true;
          stop_at = now;
        }
      }
      if (opt_.progress && now - wall_progress >= 10 * kNsPerMs) {
        opt_.progress(rt, out.completed.size(), mine.size());
        wall_progress = now;
      }
      const TimeNs settle = 4 * std::max<TimeNs>(tau, kNsPerUs);
      if ((stop_seen && now >= stop_at + settle) || rt >= hard_stop) {
        out.all_completed = my_done;
        out.end_time = rt;
        info_.saw_stop = stop_seen;
        break;
      }
    }
    pump(now);
    if (opt_.yield) sched_yield();
    if (need_reset) {
      need_reset = false;
      tau = new_tau;
      host_cfg_.base_rtt = tau;
      host_->reset_host(host_cfg_);
      set_callbacks();
      out.loop.stall_threshold = std::max<TimeNs>(tau / 10, 1);
    }
    out.loop.stall_threshold = std::max<TimeNs>(tau / 10, 1);
  }
  out.base_rtt_used = tau;
  info_.barrier_wait = epoch - t0;
  static const char* kNames[] = {"MEASURE", "READY", "TAU", "GO", "DONE", "STOP"};
  for (const Pending& p : pending_) {
    if (p.acked) continue;
    info_.unacked += (info_.unacked.empty() ? "" : " ") + std::string(kNames[p.msg & 0xff]) + "->" +
                     t.node(p.dst).name + " x" + std::to_string(p.tries);
  }
  for (auto& r : out.completed) {
    r.start_ns -= epoch;
    r.end_ns -= epoch;
  }
  for (auto& r : out.received) r.t -= epoch;
  finish(out, epoch);
  return out;
}

TestbedRun NodeRunner::run_switch() {
  const exp::Topology& t = *e_.topology;
  const TimeNs t0 = clock_.now();
  const TimeNs deadline = t0 + opt_.barrier_timeout;
  TestbedRun out;
  out.buffer_bytes = e_.sw.buffer_bytes;
  out.pool_size = pool_->size();
  out.pool_free_start = pool_free_start_;
  bool epoch_set = false, stop_seen = false;
  TimeNs epoch = 0, stop_at = 0;
  TimeNs tau = e_.cc.base_rtt;
  // The switch only watches: its epoch is the first GO's (to within that host's last link),
  // and it outlives the coordinator's STOP by long enough for retries and the hosts' settling.
  // The coordinator retries STOP for 3 retries + 8 tau of the *measured* tau (TAU), which a
  // loaded machine makes many times the configured one: the switch follows the TAU it forwards.
  switch_->on_probe = [&](TimeNs now, const ProbeSeen& p) {
    if (control::is(p.id, Msg::kTau)) {
      tau = std::max(tau, static_cast<TimeNs>(control::value(p.id)));
    } else if (control::is(p.id, Msg::kGo) && !epoch_set) {
      epoch_set = true;
      epoch = now + static_cast<TimeNs>(control::value(p.id));
    } else if (control::is(p.id, Msg::kStop) && !stop_seen) {
      stop_seen = true;
      stop_at = now;
    }
  };
  // Never less than kMinSwitchGrace of wall time: a host descheduled when its STOP arrives
  // reads it only when it runs again, and a memif client loses the frames still in its ring
  // when the switch (the server) exits.
  auto grace = [&] { return std::max(3 * retry_ + 8 * tau, kMinSwitchGrace); };
  const TimeNs hard_stop = e_.run.duration + e_.run.drain_limit;
  const TimeNs q_iv = std::max<TimeNs>(e_.run.queue_interval, 1);
  const TimeNs l_iv = std::max<TimeNs>(e_.run.link_interval, 1);
  const auto& my_ports = t.node(node_).ports;
  out.loop.stall_threshold = out.probe_loop.stall_threshold = std::max<TimeNs>(tau / 10, 1);
  TimeNs prev = t0, next_q = 0, next_l = 0;
  while (true) {
    const TimeNs now = clock_.now();
    const bool flowing = epoch_set && now >= epoch;
    (flowing ? out.loop : out.probe_loop).observe(now - prev);
    prev = now;
    if (opt_.stop_requested != nullptr && opt_.stop_requested->load(std::memory_order_relaxed)) {
      out.interrupted = true;
      break;
    }
    switch_->poll(now);
    if (opt_.yield) sched_yield();
    out.max_buffer_used = std::max(out.max_buffer_used, switch_->core().buffer_used());
    if (!epoch_set && now > deadline) {
      throw DpdkError("node " + info_.node + ": no GO passed within " +
                      std::to_string(opt_.barrier_timeout / kNsPerSec) +
                      " s: is every node of the topology running?");
    }
    if (!flowing) continue;
    const TimeNs rt = now - epoch;
    if (rt >= next_q) {
      const sw::Switch& s = switch_->core();
      out.buffer.push_back(BufferRow{rt, node_, s.buffer_used()});
      for (std::size_t p = 0; p < my_ports.size(); ++p) {
        if (e_.run.trace_ports.contains(my_ports[p])) {
          out.queue.push_back(QueueRow{rt, my_ports[p], s.queue_bytes(static_cast<sw::PortId>(p))});
        }
      }
      next_q = rt + q_iv;
    }
    if (rt >= next_l) {
      for (std::size_t p = 0; p < my_ports.size(); ++p) {
        if (e_.run.trace_ports.contains(my_ports[p])) {
          out.links.push_back(LinkRow{rt, my_ports[p], switch_->core().port_counters(static_cast<sw::PortId>(p)).tx_wire_bytes});
        }
      }
      next_l = rt + l_iv;
    }
    if ((stop_seen && now >= stop_at + grace()) || rt >= hard_stop + grace()) {
      out.all_completed = stop_seen;
      out.end_time = rt;
      info_.saw_stop = stop_seen;
      break;
    }
  }
  out.base_rtt_used = tau;
  info_.barrier_wait = epoch - t0;
  finish(out, epoch);
  return out;
}

void NodeRunner::finish(TestbedRun& out, TimeNs /*epoch*/) {
  const exp::Topology& t = *e_.topology;
  const auto& my_ports = t.node(node_).ports;
  out.port_counters.assign(t.ports().size(), sw::PortCounters{});
  out.egress_counters.assign(t.ports().size(), EgressCounters{});
  out.port_stats.assign(t.ports().size(), PortStats{});
  for (std::size_t i = 0; i < ports_.size(); ++i) out.port_stats[my_ports[i]] = read_port_stats(ports_[i]);
  if (host_) {
    out.host_counters.push_back(host_->host().counters());
    out.host_node_counters.push_back(host_->counters());
    out.egress_counters[my_ports[0]] = host_->egress().counters();
    host_->drain();
  } else {
    out.switch_counters.emplace_back(node_, switch_->core().counters());
    out.switch_node_counters.push_back(switch_->counters());
    for (std::size_t p = 0; p < my_ports.size(); ++p) {
      out.port_counters[my_ports[p]] = switch_->core().port_counters(static_cast<sw::PortId>(p));
      out.egress_counters[my_ports[p]] = switch_->egress()[p].counters();
    }
    switch_->drain();
  }
  // Frames that arrived after the last poll: received and freed, so the count is exact.
  for (std::uint16_t p : ports_) {
    std::array<rte_mbuf*, Egress::kBurst> rx;
    for (std::uint16_t n; (n = rte_eth_rx_burst(p, 0, rx.data(), Egress::kBurst)) > 0;) rte_pktmbuf_free_bulk(rx.data(), n);
  }
  out.pool_free_end = pool_->available();
}

}  // namespace ptcp::dpdk
