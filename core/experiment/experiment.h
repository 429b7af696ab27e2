// The experiment model: everything an experiment file says, resolved (defaults filled in, names
// looked up, CC parameters checked), plus the built topology and routing. Backends take this
// and nothing else. All values are in the experiment's own (unscaled) units unless the object
// came from scaled_for_run() (experiment/scale.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cc/registry.h"
#include "common/units.h"
#include "experiment/cdf.h"
#include "experiment/routing.h"
#include "experiment/topology.h"
#include "experiment/topology_spec.h"
#include "faults/faults.h"

namespace ptcp::exp {

struct EcnEntry {
  BitsPerSec rate = 0;  // unscaled link rate this row applies to
  std::uint64_t kmin_bytes = 0;
  std::uint64_t kmax_bytes = 0;
  double pmax = 0;
};

struct SwitchParams {
  std::uint64_t buffer_bytes = 4 * 1024 * 1024;  // shared buffer per switch
  double dt_alpha = 1.0;
  bool ecn = true;
  bool int_enabled = true;
  bool pfc = false;
  // Rows given by the user; empty means the paper's rule (Kmin 4 KB and Kmax 16 KB per Gb/s,
  // i.e. 100/400 KB at 25G and 400/1600 KB at 100G, Pmax 0.2).
  std::vector<EcnEntry> ecn_table;
};

struct TransportParams {
  std::uint32_t mtu = 1500;
  std::uint32_t payload_bytes = 1000;
  std::uint32_t ack_every = 1;
  TimeNs rto = 1 * kNsPerMs;
  TimeNs rto_max = 100 * kNsPerMs;
  std::uint32_t dupack_threshold = 3;
  TimeNs cnp_interval = 50 * kNsPerUs;  // receivers send CNPs only for algorithms that use them
};

struct CcParams {
  std::string algorithm = "powertcp";
  const cc::Algorithm* algo = nullptr;  // from cc::Registry::global()
  std::optional<TimeNs> base_rtt_given;  // [cc] base_rtt; nullopt = "auto" (or "measured")
  // [cc] base_rtt = "measured": backends replace base_rtt by the unloaded RTT measured (DPDK:
  // probes) or computed (ns-3: experiment/probe_rtt.h) between the flows' host pairs before
  // the flows start. Until then base_rtt holds the "auto" value.
  bool base_rtt_measured = false;
  TimeNs base_rtt = 0;                   // tau in force: given, or derived from the topology
  cc::ParamValues params;                // resolved for `algorithm` (defaults filled in)
  // Every [cc.<algorithm>] table as given, so a sweep over cc.algorithm keeps each one's values.
  std::map<std::string, cc::ParamValues> given;
  bool carries_int() const { return algo != nullptr && algo->needs_int; }
};

enum class WorkloadKind : std::uint8_t { kPoisson, kIncast, kFlows, kLongFlows };
enum class LoadBase : std::uint8_t { kTorUplinks, kHostLinks };
enum class Peers : std::uint8_t { kUniform, kOtherRack, kSameRack };
const char* to_string(WorkloadKind k);
const char* to_string(LoadBase b);
const char* to_string(Peers p);

struct FlowEntry {
  std::uint32_t src = 0, dst = 0;  // host indices
  std::uint64_t size_bytes = 0;    // 0 for a long flow without a size (runs until stop)
  TimeNs start = 0;
  TimeNs stop = kNever;            // long flows: the sender stops at this time
};

struct Workload {
  WorkloadKind kind = WorkloadKind::kPoisson;
  TimeNs start = 0;
  TimeNs stop = 0;  // poisson/incast arrivals end here (default: run.duration)
  // poisson
  std::string cdf_source;  // the file name as given ("" when the points were inline)
  FlowSizeCdf cdf;
  double load = 0;
  LoadBase load_on = LoadBase::kTorUplinks;
  Peers destinations = Peers::kOtherRack;
  // incast: fan_in senders each send `bytes` to one receiver, either once at `start` (the
  // receiver and senders given or chosen) or as Poisson requests at `request_rate` per host.
  std::uint32_t fan_in = 0;
  std::uint64_t bytes = 0;
  double request_rate = 0;                  // requests per second per receiving host; 0 = one burst
  std::optional<std::uint32_t> receiver;    // burst receiver (default h0)
  Peers senders_from = Peers::kSameRack;
  std::vector<std::uint32_t> senders;       // explicit burst senders
  // flows and long-flows
  std::vector<FlowEntry> flows;
};

struct TraceSelection {
  bool all = false;
  std::vector<std::string> patterns;  // port globs ("tor0->*") as given
  std::vector<std::uint32_t> ids;     // resolved: global port ids, or flow ids
  bool contains(std::uint32_t id) const {
    return all || std::find(ids.begin(), ids.end(), id) != ids.end();
  }
};

struct RunParams {
  TimeNs duration = 10 * kNsPerMs;
  TimeNs warmup = 0;
  std::uint64_t seed = 1;
  TimeNs queue_interval = 10 * kNsPerUs;  // queue.csv and buffer.csv
  TimeNs flow_interval = 10 * kNsPerUs;   // flows.csv
  TimeNs link_interval = 100 * kNsPerUs;  // links.csv
  TraceSelection trace_ports;  // queue.csv and links.csv
  TraceSelection trace_flows;  // flows.csv
  // After `duration`, keep running until every flow has finished, but at most this long.
  TimeNs drain_limit = 0;
};

// [faults]: link faults injected by the backends' links (faults/faults.h).
struct LinkDown {
  std::string link;                 // the port glob as given ("sw0->h1")
  std::vector<std::uint32_t> ports; // resolved: both directions of every matching link
  TimeNs at = 0;
  TimeNs duration = 0;
};

struct FaultsParams {
  faults::FaultSpec spec;   // rates and reorder delay (spec.down is filled per port)
  TraceSelection links;     // link directions (egress ports) the rates apply to; default all
  std::uint64_t seed = 1;   // default: run.seed
  std::vector<LinkDown> down;
  bool active() const { return spec.active() || !down.empty(); }
};

struct TestbedNode {
  std::string name;                  // a node of the topology
  std::vector<std::string> devices;  // one per port of that node, in port order (PCI or vdev)
  std::int32_t lcore = -1;
};

struct TestbedParams {
  double scale = 1.0;
  std::vector<TestbedNode> nodes;
  std::vector<std::string> eal_args;
  // Multi-process runs (--node): what a node's loop does after each iteration ("spin":
  // nothing, for dedicated cores; "yield": sched_yield, so several nodes can share a core),
  // and how long (wall clock, never scaled) a node waits for the others at the start barrier.
  std::string idle = "spin";
  TimeNs barrier_timeout = 60 * kNsPerSec;
};

struct Experiment {
  std::string name;         // the file's stem
  std::string file;         // as given to the parser
  std::string description;  // optional top-level key
  TopologySpec topology_spec;
  std::shared_ptr<const Topology> topology;
  // The topology in the experiment's own units (== topology unless scaled): ECN thresholds and
  // ideal FCTs are computed from it.
  std::shared_ptr<const Topology> unscaled_topology;
  std::shared_ptr<const Routing> routing;
  SwitchParams sw;
  TransportParams transport;
  CcParams cc;
  std::vector<Workload> workloads;
  RunParams run;
  TestbedParams testbed;
  FaultsParams faults;
  double applied_scale = 1.0;  // 1 as parsed; s after scaled_for_run()
  std::vector<std::string> overrides;  // the --set arguments applied, in order

  // ECN thresholds for a port, looked up by the link's unscaled rate.
  struct Ecn {
    std::uint64_t kmin_bytes = 0, kmax_bytes = 0;
    double pmax = 0;
  };
  Ecn ecn_for_rate(BitsPerSec unscaled_rate) const;
  Ecn ecn_for_port(std::uint32_t port) const;  // by the port's unscaled rate

  // The faults of the link direction leaving global port `port` (its rates if [faults] links
  // selects it, plus its down windows), or nullopt when it has none. Backends make one
  // faults::Injector per such port, seeded with faults_seed(port).
  std::optional<faults::FaultSpec> faults_for_port(std::uint32_t port) const;
  std::uint64_t faults_seed(std::uint32_t port) const { return faults::link_seed(faults.seed, port); }
};

}  // namespace ptcp::exp
