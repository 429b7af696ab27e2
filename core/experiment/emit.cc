#include "experiment/emit.h"

#include <sstream>

#include <toml++/toml.h>

#include "experiment/quantity.h"

namespace ptcp::exp {
namespace {

std::string host(const Experiment& e, std::uint32_t h) { return e.topology->node(h).name; }

void put_link(toml::table& t, const std::string& prefix, const LinkParams& l) {
  t.insert(prefix + "_rate", format_rate(l.rate));
  t.insert(prefix + "_delay", format_time(l.delay));
}

toml::table topology(const TopologySpec& s) {
  toml::table t;
  t.insert("kind", to_string(s.kind));
  auto n = [&](const char* k, std::uint32_t v) { t.insert(k, static_cast<std::int64_t>(v)); };
  if (s.kind != TopologyKind::kExplicit) put_link(t, "host", s.host_link);
  switch (s.kind) {
    case TopologyKind::kFatTree:
      if (s.k != 0) {
        n("k", s.k);
      } else {
        n("pods", s.pods);
        n("tors_per_pod", s.tors_per_pod);
        n("aggs_per_pod", s.aggs_per_pod);
        n("cores", s.cores);
        n("servers_per_tor", s.servers_per_tor);
      }
      put_link(t, "tor_agg", s.tor_agg_link);
      put_link(t, "agg_core", s.agg_core_link);
      break;
    case TopologyKind::kLeafSpine:
      n("tors", s.tors);
      n("spines", s.spines);
      n("servers_per_tor", s.servers_per_tor);
      put_link(t, "tor_spine", s.tor_spine_link);
      break;
    case TopologyKind::kDumbbell:
      n("hosts_left", s.hosts_left);
      n("hosts_right", s.hosts_right);
      put_link(t, "bottleneck", s.bottleneck_link);
      break;
    case TopologyKind::kStar: n("hosts", s.hosts); break;
    case TopologyKind::kExplicit: {
      n("hosts", s.hosts);
      toml::array sw;
      for (const auto& name : s.switches) sw.push_back(name);
      t.insert("switches", sw);
      toml::array links;
      for (const ExplicitLink& l : s.links) {
        toml::table lt;
        lt.insert("a", l.a);
        lt.insert("b", l.b);
        lt.insert("rate", format_rate(l.params.rate));
        lt.insert("delay", format_time(l.params.delay));
        links.push_back(lt);
      }
      t.insert("links", links);
      break;
    }
  }
  return t;
}

toml::table flow_entry(const Experiment& e, const FlowEntry& f, bool long_flow) {
  toml::table t;
  t.insert("src", host(e, f.src));
  t.insert("dst", host(e, f.dst));
  if (f.size_bytes != 0) t.insert("size", static_cast<std::int64_t>(f.size_bytes));
  t.insert("start", format_time(f.start));
  if (long_flow && f.stop != kNever) t.insert("stop", format_time(f.stop));
  return t;
}

toml::table workload(const Experiment& e, const Workload& w) {
  toml::table t;
  t.insert("kind", to_string(w.kind));
  switch (w.kind) {
    case WorkloadKind::kPoisson: {
      toml::array pts;
      for (const CdfPoint& p : w.cdf.points()) pts.push_back(toml::array{p.size, p.percent});
      t.insert("cdf", pts);
      t.insert("load", w.load);
      t.insert("load_on", to_string(w.load_on));
      t.insert("destinations", to_string(w.destinations));
      t.insert("start", format_time(w.start));
      t.insert("stop", format_time(w.stop));
      break;
    }
    case WorkloadKind::kIncast: {
      t.insert("fan_in", static_cast<std::int64_t>(w.fan_in));
      t.insert("bytes", static_cast<std::int64_t>(w.bytes));
      t.insert("request_rate", w.request_rate);
      t.insert("senders_from", to_string(w.senders_from));
      if (w.receiver) t.insert("receiver", host(e, *w.receiver));
      if (!w.senders.empty()) {
        toml::array s;
        for (std::uint32_t h : w.senders) s.push_back(host(e, h));
        t.insert("senders", s);
      }
      t.insert("start", format_time(w.start));
      t.insert("stop", format_time(w.stop));
      break;
    }
    case WorkloadKind::kFlows:
    case WorkloadKind::kLongFlows: {
      if (w.start != 0) t.insert("start", format_time(w.start));
      toml::array flows;
      for (const FlowEntry& f : w.flows) flows.push_back(flow_entry(e, f, w.kind == WorkloadKind::kLongFlows));
      t.insert("flows", flows);
      break;
    }
  }
  return t;
}


template <typename Sel>
void put_trace(toml::table& t, const char* key, const Sel& s, bool ports) {
  if (s.all) {
    t.insert(key, "all");
  } else if (ports) {
    toml::array a;
    for (const auto& p : s.patterns) a.push_back(p);
    t.insert(key, a);
  } else {
    toml::array a;
    for (auto id : s.ids) a.push_back(static_cast<std::int64_t>(id));
    t.insert(key, a);
  }
}

}  // namespace

std::string emit_toml(const Experiment& e) {
  toml::table root;
  if (!e.description.empty()) root.insert("description", e.description);
  root.insert("topology", topology(e.topology_spec));

  toml::table sw;
  sw.insert("buffer", static_cast<std::int64_t>(e.sw.buffer_bytes));
  sw.insert("dt_alpha", e.sw.dt_alpha);
  sw.insert("ecn", e.sw.ecn);
  sw.insert("int", e.sw.int_enabled);
  sw.insert("pfc", e.sw.pfc);
  if (!e.sw.ecn_table.empty()) {
    toml::array rows;
    for (const EcnEntry& r : e.sw.ecn_table) {
      rows.push_back(toml::table{{"rate", format_rate(r.rate)},
                                 {"kmin", static_cast<std::int64_t>(r.kmin_bytes)},
                                 {"kmax", static_cast<std::int64_t>(r.kmax_bytes)},
                                 {"pmax", r.pmax}});
    }
    sw.insert("ecn_thresholds", rows);
  }
  root.insert("switch", sw);

  toml::table tr;
  tr.insert("mtu", static_cast<std::int64_t>(e.transport.mtu));
  tr.insert("payload", static_cast<std::int64_t>(e.transport.payload_bytes));
  tr.insert("ack_every", static_cast<std::int64_t>(e.transport.ack_every));
  tr.insert("rto", format_time(e.transport.rto));
  tr.insert("rto_max", format_time(e.transport.rto_max));
  tr.insert("dupack_threshold", static_cast<std::int64_t>(e.transport.dupack_threshold));
  tr.insert("cnp_interval", format_time(e.transport.cnp_interval));
  root.insert("transport", tr);

  toml::table cc;
  cc.insert("algorithm", e.cc.algorithm);
  cc.insert("base_rtt", e.cc.base_rtt_given     ? format_time(*e.cc.base_rtt_given)
                       : e.cc.base_rtt_measured ? std::string("measured")
                                                : std::string("auto"));
  // The algorithm in force with every parameter resolved; other algorithms' tables as given.
  for (const auto& [name, given] : e.cc.given) {
    if (name == e.cc.algorithm) continue;
    toml::table p;
    for (const auto& [k, v] : given) p.insert(k, v);
    cc.insert(name, p);
  }
  toml::table mine;
  for (const auto& [k, v] : e.cc.params) mine.insert(k, v);
  cc.insert(e.cc.algorithm, mine);
  root.insert("cc", cc);

  toml::array wl;
  for (const Workload& w : e.workloads) wl.push_back(workload(e, w));
  root.insert("workload", wl);

  toml::table run;
  run.insert("duration", format_time(e.run.duration));
  run.insert("warmup", format_time(e.run.warmup));
  run.insert("seed", static_cast<std::int64_t>(e.run.seed));
  run.insert("queue_interval", format_time(e.run.queue_interval));
  run.insert("flow_interval", format_time(e.run.flow_interval));
  run.insert("link_interval", format_time(e.run.link_interval));
  put_trace(run, "trace_ports", e.run.trace_ports, true);
  put_trace(run, "trace_flows", e.run.trace_flows, false);
  run.insert("drain_limit", format_time(e.run.drain_limit));
  root.insert("run", run);

  toml::table tb;
  tb.insert("scale", e.testbed.scale);
  if (!e.testbed.eal_args.empty()) {
    toml::array a;
    for (const auto& s : e.testbed.eal_args) a.push_back(s);
    tb.insert("eal_args", a);
  }
  if (e.testbed.idle != TestbedParams{}.idle) tb.insert("idle", e.testbed.idle);
  if (e.testbed.barrier_timeout != TestbedParams{}.barrier_timeout) {
    tb.insert("barrier_timeout", format_time(e.testbed.barrier_timeout));
  }
  if (!e.testbed.nodes.empty()) {
    toml::table nodes;
    for (const TestbedNode& n : e.testbed.nodes) {
      toml::table nt;
      toml::array d;
      for (const auto& s : n.devices) d.push_back(s);
      nt.insert("devices", d);
      if (n.lcore >= 0) nt.insert("lcore", static_cast<std::int64_t>(n.lcore));
      nodes.insert(n.name, nt);
    }
    tb.insert("nodes", nodes);
  }
  root.insert("testbed", tb);

  if (e.faults.active()) {
    const faults::FaultSpec& f = e.faults.spec;
    toml::table ft;
    ft.insert("loss", f.loss);
    ft.insert("burst_start", f.burst_start);
    ft.insert("burst_length", f.burst_length);
    ft.insert("burst_loss", f.burst_loss);
    ft.insert("reorder", f.reorder);
    ft.insert("reorder_delay", format_time(f.reorder_delay));
    ft.insert("duplicate", f.duplicate);
    ft.insert("corrupt", f.corrupt);
    ft.insert("seed", static_cast<std::int64_t>(e.faults.seed));
    put_trace(ft, "links", e.faults.links, true);
    if (!e.faults.down.empty()) {
      toml::array down;
      for (const LinkDown& d : e.faults.down) {
        toml::table dt;
        dt.insert("link", d.link);
        dt.insert("at", format_time(d.at));
        dt.insert("for", format_time(d.duration));
        down.push_back(dt);
      }
      ft.insert("down", down);
    }
    root.insert("faults", ft);
  }

  std::ostringstream out;
  out << "# Resolved experiment '" << e.name << "' (every default filled in; rerun with\n"
      << "# `powertcp run experiment.toml`).\n";
  for (const std::string& o : e.overrides) out << "# --set " << o << "\n";
  out << root << "\n";
  return out.str();
}

}  // namespace ptcp::exp
