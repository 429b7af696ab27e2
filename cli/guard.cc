#include "guard.h"

#include <filesystem>
#include <iostream>
#include <new>
#include <stdexcept>

#include "experiment/error.h"
#include "files.h"

namespace ptcp::cli {

int run_guarded(const std::string& command, const std::function<int()>& body) {
  const std::string who = "powertcp " + command + ": ";
  try {
    return body();
  } catch (const exp::ExperimentError& e) {
    std::cerr << who << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << who << "out of memory (the experiment may be too large for this machine)\n";
    return kExitRunFailed;
  } catch (const std::filesystem::filesystem_error& e) {
    std::cerr << who << e.what() << "\n";
    return kExitRunFailed;
  } catch (const std::exception& e) {
    std::cerr << who << "internal error: " << e.what()
              << " (a bug in powertcp; please report it with the experiment file)\n";
    return kExitInternal;
  } catch (...) {
    std::cerr << who << "internal error: an unknown exception"
              << " (a bug in powertcp; please report it with the experiment file)\n";
    return kExitInternal;
  }
}

}  // namespace ptcp::cli
