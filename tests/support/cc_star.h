// The closed-loop topology of reference section 5 on the test network: n senders (nodes
// 0..n-1) and one receiver (node n) on one switch, every link the same rate and delay, every
// host running one congestion control. Used by the PowerTCP and theta-PowerTCP closed-loop tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cc/registry.h"
#include "common/units.h"
#include "support/host_node.h"
#include "support/network.h"
#include "support/switch_node.h"

namespace ptcp::test {

struct CcStarSpec {
  int senders = 1;
  BitsPerSec rate = 0;
  TimeNs link_delay = 0;
  std::uint32_t payload = 1000;
  TimeNs tau = 0;                         // every host's base RTT
  bool switch_int = true;                 // the switch stamps INT (hosts carry it if the CC needs it)
  std::optional<std::uint32_t> ack_every;  // unset: transport::HostConfig's default
};

struct CcStar {
  Network net;
  std::vector<HostNode*> hosts;  // senders 0..n-1, receiver n
  SwitchNode* sw = nullptr;
  cc::Algorithm algo;  // a copy: the hosts keep a pointer to it
};

// Builds the star into `star` (empty): `algorithm` from the registry with `params` resolved.
// Throws std::invalid_argument for an unknown algorithm or parameters it refuses.
void build_cc_star(CcStar& star, const CcStarSpec& spec, const std::string& algorithm,
                   const cc::ParamValues& params);

// The loop's unloaded RTT: one one-packet flow from sender 0, first byte sent to ACK received,
// on a one-sender star of `spec`'s links (tau 20 us: the first window covers the packet).
TimeNs cc_star_unloaded_rtt(CcStarSpec spec, const std::string& algorithm,
                            const cc::ParamValues& params);

}  // namespace ptcp::test
