// Core configurations of one node of an experiment (already scaled for the run): what a host's
// transport and a switch need, taken from the experiment model the same way for the virtual
// testbed and for one node of a real testbed.
#pragma once

#include <cstdint>

#include "experiment/experiment.h"
#include "switch/switch.h"
#include "transport/host.h"

namespace ptcp::dpdk {

transport::HostConfig host_config(const exp::Experiment& e, std::uint32_t host,
                                  bool verify_payload = true);
// Ports in the node's port order; ECN thresholds by each link's unscaled rate; routes are
// added separately (add_routes).
sw::SwitchConfig switch_config(const exp::Experiment& e, std::uint32_t node);
void add_routes(const exp::Experiment& e, std::uint32_t node, sw::Switch& s);

}  // namespace ptcp::dpdk
