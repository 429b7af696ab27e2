// The algorithms every build knows by name. A user's own algorithm can be added here or from
// their own code with Registry::global().add(make_my_algorithm()) (docs/writing-a-cc.md).
#include "cc/aimd.h"
#include "cc/dcqcn.h"
#include "cc/dctcp.h"
#include "cc/hpcc.h"
#include "cc/powertcp.h"
#include "cc/powertcp_rate.h"
#include "cc/theta_powertcp.h"
#include "cc/timely.h"
#include "cc/registry.h"

namespace ptcp::cc {

void register_builtins(Registry& r) {
  r.add(make_powertcp_algorithm());
  r.add(make_theta_powertcp_algorithm());
  r.add(make_powertcp_rate_algorithm());
  r.add(make_hpcc_algorithm());
  r.add(make_dcqcn_algorithm());
  r.add(make_timely_algorithm());
  r.add(make_dctcp_algorithm());
  r.add(make_aimd_algorithm());
}

}  // namespace ptcp::cc
