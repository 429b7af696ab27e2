#include "backends/dpdk/dpdk_backend.h"

#include <rte_cycles.h>
#include <rte_version.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

#include "backends/dpdk/eal.h"
#include "backends/dpdk/node_runner.h"
#include "experiment/scale.h"

namespace ptcp::dpdk {
namespace {

std::vector<std::string>& cli_eal_args() {
  static std::vector<std::string> args;
  return args;
}

std::unique_ptr<EalSession>& eal_holder() {
  // Destroyed at exit, after every run's pools and ports are gone: rte_eal_cleanup last.
  static std::unique_ptr<EalSession> session;
  return session;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
  return s;
}

// POWERTCP_DPDK_PCAP="DIR:PORT[,PORT...]" (port names such as tor0->h0): pcapng per port.
void pcap_from_env(const exp::Experiment& e, std::string& dir, std::vector<std::uint32_t>& ports) {
  const char* v = std::getenv("POWERTCP_DPDK_PCAP");
  if (v == nullptr || *v == '\0') return;
  const std::string s(v);
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) {
    throw exp::BackendError("POWERTCP_DPDK_PCAP: expected DIR:PORT[,PORT...], got '" + s + "'");
  }
  dir = s.substr(0, colon);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw exp::BackendError("POWERTCP_DPDK_PCAP: cannot create " + dir + ": " + ec.message());
  for (std::size_t pos = colon + 1; pos <= s.size();) {
    const auto comma = s.find(',', pos);
    const std::string name = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const auto id = e.topology->find_port(name);
    if (!id) throw exp::BackendError("POWERTCP_DPDK_PCAP: no port named '" + name + "'");
    ports.push_back(*id);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
}

}  // namespace

void set_eal_args(std::vector<std::string> args) { cli_eal_args() = std::move(args); }

void ensure_eal(const exp::Experiment& e) {
  if (EalSession::active()) return;
  const auto& user = !cli_eal_args().empty() ? cli_eal_args() : e.testbed.eal_args;
  eal_holder() = std::make_unique<EalSession>(resolve_eal_args(user));
}

void fill_results(const exp::Experiment& scaled, const TestbedRun& run, exp::Results& out) {
  const double s = scaled.applied_scale;
  for (const auto& r : run.completed) {
    out.fct.push_back(exp::FctRow{r.flow_id, r.src_node, r.dst_node, r.size_bytes, r.start_ns,
                                  r.end_ns, r.retransmits});
  }
  for (const auto& q : run.queue) out.queue.push_back(exp::QueueRow{q.t, q.port, q.bytes});
  for (const auto& b : run.buffer) out.buffer.push_back(exp::BufferRow{b.t, b.node, b.used});
  for (const auto& f : run.flows) {
    out.flows.push_back(exp::FlowRow{f.t, f.s.flow_id, f.s.cwnd_bytes, f.s.rate_bps, f.s.rtt_ns,
                                     f.s.acked_bytes});
  }
  for (const auto& l : run.links) out.links.push_back(exp::LinkRow{l.t, l.port, l.tx_bytes});
  out.end_ns = run.end_time;

  auto& c = out.counters;
  std::uint64_t drops = 0, pauses = 0, marks = 0, sw_malformed = 0, no_route = 0;
  for (const auto& [node, sc] : run.switch_counters) {
    drops += sc.buffer_drops;
    sw_malformed += sc.malformed;
    no_route += sc.no_route;
  }
  for (const auto& pc : run.port_counters) {
    pauses += pc.pauses_sent;
    marks += pc.marked;
  }
  std::uint64_t retx = 0, timeouts = 0, host_malformed = 0, payload_err = 0, misdelivered = 0;
  std::uint64_t host_pauses_rx = 0, probes_answered = 0, control_overflow = 0;
  for (const auto& hc : run.host_counters) {
    retx += hc.retransmits;
    timeouts += hc.timeouts;
    host_malformed += hc.malformed;
    payload_err += hc.payload_errors;
    misdelivered += hc.misdelivered;
    host_pauses_rx += hc.pauses_received;
    probes_answered += hc.probes_answered;
    control_overflow += hc.control_overflow;
  }
  std::uint64_t line_full = 0, dev_busy = 0, alloc_fail = 0, multiseg = 0;
  for (const auto& ec : run.egress_counters) {
    line_full += ec.line_full_drops;
    dev_busy += ec.device_busy;
  }
  for (const auto& hn : run.host_node_counters) {
    alloc_fail += hn.mbuf_alloc_failures;
    multiseg += hn.rx_dropped_multiseg + hn.rx_dropped_bad_cksum;
  }
  for (const auto& sn : run.switch_node_counters) {
    alloc_fail += sn.mbuf_alloc_failures;
    multiseg += sn.rx_dropped_multiseg;
  }
  // [faults]: the names the ns-3 backend writes (backends/ns3/sim/run.h), so the analysis
  // reads both alike; the frames judged and the mbufs copied for duplicates besides.
  if (run.fault_links > 0) {
    std::uint64_t copies = 0, copy_failures = 0, reorder_full = 0;
    for (const auto& ec : run.egress_counters) {
      copies += ec.fault_copies;
      copy_failures += ec.fault_copy_failures;
      reorder_full += ec.reorder_full;
    }
    c["faults_lost"] = run.faults.lost();
    c["faults_reordered"] = run.faults.reordered;
    c["faults_duplicated"] = run.faults.duplicated;
    c["faults_corrupted"] = run.faults.corrupted;
    c["faults_judged"] = run.faults.frames;
    c["faults_mbuf_copies"] = copies;
    c["faults_mbuf_copy_failures"] = copy_failures;
    c["faults_reorder_full"] = reorder_full;
  }
  std::uint64_t imissed = 0, oerrors = 0;
  for (const auto& ps : run.port_stats) {
    imissed += ps.imissed;
    oerrors += ps.oerrors;
  }
  c[exp::counter::kDrops] = drops;
  c[exp::counter::kPauses] = pauses;
  c[exp::counter::kRetransmits] = retx;
  c[exp::counter::kTimeouts] = timeouts;
  c[exp::counter::kMalformed] = host_malformed + sw_malformed + multiseg;
  c[exp::counter::kEcnMarks] = marks;
  c[exp::counter::kPayloadErrors] = payload_err;
  c[exp::counter::kFlowsTotal] = run.flows_total;
  c[exp::counter::kFlowsFinished] = run.completed.size();
  c["malformed_at_hosts"] = host_malformed;
  c["malformed_at_switches"] = sw_malformed;
  c["no_route"] = no_route;
  c["misdelivered"] = misdelivered;
  c["pauses_received_by_hosts"] = host_pauses_rx;
  c["probes_answered"] = probes_answered;
  c["control_overflow"] = control_overflow;
  c["flows_received_verified"] = run.received.size();
  c["max_buffer_used_bytes"] = run.max_buffer_used;
  // The loop's watch on itself (times unscaled, like every time in the results).
  c["stalls"] = run.loop.stalls;
  c["stall_threshold_ns"] = static_cast<std::uint64_t>(exp::unscale_time(run.loop.stall_threshold, s));
  c["stalled_ns"] = static_cast<std::uint64_t>(exp::unscale_time(run.loop.stalled_ns, s));
  c["max_loop_gap_ns"] = static_cast<std::uint64_t>(exp::unscale_time(run.loop.max_gap, s));
  c["loop_iterations"] = run.loop.iterations;
  c["probe_phase_stalls"] = run.probe_loop.stalls;
  c["measured_base_rtt_ns"] =
      static_cast<std::uint64_t>(exp::unscale_time(run.measured_base_rtt, s));
  c["base_rtt_used_ns"] = static_cast<std::uint64_t>(exp::unscale_time(run.base_rtt_used, s));
  c["delay_line_drops"] = line_full;
  c["device_busy"] = dev_busy;
  c["mbuf_alloc_failures"] = alloc_fail;
  c["port_imissed"] = imissed;
  c["port_oerrors"] = oerrors;
  c["mbufs_total"] = run.pool_size;
  c["mbufs_free_start"] = run.pool_free_start;
  c["mbufs_free_end"] = run.pool_free_end;

  auto& info = out.info;
  info["dpdk_version"] = rte_version();
  info["testbed"] = "virtual (net_ring links in one process)";
  info["scale"] = std::to_string(s);
  std::string probes;
  for (const auto& p : run.probes) {
    const auto& t = *scaled.topology;
    probes += (probes.empty() ? "" : ", ") + t.node(p.src).name + "->" + t.node(p.dst).name + "=" +
              std::to_string(exp::unscale_time(p.min_rtt, s)) + "ns";
  }
  info["measured_rtts"] = probes;
  info["base_rtt_source"] = run.base_rtt_used == run.measured_base_rtt && run.measured_base_rtt > 0
                                ? "measured"
                                : "experiment";
}

TestbedRun run_virtual(const exp::RunInput& in, const exp::RunOptions& ro, exp::Results& out,
                       TestbedOptions opt) {
  if (!ro.backend_args.empty()) set_eal_args(ro.backend_args);
  ensure_eal(in.scaled);
  opt.use_measured_base_rtt = opt.use_measured_base_rtt || in.scaled.cc.base_rtt_measured;
  if (ro.progress && !opt.progress) {
    const TimeNs end = in.scaled.run.duration + in.scaled.run.drain_limit;
    opt.progress = [&ro, end](TimeNs now, std::size_t done, std::size_t total) {
      ro.progress(exp::Progress{now, end, done, total});
    };
  }
  opt.stop_requested = ro.stop_requested;
  if (opt.capture_ports.empty()) pcap_from_env(in.scaled, opt.capture_dir, opt.capture_ports);
  TestbedRun run;
  try {
    VirtualTestbed tb(in.scaled, in.flows, std::move(opt));
    run = tb.run();
  } catch (const DpdkError& e) {
    throw exp::BackendError(std::string("dpdk: ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw exp::BackendError(std::string("dpdk: ") + e.what());
  }
  if (run.interrupted) throw exp::BackendError("interrupted");
  if (in.scaled.cc.base_rtt_measured && run.measured_base_rtt <= 0) {
    throw exp::BackendError("dpdk: cc.base_rtt = \"measured\" but no probe reply came back");
  }
  fill_results(in.scaled, run, out);
  out.info["eal_args"] = join(eal_holder() ? eal_holder()->args() : std::vector<std::string>{});
  return run;
}

TestbedRun run_node(const exp::RunInput& in, const exp::RunOptions& ro, exp::Results& out) {
  const exp::Experiment& e = in.scaled;
  // Refused rather than ignored: a run that silently had no faults would look like one that
  // survived them. (Control messages cross the data network in --node runs; they would need
  // to be kept out of the injector first.)
  if (e.faults.active()) {
    throw exp::BackendError("dpdk: [faults] act on the virtual testbed only; --node runs do not "
                            "inject them (remove [faults] or run without --node)");
  }
  const auto id = e.topology->find_node(ro.node);
  if (!id) throw exp::BackendError("dpdk: --node " + ro.node + " is not a node of the topology");
  if (!EalSession::active()) {
    const auto& user = !ro.backend_args.empty() ? ro.backend_args : e.testbed.eal_args;
    try {
      eal_holder() = std::make_unique<EalSession>(node_eal_args(e, ro.node, user));
    } catch (const std::invalid_argument& err) {
      throw exp::BackendError(std::string("dpdk: ") + err.what());
    } catch (const DpdkError& err) {
      throw exp::BackendError(std::string("dpdk: ") + err.what());
    }
  }
  NodeOptions opt;
  opt.use_measured_base_rtt = e.cc.base_rtt_measured;
  opt.barrier_timeout = e.testbed.barrier_timeout;
  opt.yield = e.testbed.idle == "yield";
  pcap_from_env(e, opt.capture_dir, opt.capture_ports);
  opt.stop_requested = ro.stop_requested;
  if (ro.progress) {
    const TimeNs end = e.run.duration + e.run.drain_limit;
    opt.progress = [&ro, end](TimeNs now, std::size_t done, std::size_t total) {
      ro.progress(exp::Progress{now, end, done, total});
    };
  }
  TestbedRun run;
  NodeRunInfo info;
  try {
    NodeRunner nr(e, in.flows, *id, opt);
    run = nr.run();
    info = nr.info();
    info.probes_stalled_only = nr.probes_stalled_only();
  } catch (const DpdkError& err) {
    throw exp::BackendError(std::string("dpdk: ") + err.what());
  } catch (const std::invalid_argument& err) {
    throw exp::BackendError(std::string("dpdk: ") + err.what());
  }
  if (run.interrupted) throw exp::BackendError("interrupted");
  fill_results(e, run, out);
  out.counters["barrier_wait_wall_ns"] = static_cast<std::uint64_t>(std::max<TimeNs>(info.barrier_wait, 0));
  out.counters["ended_by_stop"] = info.saw_stop ? 1 : 0;
  out.counters["probe_pairs_stalled_only"] = info.probes_stalled_only;
  if (!info.unacked.empty()) out.info["control_unacked"] = info.unacked;
  out.info["testbed"] = "node " + info.node + " of a multi-process run";
  out.info["node"] = info.node;
  out.info["node_devices"] = join(info.devices);
  out.info["coordinator"] = info.coordinator ? "yes" : "no";
  out.info["tsc_hz"] = std::to_string(rte_get_tsc_hz());
  out.info["base_rtt_source"] = e.cc.base_rtt_measured ? "measured (largest host report)" : "experiment";
  out.info["eal_args"] = join(eal_holder() ? eal_holder()->args() : std::vector<std::string>{});
  return run;
}

}  // namespace ptcp::dpdk

namespace ptcp::exp {

void register_dpdk_backend(BackendTable& table) {
  table.add(Backend{
      "dpdk",
      "DPDK: the virtual testbed (every node and link as DPDK ports in one process)",
      [](const RunInput& in, const RunOptions& ro, Results& out) {
        if (!ro.node.empty()) {
          (void)dpdk::run_node(in, ro, out);
        } else {
          (void)dpdk::run_virtual(in, ro, out);
        }
      },
      /*runs_single_node=*/true});
}

}  // namespace ptcp::exp
