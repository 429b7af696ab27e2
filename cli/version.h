// Build facts recorded in meta.json (set by cli/CMakeLists.txt at configure time).
#pragma once

namespace ptcp::cli {

#ifndef POWERTCP_VERSION
#define POWERTCP_VERSION "unknown"
#endif
#ifndef POWERTCP_GIT_COMMIT
#define POWERTCP_GIT_COMMIT "unknown"
#endif

inline constexpr const char* kVersion = POWERTCP_VERSION;
inline constexpr const char* kGitCommit = POWERTCP_GIT_COMMIT;

}  // namespace ptcp::cli
