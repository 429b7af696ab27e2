#include "sim/run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <unordered_map>

#include "experiment/ideal_fct.h"
#include "experiment/probe_rtt.h"
#include "ns3/object-factory.h"
#include "ns3/simulator.h"
#include "sim/experiment-network.h"

namespace ptcp::ns3sim {

namespace {

// A callback run every `interval` of simulated time from `first`, rescheduling itself.
class Periodic {
 public:
  Periodic(TimeNs first, TimeNs interval, std::function<void(TimeNs)> fn)
      : interval_(interval), fn_(std::move(fn)) {
    if (interval_ > 0) ns3::Simulator::Schedule(NsTime(first), &Periodic::Tick, this);
  }
  void Halt() { halted_ = true; }

 private:
  void Tick() {
    if (halted_) return;
    fn_(NowNs());
    ns3::Simulator::Schedule(NsTime(interval_), &Periodic::Tick, this);
  }
  bool halted_ = false;
  TimeNs interval_;
  std::function<void(TimeNs)> fn_;
};

std::vector<std::uint32_t> selected(const exp::TraceSelection& s, std::size_t n_all) {
  if (!s.all) return s.ids;
  std::vector<std::uint32_t> v(n_all);
  for (std::size_t i = 0; i < n_all; ++i) v[i] = static_cast<std::uint32_t>(i);
  return v;
}

void collect_counters(ExperimentNetwork& net, exp::Results& out, RunStats& st) {
  std::uint64_t drops = 0, pauses = 0, resumes = 0, retransmits = 0, timeouts = 0, malformed = 0,
                payload_errors = 0, marks = 0, no_route = 0;
  const exp::Topology& t = net.Topology();
  for (std::uint32_t h = 0; h < net.HostCount(); ++h) {
    const transport::HostCounters& hc = net.Host(h).Host().counters();
    retransmits += hc.retransmits;
    timeouts += hc.timeouts;
    malformed += hc.malformed;
    payload_errors += hc.payload_errors;
    st.bytes_delivered += hc.bytes_delivered;
  }
  for (std::uint32_t node = t.host_count(); node < t.nodes().size(); ++node) {
    SwitchNode* s = net.SwitchOf(node);
    if (s == nullptr) continue;
    const sw::SwitchCounters& sc = s->Switch().counters();
    drops += sc.buffer_drops + s->Counters().oversized;
    no_route += sc.no_route;
    malformed += sc.malformed;
    for (std::size_t p = 0; p < s->PortCount(); ++p) {
      const sw::PortCounters& pc = s->Switch().port_counters(static_cast<sw::PortId>(p));
      pauses += pc.pauses_sent;
      resumes += pc.resumes_sent;
      marks += pc.marked;
    }
  }
  faults::FaultCounters fc;
  bool any_faults = false;
  for (std::uint32_t gp = 0; gp < t.ports().size(); ++gp) {
    st.frames_sent += net.Device(gp)->Counters().tx_frames;
    if (const faults::FaultCounters* c = net.Device(gp)->FaultCounters()) {
      any_faults = true;
      fc += *c;
    }
  }
  if (any_faults) {
    st.faults = fc;
    out.counters[kCounterFaultsLost] = fc.lost();
    out.counters[kCounterFaultsReordered] = fc.reordered;
    out.counters[kCounterFaultsDuplicated] = fc.duplicated;
    out.counters[kCounterFaultsCorrupted] = fc.corrupted;
  }
  out.counters[exp::counter::kDrops] = drops;
  out.counters[exp::counter::kPauses] = pauses;
  out.counters[exp::counter::kRetransmits] = retransmits;
  out.counters[exp::counter::kTimeouts] = timeouts;
  out.counters[exp::counter::kMalformed] = malformed;
  out.counters[exp::counter::kEcnMarks] = marks;
  out.counters[exp::counter::kPayloadErrors] = payload_errors;
  out.counters[kCounterResumes] = resumes;
  out.counters[kCounterNoRoute] = no_route;
  out.counters[kCounterPacketHops] = st.frames_sent;
}

// A long flow given without a size (flows built by hand; exp::generate_flows sizes them)
// gets more bytes than its NIC could send before its stop time, as the DPDK backend does.
std::uint64_t flow_bytes(const exp::Flow& f, const exp::Topology& t) {
  if (f.size_bytes != 0 || f.stop == kNever) return f.size_bytes;
  const BitsPerSec rate = t.port(t.node(f.src).ports.front()).link.rate;
  const double secs = static_cast<double>(f.stop - f.start) * 1e-9;
  return 2 * static_cast<std::uint64_t>(std::ceil(secs * static_cast<double>(rate) / 8.0)) +
         (1u << 20);
}

}  // namespace

exp::Experiment with_resolved_base_rtt(const exp::Experiment& e,
                                       const std::vector<exp::Flow>& flows) {
  exp::Experiment x = e;
  if (!e.cc.base_rtt_measured) return x;
  const TimeNs computed = exp::computed_measured_base_rtt(e, flows);
  if (computed > 0) x.cc.base_rtt = computed;
  return x;
}

void run_on_ns3(const exp::Experiment& e, const std::vector<exp::Flow>& flows,
                const RunOptions& opt, exp::Results& out, RunStats* stats_out) {
  const auto wall0 = std::chrono::steady_clock::now();
  const auto wall_s = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  };
  RunStats st;
  const std::size_t total = flows.size();
  const TimeNs duration = e.run.duration;
  // ns-3's default std::map scheduler costs ~12% more per hop here (k = 4 and 16 fat-trees);
  // every ns-3 scheduler orders events by (time, insertion id), so results are identical.
  ns3::Simulator::SetScheduler(ns3::ObjectFactory("ns3::PriorityQueueScheduler"));
  const std::uint64_t events0 = ns3::Simulator::GetEventCount();
  bool interrupted = false;
  try {
    ExperimentNetwork net(e);
    const exp::Topology& t = net.Topology();
    std::unordered_map<std::uint32_t, std::uint32_t> pos;
    for (std::uint32_t i = 0; i < total; ++i) pos[flows[i].id] = i;

    const auto maybe_stop = [&] {
      if (out.fct.size() != total) return;
      if (opt.stop_when_done || NowNs() >= duration) ns3::Simulator::Stop();
    };
    for (std::uint32_t h = 0; h < net.HostCount(); ++h) {
      transport::Host& host = net.Host(h).Host();
      host.on_flow_complete = [&](const transport::FlowRecord& r) {
        out.fct.push_back(exp::FctRow{r.flow_id, r.src_node, r.dst_node, r.size_bytes, r.start_ns,
                                      r.end_ns, r.retransmits});
        maybe_stop();
      };
      host.on_flow_received = [&](std::uint32_t, std::uint32_t flow_id, std::uint64_t) {
        st.flows_received.push_back(flow_id);
      };
    }
    for (const exp::Flow& f : flows) {
      net.Host(f.src).ScheduleFlow(f.start,
                                   transport::FlowSpec{f.id, f.dst, flow_bytes(f, t)});
    }
    // Long flows stop sending at their stop time and complete once what they sent is
    // acknowledged (Host::stop_flow), so the run waits for them like for any flow. Scheduled
    // after every start, so a stop at a flow's start time runs after the start.
    for (const exp::Flow& f : flows) {
      if (f.stop != kNever) net.Host(f.src).ScheduleStop(f.stop, f.id);
    }

    // Traces.
    const std::vector<std::uint32_t> ports = selected(e.run.trace_ports, t.ports().size());
    std::unordered_map<std::uint32_t, bool> flow_traced;
    std::vector<bool> src_traced(t.host_count(), e.run.trace_flows.all);
    for (const std::uint32_t id : e.run.trace_flows.ids) {
      const auto it = pos.find(id);
      if (it == pos.end()) continue;
      flow_traced[id] = true;
      src_traced[flows[it->second].src] = true;
    }
    std::vector<std::uint32_t> switches;
    for (std::uint32_t n = t.host_count(); n < t.nodes().size(); ++n) switches.push_back(n);
    Periodic queue_sampler(0, e.run.queue_interval, [&](TimeNs now) {
      for (const std::uint32_t gp : ports) {
        if (net.SwitchOf(t.port(gp).node) == nullptr) continue;  // host NICs: no switch queue
        out.queue.push_back(exp::QueueRow{now, gp, net.QueueBytes(gp)});
      }
      for (const std::uint32_t n : switches) {
        out.buffer.push_back(exp::BufferRow{now, n, net.SwitchOf(n)->Switch().buffer_used()});
      }
    });
    const bool all_flows = e.run.trace_flows.all;
    Periodic flow_sampler(0, e.run.flow_interval, [&](TimeNs now) {
      for (std::uint32_t h = 0; h < net.HostCount(); ++h) {
        if (!src_traced[h]) continue;
        net.Host(h).Host().for_each_flow([&](const transport::FlowSample& s) {
          if (all_flows || flow_traced.count(s.flow_id) != 0) {
            out.flows.push_back(
                exp::FlowRow{now, s.flow_id, s.cwnd_bytes, s.rate_bps, s.rtt_ns, s.acked_bytes});
          }
        });
      }
    });
    // tx_bytes counts what the link carried (wire::wire_bytes: preamble, FCS, IFG, padding),
    // so a saturated link shows a utilization of 1.
    Periodic link_sampler(0, e.run.link_interval, [&](TimeNs now) {
      for (const std::uint32_t gp : ports) {
        out.links.push_back(exp::LinkRow{now, gp, net.Device(gp)->Counters().tx_wire_bytes});
      }
    });
    const TimeNs end_bound = duration + (e.run.drain_limit > 0 ? e.run.drain_limit : 0);
    std::unique_ptr<Periodic> progress;
    if (opt.progress || opt.stop_requested != nullptr) {
      progress = std::make_unique<Periodic>(opt.progress_every, opt.progress_every, [&](TimeNs now) {
        if (opt.stop_requested != nullptr && opt.stop_requested->load()) {
          interrupted = true;
          ns3::Simulator::Stop();
          return;
        }
        if (opt.progress) opt.progress(exp::Progress{now, end_bound, out.fct.size(), total});
      });
    }
    if (!opt.pcap_dir.empty()) std::filesystem::create_directories(opt.pcap_dir);
    for (const std::uint32_t gp : opt.pcap_ports) {
      net.EnablePcap(opt.pcap_dir + "/" + t.port(gp).name + ".pcap", gp);
    }

    // End of run: the duration, then (with a drain limit) until every flow is done. Without
    // one, frames already in flight still land for 4 tau with the samplers off, as the DPDK
    // testbed polls after its loop ends: a long flow stopped at the duration completes in both.
    bool settling = false;
    ns3::Simulator::Schedule(NsTime(duration), [&] {
      if (out.fct.size() == total) {
        ns3::Simulator::Stop();
      } else if (e.run.drain_limit <= 0) {
        settling = true;
        for (Periodic* p : {&queue_sampler, &flow_sampler, &link_sampler}) p->Halt();
        ns3::Simulator::Stop(NsTime(4 * std::max<TimeNs>(e.cc.base_rtt, kNsPerUs)));
      } else {
        ns3::Simulator::Stop(NsTime(e.run.drain_limit));
      }
    });
    if (total == 0 && opt.stop_when_done) ns3::Simulator::Stop();
    ns3::Simulator::Run();
    st.sim_end_ns = NowNs();
    out.end_ns = settling ? duration : st.sim_end_ns;
    st.events = ns3::Simulator::GetEventCount() - events0;
    collect_counters(net, out, st);
    out.counters[exp::counter::kFlowsTotal] = total;
    out.counters[exp::counter::kFlowsFinished] = out.fct.size();
    out.info["ns3_version"] = "3.37";
    out.info["ns3_events"] = std::to_string(st.events);
    net.Helper().FlushPcaps();
    ns3::Simulator::Destroy();  // before the glue objects its events point at
  } catch (const std::invalid_argument& ex) {
    ns3::Simulator::Destroy();
    throw exp::BackendError(std::string("ns3: ") + ex.what());
  }
  if (interrupted) throw exp::BackendError("interrupted");
  st.wall_s = wall_s();
  if (stats_out != nullptr) *stats_out = std::move(st);
}

}  // namespace ptcp::ns3sim
