#include "experiment_runs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cc/powertcp.h"
#include "experiment/parse.h"
#include "wire/format.h"

namespace ptcp::ns3test {

namespace {
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

exp::Experiment load(const std::string& name, const std::vector<std::string>& sets) {
  const std::string path = std::string(PTCP_SOURCE_DIR) + "/experiments/" + name + ".toml";
  const auto text = read_file(path);
  if (!text) throw std::runtime_error("cannot read " + path);
  std::vector<exp::Override> ov;
  for (const auto& s : sets) ov.push_back(exp::parse_override(s));
  return exp::parse_experiment(*text, path, ov, read_file);
}

SimRun simulate(const std::string& name, const std::vector<std::string>& sets,
        const ns3sim::RunOptions& opt) {
  SimRun r{load(name, sets), {}, {}, {}};
  r.flows = exp::generate_flows(r.e);
  r.e = ns3sim::with_resolved_base_rtt(r.e, r.flows);  // as the ns-3 backend runs it
  ns3sim::run_on_ns3(r.e, r.flows, opt, r.results, &r.stats);
  return r;
}

std::vector<exp::QueueRow> queue_of(const SimRun& r, const std::string& port) {
  const auto id = r.e.topology->find_port(port);
  EXPECT_TRUE(id.has_value()) << port;
  std::vector<exp::QueueRow> out;
  for (const auto& q : r.results.queue) {
    if (id && q.port == *id) out.push_back(q);
  }
  return out;
}

std::vector<exp::LinkRow> links_of(const SimRun& r, const std::string& port) {
  const auto id = r.e.topology->find_port(port);
  EXPECT_TRUE(id.has_value()) << port;
  std::vector<exp::LinkRow> out;
  for (const auto& l : r.results.links) {
    if (id && l.port == *id) out.push_back(l);
  }
  return out;
}

namespace {
double tx_at(const std::vector<exp::LinkRow>& l, TimeNs t) {
  if (l.empty()) return 0;
  if (t <= l.front().time_ns) return static_cast<double>(l.front().tx_bytes);
  if (t >= l.back().time_ns) return static_cast<double>(l.back().tx_bytes);
  const auto it = std::lower_bound(l.begin(), l.end(), t,
                                   [](const exp::LinkRow& a, TimeNs v) { return a.time_ns < v; });
  const auto& b = *it;
  const auto& a = *(it - 1);
  const double f = static_cast<double>(t - a.time_ns) / static_cast<double>(b.time_ns - a.time_ns);
  return static_cast<double>(a.tx_bytes) + f * static_cast<double>(b.tx_bytes - a.tx_bytes);
}
}  // namespace

double tx_between(const std::vector<exp::LinkRow>& l, TimeNs t0, TimeNs t1) {
  return tx_at(l, t1) - tx_at(l, t0);
}

std::uint64_t packet_wire_bytes(const exp::Experiment& e) {
  const bool has_int = e.sw.int_enabled && e.cc.carries_int();
  return wire::wire_bytes(wire::frame_len(has_int, e.transport.payload_bytes));
}

double beta_bytes(const exp::Experiment& e, std::uint32_t host) {
  cc::FlowContext ctx;
  ctx.host_rate = e.topology->port(e.topology->node(host).ports.front()).link.rate;
  ctx.base_rtt = e.cc.base_rtt;
  ctx.mss = e.transport.payload_bytes;
  return cc::power_beta_bytes(ctx, e.cc.params);
}

}  // namespace ptcp::ns3test
