// The core configuration of each node of an experiment: what a host's transport and a switch
// need, derived from the (already scaled) experiment model in one place, so that every backend
// builds exactly the same hosts and switches.
#pragma once

#include <cstdint>

#include "experiment/experiment.h"
#include "switch/switch.h"
#include "transport/host.h"

namespace ptcp::exp {

struct HostOptions {
  // Payload fill and verification; only benchmarks switch it off.
  bool verify_payload = true;
};

transport::HostConfig host_config(const Experiment& e, std::uint32_t host,
                                  const HostOptions& opt = {});

struct SwitchOptions {
  // True when the switch paces its own departures (DPDK); false when the backend's device
  // serializes frames and the switch supplies only the queueing (ns-3).
  bool paced = true;
};

// Ports in the node's port order; ECN thresholds by each link's unscaled rate.
sw::SwitchConfig switch_config(const Experiment& e, std::uint32_t node,
                               const SwitchOptions& opt = {});

// Installs the node's forwarding table: every host reachable through its equal-cost ports.
void add_routes(const Experiment& e, std::uint32_t node, sw::Switch& s);

}  // namespace ptcp::exp
