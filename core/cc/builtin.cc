// The algorithms every build knows by name. A user's own algorithm can be added here or from
// their own code with Registry::global().add(make_my_algorithm()) (docs/writing-a-cc.md).
#include "cc/powertcp.h"
#include "cc/registry.h"

namespace ptcp::cc {

void register_builtins(Registry& r) {
  r.add(make_powertcp_algorithm());
}

}  // namespace ptcp::cc
