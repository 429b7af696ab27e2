// HostNode is header-only; this file keeps one translation unit per header in the library.
#include "support/host_node.h"
