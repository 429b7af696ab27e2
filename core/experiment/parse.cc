// Experiment files: TOML -> resolved Experiment. One function per section; cross-section checks
// (topology vs CC needs, link loads, testbed devices) at the end.
#include "experiment/parse.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <sstream>

#include "experiment/derived.h"
#include "experiment/quantity.h"
#include "experiment/toml_reader.h"
#include "experiment/workload.h"
#include "wire/format.h"

namespace ptcp::exp {

using detail::Context;
using detail::Section;

namespace {

constexpr std::uint32_t kMaxCount = 100000;
constexpr TimeNs kMaxTime = 3600 * kNsPerSec;
constexpr BitsPerSec kMaxRate = 10'000'000'000'000ULL;  // 10 Tb/s
constexpr std::uint64_t kMaxBytes = 1ULL << 50;

std::vector<std::string> split_path(std::string_view p) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = p.find('.', start);
    out.emplace_back(p.substr(start, dot == std::string_view::npos ? p.npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

bool is_index(const std::string& s) {
  return !s.empty() && s.size() < 9 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Sets `key` of `parent` (a table or an array) to the override's value.
template <typename Container, typename Key>
void assign(Container& parent, const Key& key, const toml::table& holder) {
  holder.get("v")->visit([&](const auto& v) {
    if constexpr (std::is_same_v<Container, toml::table>) {
      parent.insert_or_assign(key, v);
    } else {
      if (key == parent.size()) parent.push_back(v);
      else parent.replace(parent.cbegin() + static_cast<std::ptrdiff_t>(key), v);
    }
  });
}

void apply_override(toml::table& root, const Override& o, Context& ctx) {
  const std::vector<std::string> segs = split_path(o.path);
  for (const std::string& s : segs) {
    if (s.empty()) throw ExperimentError("--set " + o.arg, o.path, "empty key in the path");
  }
  toml::table holder;
  try {
    holder = toml::parse("v = " + o.value);
  } catch (const toml::parse_error&) {
    holder = toml::table{};
    holder.insert("v", o.value);  // not a TOML value: a bare string (hpcc, 10us, "h3")
  }
  toml::node* cur = &root;
  std::string walked;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const std::string& s = segs[i];
    const bool last = i + 1 == segs.size();
    walked += (walked.empty() ? "" : ".") + s;
    if (auto* tbl = cur->as_table()) {
      if (last) {
        assign(*tbl, s, holder);
        break;
      }
      if (tbl->get(s) == nullptr) {
        if (is_index(segs[i + 1])) {
          throw ExperimentError("--set " + o.arg, walked, "there is no such array in the file");
        }
        tbl->insert(s, toml::table{});
      }
      cur = tbl->get(s);
    } else if (auto* arr = cur->as_array()) {
      if (!is_index(s)) {
        throw ExperimentError("--set " + o.arg, walked, "expected an array index here (0, 1, ...)");
      }
      const std::size_t idx = std::stoul(s);
      if (idx > arr->size() || (!last && idx == arr->size())) {
        throw ExperimentError("--set " + o.arg, walked,
                              "index out of range (the file has " + std::to_string(arr->size()) +
                                  " entries)");
      }
      if (last) {
        assign(*arr, idx, holder);
        break;
      }
      cur = arr->get(idx);
    } else {
      throw ExperimentError("--set " + o.arg, walked,
                            "cannot descend into " + detail::type_name(*cur));
    }
  }
  ctx.mark_overridden(o.path, o.arg);
}

// --- [topology] ---

LinkParams link(Section& s, const std::string& prefix, LinkParams def) {
  LinkParams p;
  p.rate = s.rate(prefix + "_rate", def.rate, 1000, kMaxRate);
  p.delay = s.time(prefix + "_delay", def.delay, 0, kNsPerSec);
  return p;
}

TopologySpec parse_topology(Section& s) {
  TopologySpec t;
  const std::string kind = s.choice("kind", "fat-tree",
                                    {"fat-tree", "leaf-spine", "dumbbell", "star", "explicit"});
  const LinkParams host_def{gbps(25), 1 * kNsPerUs};
  auto count = [&](const char* key, std::uint32_t def) {
    return static_cast<std::uint32_t>(s.uint(key, def, 1, kMaxCount));
  };
  if (kind != "explicit") t.host_link = link(s, "host", host_def);
  if (kind == "fat-tree") {
    t.kind = TopologyKind::kFatTree;
    if (s.has("k")) {
      t.k = static_cast<std::uint32_t>(s.uint("k", 0, 2, 64));
      for (const char* key : {"pods", "tors_per_pod", "aggs_per_pod", "cores", "servers_per_tor"}) {
        if (s.has(key)) s.fail(key, "give either k or the shape (pods, tors_per_pod, ...), not both");
      }
      if (t.k % 2 != 0) s.fail("k", "expected an even k, got " + std::to_string(t.k));
    } else {
      t.pods = count("pods", 4);
      t.tors_per_pod = count("tors_per_pod", 2);
      t.aggs_per_pod = count("aggs_per_pod", 2);
      t.cores = count("cores", 4);
      t.servers_per_tor = count("servers_per_tor", 32);
    }
    t.tor_agg_link = link(s, "tor_agg", {gbps(100), 1 * kNsPerUs});
    t.agg_core_link = link(s, "agg_core", {gbps(100), 5 * kNsPerUs});
  } else if (kind == "leaf-spine") {
    t.kind = TopologyKind::kLeafSpine;
    t.tors = count("tors", 2);
    t.spines = count("spines", 2);
    t.servers_per_tor = count("servers_per_tor", 16);
    t.tor_spine_link = link(s, "tor_spine", {gbps(100), 1 * kNsPerUs});
  } else if (kind == "dumbbell") {
    t.kind = TopologyKind::kDumbbell;
    t.hosts_left = count("hosts_left", 2);
    t.hosts_right = count("hosts_right", 2);
    t.bottleneck_link = link(s, "bottleneck", t.host_link);
  } else if (kind == "star") {
    t.kind = TopologyKind::kStar;
    t.hosts = static_cast<std::uint32_t>(s.uint("hosts", 3, 2, kMaxCount));
  } else {
    t.kind = TopologyKind::kExplicit;
    t.hosts = static_cast<std::uint32_t>(s.uint("hosts", 0, 2, kMaxCount));
    if (!s.has("hosts")) s.fail("hosts", "missing; expected the number of hosts (h0..)");
    t.switches = s.str_list("switches");
    const toml::node* links = s.raw("links");
    const auto* arr = links == nullptr ? nullptr : links->as_array();
    if (arr == nullptr || arr->empty()) {
      s.fail("links", "expected [[topology.links]] tables with a, b, rate and delay");
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto* tbl = arr->get(i)->as_table();
      const std::string path = s.key_path("links") + "." + std::to_string(i);
      if (tbl == nullptr) s.ctx().fail(arr->get(i), path, "expected a table {a, b, rate, delay}");
      Section ls(s.ctx(), tbl, path);
      ExplicitLink l;
      l.a = ls.required_str("a", "a node name such as \"h0\" or \"sw0\"");
      l.b = ls.required_str("b", "a node name such as \"h0\" or \"sw0\"");
      l.params.rate = ls.rate("rate", gbps(25), 1000, kMaxRate);
      l.params.delay = ls.time("delay", kNsPerUs, 0, kNsPerSec);
      ls.done();
      t.links.push_back(l);
    }
  }
  s.done("for kind = \"" + kind + "\"");
  return t;
}

// --- [switch] ---

SwitchParams parse_switch(Section& s) {
  SwitchParams p;
  p.buffer_bytes = s.bytes("buffer", p.buffer_bytes, 1, kMaxBytes);
  p.dt_alpha = s.number("dt_alpha", p.dt_alpha, 1.0 / 1024, 1024);
  p.ecn = s.boolean("ecn", p.ecn);
  p.int_enabled = s.boolean("int", p.int_enabled);
  p.pfc = s.boolean("pfc", p.pfc);
  if (const toml::node* n = s.raw("ecn_thresholds")) {
    const auto* arr = n->as_array();
    if (arr == nullptr) {
      s.fail("ecn_thresholds", "expected [[switch.ecn_thresholds]] tables, got " + detail::type_name(*n));
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const std::string path = s.key_path("ecn_thresholds") + "." + std::to_string(i);
      const auto* tbl = arr->get(i)->as_table();
      if (tbl == nullptr) s.ctx().fail(arr->get(i), path, "expected a table {rate, kmin, kmax, pmax}");
      Section es(s.ctx(), tbl, path);
      if (!es.has("rate")) es.fail("rate", "missing; expected the link rate this row is for");
      EcnEntry e;
      e.rate = es.rate("rate", 0, 1000, kMaxRate);
      e.kmin_bytes = es.bytes("kmin", 0, 0, kMaxBytes);
      e.kmax_bytes = es.bytes("kmax", 0, 0, kMaxBytes);
      e.pmax = es.number("pmax", 0.2, 0, 1);
      if (!es.has("kmin") || !es.has("kmax")) es.fail_here("expected kmin and kmax");
      if (e.kmax_bytes < e.kmin_bytes) es.fail("kmax", "expected kmax >= kmin");
      for (const EcnEntry& other : p.ecn_table) {
        if (other.rate == e.rate) es.fail("rate", "a second row for " + format_rate(e.rate));
      }
      es.done();
      p.ecn_table.push_back(e);
    }
  }
  s.done();
  return p;
}

// --- [transport] ---

TransportParams parse_transport(Section& s) {
  TransportParams p;
  p.mtu = static_cast<std::uint32_t>(s.uint("mtu", p.mtu, 256, 9216));
  p.payload_bytes = static_cast<std::uint32_t>(s.bytes("payload", p.payload_bytes, 1, 9216));
  p.ack_every = static_cast<std::uint32_t>(s.uint("ack_every", p.ack_every, 1, 1024));
  p.rto = s.time("rto", p.rto, kNsPerUs, 60 * kNsPerSec);
  p.rto_max = s.time("rto_max", std::max(p.rto_max, p.rto), kNsPerUs, 600 * kNsPerSec);
  if (p.rto_max < p.rto) s.fail("rto_max", "expected rto_max >= rto (" + format_time(p.rto) + ")");
  p.dupack_threshold = static_cast<std::uint32_t>(s.uint("dupack_threshold", p.dupack_threshold, 1, 1000));
  p.cnp_interval = s.time("cnp_interval", p.cnp_interval, 0, kNsPerSec);
  s.done();
  return p;
}

// --- [cc] ---

double param_value(const Context& c, const toml::node& n, const std::string& path,
                   const cc::ParamSpec& spec) {
  if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
  if (const auto* f = n.as_floating_point()) return f->get();
  if (n.is_string()) {
    switch (spec.unit) {
      case cc::ParamUnit::kTimeNs: return static_cast<double>(detail::node_time(c, n, path));
      case cc::ParamUnit::kRateBps: return static_cast<double>(detail::node_rate(c, n, path));
      case cc::ParamUnit::kBytes: return static_cast<double>(detail::node_bytes(c, n, path));
      default: break;
    }
  }
  c.fail(&n, path, std::string("expected a number (") + cc::to_string(spec.unit) + "), got " +
                       detail::type_name(n));
}

std::string algorithm_names() {
  std::string s;
  for (const cc::Algorithm* a : cc::Registry::global().all()) s += (s.empty() ? "" : ", ") + a->name;
  return s;
}

CcParams parse_cc(Section& s) {
  CcParams p;
  p.algorithm = s.str("algorithm", p.algorithm);
  p.algo = cc::Registry::global().find(p.algorithm);
  if (p.algo == nullptr) {
    s.fail("algorithm", "unknown algorithm \"" + p.algorithm + "\" (known: " + algorithm_names() +
                            "; `powertcp list` shows their parameters)");
  }
  if (const toml::node* n = s.raw("base_rtt")) {
    if (n->is_string() && n->as_string()->get() == "measured") {
      p.base_rtt_measured = true;
    } else if (!(n->is_string() && n->as_string()->get() == "auto")) {
      const TimeNs t = detail::node_time(s.ctx(), *n, s.key_path("base_rtt"));
      if (t <= 0 || t > kNsPerSec) {
        s.fail("base_rtt", "expected \"auto\", \"measured\" or a time in (0, 1s]");
      }
      p.base_rtt_given = t;
    }
  }
  // Every other key is a table of parameters for the algorithm it names.
  if (s.table() != nullptr) {
    for (auto&& [k, v] : *s.table()) {
      const std::string name(k.str());
      if (name == "algorithm" || name == "base_rtt") continue;
      s.raw(name);
      const cc::Algorithm* a = cc::Registry::global().find(name);
      const std::string path = s.key_path(name);
      if (a == nullptr) {
        s.ctx().fail(&v, path, "unknown key; expected algorithm, base_rtt or a [cc.<algorithm>] "
                               "table of parameters (algorithms: " + algorithm_names() + ")");
      }
      const auto* tbl = v.as_table();
      if (tbl == nullptr) s.ctx().fail(&v, path, "expected a table of parameters, got " + detail::type_name(v));
      cc::ParamValues given;
      for (auto&& [pk, pv] : *tbl) {
        const std::string pname(pk.str());
        const cc::ParamSpec* spec = a->param(pname);
        if (spec == nullptr) {
          cc::ParamValues dummy;
          const auto err = cc::resolve_params(*a, {{pname, 0.0}}, dummy);
          s.ctx().fail(&pv, path + "." + pname, err.value_or("unknown parameter"));
        }
        given[pname] = param_value(s.ctx(), pv, path + "." + pname, *spec);
        cc::ParamValues dummy;
        if (auto err = cc::resolve_params(*a, {{pname, given[pname]}}, dummy)) {
          s.ctx().fail(&pv, path + "." + pname, *err);
        }
      }
      p.given[name] = given;
    }
  }
  const auto it = p.given.find(p.algorithm);
  const cc::ParamValues mine = it == p.given.end() ? cc::ParamValues{} : it->second;
  if (auto err = cc::resolve_params(*p.algo, mine, p.params)) s.fail(p.algorithm, *err);
  return p;
}

// --- [[workload]] ---

std::uint32_t host_by_name(const Context& c, const toml::node* n, const std::string& path,
                           const Topology& t, const std::string& name) {
  const auto id = t.find_node(name);
  if (!id || !t.node(*id).is_host()) {
    c.fail(n, path, "expected a host name h0..h" + std::to_string(t.host_count() - 1) + ", got \"" +
                        name + "\"");
  }
  return *id;
}

Peers peers_choice(Section& s, const char* key, const std::string& def) {
  const std::string v = s.choice(key, def, {"uniform", "other-rack", "same-rack"});
  return v == "uniform" ? Peers::kUniform : v == "other-rack" ? Peers::kOtherRack : Peers::kSameRack;
}

void check_peers(Section& s, const char* key, const Topology& t, Peers p, std::uint32_t need) {
  for (std::uint32_t h = 0; h < t.host_count(); ++h) {
    if (peers(t, h, p).size() < need) {
      s.fail(key, std::string("\"") + to_string(p) + "\" leaves host " + t.node(h).name + " with " +
                      std::to_string(peers(t, h, p).size()) + " candidate peers, " +
                      std::to_string(need) + " needed");
    }
  }
}

FlowSizeCdf parse_cdf(Section& s, const FileReader& read, std::string& source) {
  const toml::node* n = s.raw("cdf");
  if (n == nullptr) s.fail("cdf", "missing; expected a flow-size CDF file (e.g. \"cdf/websearch.txt\")");
  FlowSizeCdf cdf;
  if (const auto* str = n->as_string()) {
    source = str->get();
    const std::string path = resolve_relative(s.ctx().file(), source);
    const auto text = read ? read(path) : std::nullopt;
    if (!text) s.fail("cdf", "cannot read CDF file \"" + source + "\" (looked for " + path + ")");
    if (auto err = FlowSizeCdf::parse(*text, cdf)) {
      s.fail("cdf", "CDF file " + path + ": " + *err);
    }
    return cdf;
  }
  // Inline: [[size, percent], ...] (how the resolved experiment.toml stores it).
  const auto* arr = n->as_array();
  if (arr == nullptr) s.fail("cdf", "expected a file name or [[size, percent], ...], got " + detail::type_name(*n));
  std::vector<CdfPoint> pts;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto* pair = arr->get(i)->as_array();
    auto num = [&](std::size_t j, double& out) {
      const toml::node* e = pair == nullptr ? nullptr : pair->get(j);
      if (e != nullptr && e->is_number()) {
        out = e->is_integer() ? static_cast<double>(e->as_integer()->get()) : e->as_floating_point()->get();
        return true;
      }
      return false;
    };
    CdfPoint p;
    if (pair == nullptr || pair->size() != 2 || !num(0, p.size) || !num(1, p.percent)) {
      s.ctx().fail(arr->get(i), s.key_path("cdf") + "." + std::to_string(i),
                   "expected [size_bytes, cumulative_percent]");
    }
    pts.push_back(p);
  }
  if (auto err = FlowSizeCdf::make(std::move(pts), cdf)) s.fail("cdf", *err);
  return cdf;
}

void parse_flow_list(Section& s, const Topology& t, bool long_flows, Workload& w) {
  const toml::node* n = s.raw("flows");
  const auto* arr = n == nullptr ? nullptr : n->as_array();
  if (arr == nullptr || arr->empty()) {
    s.fail("flows", long_flows ? "expected flows = [{src, dst, start, stop or size}, ...]"
                               : "expected flows = [{src, dst, size, start}, ...]");
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const std::string path = s.key_path("flows") + "." + std::to_string(i);
    const auto* tbl = arr->get(i)->as_table();
    if (tbl == nullptr) s.ctx().fail(arr->get(i), path, "expected a table {src, dst, ...}");
    Section fs(s.ctx(), tbl, path);
    FlowEntry f;
    const std::string src = fs.required_str("src", "a host name such as \"h1\"");
    const std::string dst = fs.required_str("dst", "a host name such as \"h0\"");
    f.src = host_by_name(s.ctx(), fs.raw("src"), fs.key_path("src"), t, src);
    f.dst = host_by_name(s.ctx(), fs.raw("dst"), fs.key_path("dst"), t, dst);
    if (f.src == f.dst) fs.fail("dst", "a flow's source and destination must differ");
    f.start = fs.time("start", 0, 0, kMaxTime);
    if (long_flows) {
      f.size_bytes = fs.bytes("size", 0, 1, kMaxBytes);
      f.stop = fs.time("stop", kNever, 0, kMaxTime);
      if (f.size_bytes == 0 && f.stop == kNever) fs.fail_here("a long flow needs stop, size or both");
      if (f.stop != kNever && f.stop <= f.start) fs.fail("stop", "expected stop > start");
    } else {
      if (!fs.has("size")) fs.fail("size", "missing; expected the flow's size in bytes");
      f.size_bytes = fs.bytes("size", 0, 1, kMaxBytes);
    }
    fs.done();
    w.flows.push_back(f);
  }
}

Workload parse_workload(Section& s, const Topology& t, const FileReader& read, TimeNs duration) {
  Workload w;
  const std::string kind = s.choice("kind", "", {"poisson", "incast", "flows", "long-flows"});
  w.start = s.time("start", 0, 0, kMaxTime);
  if (kind == "poisson" || kind == "incast") {
    w.stop = s.time("stop", duration, 0, kMaxTime);
    if (w.stop <= w.start) s.fail("stop", "expected stop > start (" + format_time(w.start) + ")");
  }
  if (kind == "poisson") {
    w.kind = WorkloadKind::kPoisson;
    w.cdf = parse_cdf(s, read, w.cdf_source);
    if (!s.has("load")) s.fail("load", "missing; expected the offered load as a fraction, e.g. 0.6");
    w.load = s.number("load", 0, 1e-6, 10);
    w.load_on = s.choice("load_on", "tor-uplinks", {"tor-uplinks", "host-links"}) == "tor-uplinks"
                    ? LoadBase::kTorUplinks
                    : LoadBase::kHostLinks;
    w.destinations = peers_choice(s, "destinations", "other-rack");
    check_peers(s, "destinations", t, w.destinations, 1);
    if (w.load_on == LoadBase::kTorUplinks) {
      for (std::uint32_t h = 0; h < t.host_count(); ++h) {
        if (t.uplink_capacity(t.host_switch(h)) == 0) {
          s.fail("load_on", "\"tor-uplinks\" but " + t.node(t.host_switch(h)).name +
                                " has no uplinks; use load_on = \"host-links\"");
        }
      }
    }
  } else if (kind == "incast") {
    w.kind = WorkloadKind::kIncast;
    w.bytes = s.bytes("bytes", 0, 1, kMaxBytes);
    if (!s.has("bytes")) s.fail("bytes", "missing; expected the bytes each sender sends");
    w.request_rate = s.number("request_rate", 0, 0, 1e9);
    w.senders_from = peers_choice(s, "senders_from", "same-rack");
    if (const toml::node* r = s.raw("receiver")) {
      if (w.request_rate > 0) s.fail("receiver", "a receiver is only for a single burst (request_rate = 0)");
      if (!r->is_string()) s.fail("receiver", "expected a host name, got " + detail::type_name(*r));
      w.receiver = host_by_name(s.ctx(), r, s.key_path("receiver"), t, r->as_string()->get());
    }
    for (const std::string& name : s.str_list("senders")) {
      const std::uint32_t h = host_by_name(s.ctx(), s.raw("senders"), s.key_path("senders"), t, name);
      if (h == w.receiver.value_or(0)) s.fail("senders", "the receiver cannot be one of its senders");
      if (std::find(w.senders.begin(), w.senders.end(), h) != w.senders.end()) {
        s.fail("senders", "host " + name + " is listed twice");
      }
      w.senders.push_back(h);
    }
    if (!w.senders.empty() && w.request_rate > 0) s.fail("senders", "explicit senders are only for a single burst");
    w.fan_in = static_cast<std::uint32_t>(
        s.uint("fan_in", w.senders.empty() ? 0 : w.senders.size(), 1, t.host_count() - 1));
    if (!s.has("fan_in") && w.senders.empty()) s.fail("fan_in", "missing; expected the number of senders");
    if (!w.senders.empty() && w.fan_in != w.senders.size()) {
      s.fail("fan_in", "fan_in is " + std::to_string(w.fan_in) + " but " +
                           std::to_string(w.senders.size()) + " senders are listed");
    }
    if (w.senders.empty()) {
      if (w.request_rate > 0) {
        check_peers(s, "senders_from", t, w.senders_from, w.fan_in);
      } else if (peers(t, w.receiver.value_or(0), w.senders_from).size() < w.fan_in) {
        s.fail("fan_in", "receiver " + t.node(w.receiver.value_or(0)).name + " has only " +
                             std::to_string(peers(t, w.receiver.value_or(0), w.senders_from).size()) +
                             " \"" + to_string(w.senders_from) + "\" senders");
      }
    }
  } else if (kind == "flows") {
    w.kind = WorkloadKind::kFlows;
    parse_flow_list(s, t, false, w);
  } else {
    w.kind = WorkloadKind::kLongFlows;
    parse_flow_list(s, t, true, w);
  }
  s.done("for kind = \"" + kind + "\"");
  return w;
}

// --- [run] ---

TraceSelection trace_list(Section& s, const char* key, bool ports, const Topology& t) {
  TraceSelection sel;
  const toml::node* n = s.raw(key);
  if (n == nullptr) return sel;
  if (const auto* str = n->as_string()) {
    if (str->get() == "all") sel.all = true;
    else if (str->get() != "none") s.fail(key, "expected \"all\", \"none\" or a list");
    if (sel.all && ports) {
      for (std::uint32_t p = 0; p < t.ports().size(); ++p) sel.ids.push_back(p);
    }
    return sel;
  }
  const auto* arr = n->as_array();
  if (arr == nullptr) s.fail(key, "expected \"all\", \"none\" or a list, got " + detail::type_name(*n));
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::node& el = *arr->get(i);
    const std::string path = s.key_path(key) + "." + std::to_string(i);
    if (ports) {
      if (!el.is_string()) s.ctx().fail(&el, path, "expected a port name such as \"tor0->h1\" (* matches any text)");
      const std::string pat = el.as_string()->get();
      sel.patterns.push_back(pat);
      bool any = false;
      for (std::uint32_t p = 0; p < t.ports().size(); ++p) {
        // Glob with '*' only.
        const std::string& name = t.port(p).name;
        std::function<bool(std::size_t, std::size_t)> match = [&](std::size_t a, std::size_t b) {
          if (a == pat.size()) return b == name.size();
          if (pat[a] == '*') return match(a + 1, b) || (b < name.size() && match(a, b + 1));
          return b < name.size() && pat[a] == name[b] && match(a + 1, b + 1);
        };
        if (match(0, 0)) {
          any = true;
          if (std::find(sel.ids.begin(), sel.ids.end(), p) == sel.ids.end()) sel.ids.push_back(p);
        }
      }
      if (!any) s.ctx().fail(&el, path, "no port matches \"" + pat + "\" (ports are named like \"" + t.port(0).name + "\")");
    } else {
      if (!el.is_integer() || el.as_integer()->get() < 0) s.ctx().fail(&el, path, "expected a flow id (an integer >= 0)");
      sel.ids.push_back(static_cast<std::uint32_t>(el.as_integer()->get()));
    }
  }
  std::sort(sel.ids.begin(), sel.ids.end());
  return sel;
}

RunParams parse_run(Section& s, const Topology& t) {
  RunParams r;
  r.duration = s.time("duration", r.duration, 1, kMaxTime);
  r.warmup = s.time("warmup", r.warmup, 0, kMaxTime);
  if (r.warmup >= r.duration) s.fail("warmup", "expected warmup < duration (" + format_time(r.duration) + ")");
  r.seed = s.uint("seed", r.seed, 0, std::uint64_t{1} << 62);
  r.queue_interval = s.time("queue_interval", r.queue_interval, 1, kMaxTime);
  r.flow_interval = s.time("flow_interval", r.flow_interval, 1, kMaxTime);
  r.link_interval = s.time("link_interval", r.link_interval, 1, kMaxTime);
  r.trace_ports = trace_list(s, "trace_ports", true, t);
  r.trace_flows = trace_list(s, "trace_flows", false, t);
  r.drain_limit = s.time("drain_limit", r.drain_limit, 0, kMaxTime);
  s.done();
  return r;
}

// --- [faults] ---

bool glob_match(const std::string& pat, const std::string& name) {
  // '*' matches any text; iterative with one backtrack point (linear enough for port names).
  std::size_t p = 0, n = 0, star = std::string::npos, mark = 0;
  while (n < name.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pat.size() && pat[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

FaultsParams parse_faults(Section& s, const Topology& t, std::uint64_t run_seed) {
  FaultsParams f;
  faults::FaultSpec& x = f.spec;
  // Rates are per frame; above 50% nothing useful finishes, so a larger value is a typo.
  x.loss = s.number("loss", 0, 0, 0.5);
  x.burst_start = s.number("burst_start", 0, 0, 0.5);
  x.burst_length = s.number("burst_length", 8, 1, 1e6);
  x.burst_loss = s.number("burst_loss", 1.0, 0, 1);
  x.reorder = s.number("reorder", 0, 0, 0.5);
  x.reorder_delay = s.time("reorder_delay", 0, 0, kNsPerSec);
  x.duplicate = s.number("duplicate", 0, 0, 0.5);
  x.corrupt = s.number("corrupt", 0, 0, 0.5);
  f.seed = s.uint("seed", run_seed, 0, std::uint64_t{1} << 62);
  if (s.has("links")) {
    f.links = trace_list(s, "links", true, t);
  } else {
    s.raw("links");
    f.links.all = true;
    for (std::uint32_t p = 0; p < t.ports().size(); ++p) f.links.ids.push_back(p);
  }
  if (const toml::node* n = s.raw("down")) {
    const auto* arr = n->as_array();
    if (arr == nullptr) {
      s.fail("down", "expected [[faults.down]] tables {link, at, for}, got " + detail::type_name(*n));
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const std::string path = s.key_path("down") + "." + std::to_string(i);
      const auto* tbl = arr->get(i)->as_table();
      if (tbl == nullptr) s.ctx().fail(arr->get(i), path, "expected a table {link, at, for}");
      Section ds(s.ctx(), tbl, path);
      LinkDown d;
      d.link = ds.required_str("link", "a port name such as \"sw0->h1\" (* matches any text)");
      for (std::uint32_t p = 0; p < t.ports().size(); ++p) {
        if (!glob_match(d.link, t.port(p).name)) continue;
        for (const std::uint32_t q : {p, t.port(p).peer_port}) {
          if (std::find(d.ports.begin(), d.ports.end(), q) == d.ports.end()) d.ports.push_back(q);
        }
      }
      if (d.ports.empty()) {
        ds.fail("link", "no port matches \"" + d.link + "\" (ports are named like \"" +
                            t.port(0).name + "\")");
      }
      std::sort(d.ports.begin(), d.ports.end());
      if (!ds.has("at")) ds.fail("at", "missing; expected when the link goes down (e.g. \"2ms\")");
      d.at = ds.time("at", 0, 0, kMaxTime);
      if (!ds.has("for")) ds.fail("for", "missing; expected how long the link stays down (e.g. \"1ms\")");
      d.duration = ds.time("for", 0, 1, kMaxTime);
      ds.done();
      f.down.push_back(d);
    }
  }
  s.done();
  return f;
}

// --- [testbed] ---

TestbedParams parse_testbed(Section& s, const Topology& t) {
  TestbedParams p;
  p.scale = s.number("scale", 1.0, 1e-3, 1e6);
  p.eal_args = s.str_list("eal_args");
  p.idle = s.choice("idle", p.idle, {"spin", "yield"});
  p.barrier_timeout = s.time("barrier_timeout", p.barrier_timeout, kNsPerMs, 3600 * kNsPerSec);
  if (const toml::node* n = s.raw("nodes")) {
    const auto* tbl = n->as_table();
    if (tbl == nullptr) s.fail("nodes", "expected [testbed.nodes.<name>] tables");
    for (auto&& [k, v] : *tbl) {
      const std::string name(k.str());
      const std::string path = s.key_path("nodes") + "." + name;
      const auto id = t.find_node(name);
      if (!id) s.ctx().fail(&v, path, "\"" + name + "\" is not a node of the topology");
      if (!v.is_table()) s.ctx().fail(&v, path, "expected a table {devices, lcore}");
      Section ns(s.ctx(), v.as_table(), path);
      TestbedNode tn;
      tn.name = name;
      tn.devices = ns.str_list("devices");
      if (tn.devices.size() != t.node(*id).ports.size()) {
        ns.fail("devices", "expected " + std::to_string(t.node(*id).ports.size()) +
                               " devices (one per port of " + name + "), got " +
                               std::to_string(tn.devices.size()));
      }
      tn.lcore = static_cast<std::int32_t>(ns.uint("lcore", 0, 0, 1023));
      if (!ns.has("lcore")) tn.lcore = -1;
      ns.done();
      p.nodes.push_back(tn);
    }
  }
  s.done();
  return p;
}

const toml::table* section(const toml::table& root, const Context& ctx, const char* name) {
  const toml::node* n = root.get(name);
  if (n == nullptr) return nullptr;
  if (!n->is_table()) ctx.fail(n, name, std::string("expected a [") + name + "] table, got " + detail::type_name(*n));
  return n->as_table();
}

// Checks that need several sections at once.
void cross_checks(const Experiment& e, const toml::table& root, const Context& ctx) {
  const Topology& t = *e.topology;
  const toml::table* cc_tbl = section(root, ctx, "cc");
  Section cs(ctx, cc_tbl, "cc");
  const cc::Algorithm& a = *e.cc.algo;
  Section ss(ctx, section(root, ctx, "switch"), "switch");
  // Blame cc.algorithm when the file names it, else the switch key that turned the feature off.
  auto conflict = [&](const char* sw_key, const std::string& msg) {
    if (cs.has("algorithm")) cs.fail("algorithm", msg);
    ss.fail(sw_key, msg);
  };
  if (a.needs_int && !e.sw.int_enabled) {
    conflict("int", a.name + " needs INT from the switches, but [switch] int = false");
  }
  if (a.needs_ecn && !e.sw.ecn) {
    conflict("ecn", a.name + " needs ECN marking, but [switch] ecn = false");
  }
  if (!e.sw.ecn_table.empty()) {
    for (const Port& p : t.ports()) {
      const bool found = std::any_of(e.sw.ecn_table.begin(), e.sw.ecn_table.end(),
                                     [&](const EcnEntry& x) { return x.rate == p.link.rate; });
      if (!found && !t.node(p.node).is_host()) {
        ss.fail("ecn_thresholds", "no row for link rate " + format_rate(p.link.rate) + " (port " + p.name + ")");
      }
    }
  }
  Section ts(ctx, section(root, ctx, "transport"), "transport");
  const std::size_t ip_headers = wire::header_len(e.cc.carries_int()) - wire::kEthLen;
  if (e.transport.payload_bytes + ip_headers > e.transport.mtu) {
    ts.fail("payload", "payload " + std::to_string(e.transport.payload_bytes) + " + " +
                           std::to_string(ip_headers) + " bytes of headers exceeds mtu " +
                           std::to_string(e.transport.mtu));
  }
  if (e.cc.carries_int()) {
    for (std::uint32_t s = 0; s < t.host_count(); ++s) {
      for (std::uint32_t d = 0; d < t.host_count(); ++d) {
        if (s != d && e.routing->hops(s, d) - 1 > wire::kMaxIntHops) {
          ctx.fail(root.get("topology"), "topology",
                   "path " + t.node(s).name + " -> " + t.node(d).name + " crosses " +
                       std::to_string(e.routing->hops(s, d) - 1) + " switches; INT records at most " +
                       std::to_string(wire::kMaxIntHops));
        }
      }
    }
  }
  // Rate-based workloads must not push any link past 100%.
  const std::vector<double> load = offered_port_load(e);
  std::uint32_t worst = 0;
  for (std::uint32_t p = 0; p < load.size(); ++p) {
    if (load[p] / static_cast<double>(t.port(p).link.rate) >
        load[worst] / static_cast<double>(t.port(worst).link.rate)) {
      worst = p;
    }
  }
  const double u = load.empty() ? 0 : load[worst] / static_cast<double>(t.port(worst).link.rate);
  if (u > 1.0 + 1e-9) {
    std::size_t wi = 0;
    while (wi < e.workloads.size() && e.workloads[wi].kind != WorkloadKind::kPoisson &&
           !(e.workloads[wi].kind == WorkloadKind::kIncast && e.workloads[wi].request_rate > 0)) {
      ++wi;
    }
    const auto* arr = root.get("workload")->as_array();
    Section ws(ctx, arr->get(wi)->as_table(), "workload." + std::to_string(wi));
    std::ostringstream msg;
    msg.precision(4);
    msg << "the workloads offer " << u * 100 << "% of link " << t.port(worst).name << " ("
        << format_rate(t.port(worst).link.rate) << "); at most 100% is possible";
    ws.fail(e.workloads[wi].kind == WorkloadKind::kPoisson ? "load" : "request_rate", msg.str());
  }
}

}  // namespace

std::string resolve_relative(const std::string& experiment_file, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::path(experiment_file).parent_path() / p).lexically_normal().string();
}

Override parse_override(std::string_view arg) {
  const std::size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw ExperimentError("--set " + std::string(arg), "",
                          "expected key.path=value, e.g. cc.algorithm=hpcc or workload.0.load=0.6");
  }
  return Override{std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1)), std::string(arg)};
}

Experiment parse_experiment(std::string_view text, const std::string& file,
                            const std::vector<Override>& overrides, const FileReader& read) {
  Context ctx(file);
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& err) {
    throw ExperimentError(file + ":" + std::to_string(err.source().begin.line) + ":" +
                              std::to_string(err.source().begin.column),
                          "", "TOML syntax: " + std::string(err.description()));
  }
  for (const Override& o : overrides) apply_override(root, o, ctx);

  Experiment e;
  e.file = file;
  e.name = std::filesystem::path(file).stem().string();
  for (const Override& o : overrides) e.overrides.push_back(o.arg);

  Section top(ctx, &root, "");
  e.description = top.str("description", "");
  for (const char* name : {"topology", "switch", "transport", "cc", "run", "testbed", "faults"}) {
    top.raw(name);
    section(root, ctx, name);
  }
  top.raw("workload");
  top.done("(sections: [topology], [switch], [transport], [cc], [[workload]], [run], [testbed], [faults])");

  Section ts(ctx, section(root, ctx, "topology"), "topology");
  if (ts.table() == nullptr) ctx.fail(nullptr, "topology", "missing [topology] section");
  e.topology_spec = parse_topology(ts);
  try {
    e.topology = std::make_shared<const Topology>(build_topology(e.topology_spec));
  } catch (const std::invalid_argument& err) {
    ctx.fail(ts.table(), "topology", std::string("impossible topology: ") + err.what());
  }
  e.unscaled_topology = e.topology;
  e.routing = std::make_shared<const Routing>(*e.topology);

  Section sws(ctx, section(root, ctx, "switch"), "switch");
  e.sw = parse_switch(sws);
  Section trs(ctx, section(root, ctx, "transport"), "transport");
  e.transport = parse_transport(trs);
  Section ccs(ctx, section(root, ctx, "cc"), "cc");
  e.cc = parse_cc(ccs);
  Section rs(ctx, section(root, ctx, "run"), "run");
  e.run = parse_run(rs, *e.topology);

  const toml::node* wl = root.get("workload");
  if (wl == nullptr) ctx.fail(nullptr, "workload", "missing; expected at least one [[workload]] table");
  const auto* warr = wl->as_array();
  if (warr == nullptr || warr->empty()) {
    ctx.fail(wl, "workload", "expected [[workload]] tables, got " + detail::type_name(*wl));
  }
  for (std::size_t i = 0; i < warr->size(); ++i) {
    const std::string path = "workload." + std::to_string(i);
    if (!warr->get(i)->is_table()) ctx.fail(warr->get(i), path, "expected a table");
    Section ws(ctx, warr->get(i)->as_table(), path);
    e.workloads.push_back(parse_workload(ws, *e.topology, read, e.run.duration));
  }

  Section tbs(ctx, section(root, ctx, "testbed"), "testbed");
  e.testbed = parse_testbed(tbs, *e.topology);
  Section fs(ctx, section(root, ctx, "faults"), "faults");
  e.faults = parse_faults(fs, *e.topology, e.run.seed);

  e.cc.base_rtt = e.cc.base_rtt_given.value_or(
      topology_tau(*e.topology, *e.routing, e.transport.payload_bytes));
  cross_checks(e, root, ctx);
  return e;
}

Experiment::Ecn Experiment::ecn_for_rate(BitsPerSec unscaled_rate) const {
  for (const EcnEntry& row : sw.ecn_table) {
    if (row.rate == unscaled_rate) return {row.kmin_bytes, row.kmax_bytes, row.pmax};
  }
  // The paper's thresholds are linear in the rate: 100/400 KB at 25G, 400/1600 KB at 100G.
  const double g = static_cast<double>(unscaled_rate) / 1e9;
  return {static_cast<std::uint64_t>(std::llround(g * 4000)),
          static_cast<std::uint64_t>(std::llround(g * 16000)), 0.2};
}

std::optional<faults::FaultSpec> Experiment::faults_for_port(std::uint32_t port) const {
  faults::FaultSpec spec;
  if (std::binary_search(faults.links.ids.begin(), faults.links.ids.end(), port)) spec = faults.spec;
  spec.down.clear();
  for (const LinkDown& d : faults.down) {
    if (std::find(d.ports.begin(), d.ports.end(), port) != d.ports.end()) {
      spec.down.push_back(faults::DownWindow{d.at, d.at + d.duration});
    }
  }
  if (!spec.active()) return std::nullopt;
  return spec;
}

Experiment::Ecn Experiment::ecn_for_port(std::uint32_t port) const {
  return ecn_for_rate(unscaled_topology->port(port).link.rate);
}

}  // namespace ptcp::exp
