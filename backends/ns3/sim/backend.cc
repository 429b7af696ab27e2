// `powertcp run EXP.toml --backend ns3`: the ns-3 backend's entry in the command's table.
#include <cstdlib>
#include <string>

#include "experiment/backend.h"
#include "experiment/probe_rtt.h"
#include "experiment/scale.h"
#include "sim/run.h"

namespace ptcp::exp {

namespace {
// POWERTCP_NS3_PCAP="DIR:PORT[,PORT...]" (port names such as tor0->h0) captures those ports.
void pcap_from_env(const Experiment& e, ns3sim::RunOptions& o) {
  const char* v = std::getenv("POWERTCP_NS3_PCAP");
  if (v == nullptr || *v == '\0') return;
  const std::string s(v);
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) {
    throw BackendError("POWERTCP_NS3_PCAP: expected DIR:PORT[,PORT...], got '" + s + "'");
  }
  o.pcap_dir = s.substr(0, colon);
  std::size_t pos = colon + 1;
  while (pos <= s.size()) {
    const auto comma = s.find(',', pos);
    const std::string name = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const auto id = e.topology->find_port(name);
    if (!id) throw BackendError("POWERTCP_NS3_PCAP: no port named '" + name + "'");
    o.pcap_ports.push_back(*id);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
}
}  // namespace

void register_ns3_backend(BackendTable& table) {
  Backend b;
  b.name = "ns3";
  b.description = "ns-3 3.37 simulation: the core's hosts and switches on PtcpNetDevice links";
  b.run = [](const RunInput& in, const RunOptions& opt, Results& out) {
    ns3sim::RunOptions o;
    o.progress = opt.progress;
    o.stop_requested = opt.stop_requested;
    pcap_from_env(in.scaled, o);
    if (!in.scaled.cc.base_rtt_measured) {
      ns3sim::run_on_ns3(in.scaled, in.flows, o, out);
      return;
    }
    // cc.base_rtt = "measured": a simulation has nothing to measure, so it takes the unloaded
    // data+ACK RTT computed on its own topology (what the DPDK backend's probes measure).
    const Experiment x = ns3sim::with_resolved_base_rtt(in.scaled, in.flows);
    const TimeNs computed = computed_measured_base_rtt(in.scaled, in.flows);
    ns3sim::run_on_ns3(x, in.flows, o, out);
    const double s = in.scaled.applied_scale;
    out.counters["measured_base_rtt_ns"] = static_cast<std::uint64_t>(unscale_time(computed, s));
    out.counters["base_rtt_used_ns"] = static_cast<std::uint64_t>(unscale_time(x.cc.base_rtt, s));
    out.info["base_rtt_source"] = "computed (data frame out, ACK back, for the flows' host pairs)";
  };
  table.add(std::move(b));
}

}  // namespace ptcp::exp
