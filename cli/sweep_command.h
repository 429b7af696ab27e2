// The `sweep` subcommand's options (kept here so main.cc only wires it in).
#pragma once

#include <CLI/CLI.hpp>

#include "commands.h"

namespace ptcp::cli {

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& a);

}  // namespace ptcp::cli
