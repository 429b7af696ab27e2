// The last line of defence of every subcommand: whatever it throws becomes one line on stderr
// and an exit code (files.h), never an uncaught exception (std::terminate: an abort with no
// useful message). Bad input -> 2; the machine failed us (out of memory, a file system error)
// -> 1 like a failed run; anything else is a bug of ours -> kExitInternal (3).
#pragma once

#include <functional>
#include <string>

namespace ptcp::cli {

// Runs `body` and returns its exit code, or the code for what it threw after printing
// "powertcp <command>: <what>" to stderr.
int run_guarded(const std::string& command, const std::function<int()>& body);

}  // namespace ptcp::cli
