// run_guarded: whatever a subcommand throws becomes one line on stderr and an exit code.
#include "guard.h"

#include <filesystem>
#include <new>
#include <stdexcept>
#include <system_error>

#include <gtest/gtest.h>

#include "experiment/error.h"
#include "files.h"

namespace ptcp::cli {
namespace {

struct Caught {
  int code;
  std::string err;
};

template <typename Thrower>
Caught guarded(Thrower throw_it) {
  testing::internal::CaptureStderr();
  const int code = run_guarded("test", [&]() -> int {
    throw_it();
    return kExitOk;
  });
  return {code, testing::internal::GetCapturedStderr()};
}

TEST(Guard, PassesTheBodysExitCodeThrough) {
  EXPECT_EQ(run_guarded("test", [] { return 7; }), 7);
}

TEST(Guard, BadInputIsTwo) {
  const Caught c = guarded([] { throw exp::ExperimentError("x.toml:3:1", "topology.k", "expected an even integer"); });
  EXPECT_EQ(c.code, kExitBadInput);
  EXPECT_NE(c.err.find("powertcp test: x.toml:3:1"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("topology.k"), std::string::npos) << c.err;
}

TEST(Guard, OutOfMemoryAndFileSystemErrorsAreAFailedRun) {
  Caught c = guarded([] { throw std::bad_alloc(); });
  EXPECT_EQ(c.code, kExitRunFailed);
  EXPECT_NE(c.err.find("out of memory"), std::string::npos) << c.err;
  c = guarded([] {
    throw std::filesystem::filesystem_error("cannot create directory", "/ro/results",
                                            std::make_error_code(std::errc::read_only_file_system));
  });
  EXPECT_EQ(c.code, kExitRunFailed);
  EXPECT_NE(c.err.find("/ro/results"), std::string::npos) << c.err;
}

TEST(Guard, AnythingElseIsAnInternalError) {
  Caught c = guarded([] { throw std::logic_error("vector::_M_range_check"); });
  EXPECT_EQ(c.code, kExitInternal);
  EXPECT_NE(c.err.find("internal error: vector::_M_range_check"), std::string::npos) << c.err;
  c = guarded([] { throw 42; });
  EXPECT_EQ(c.code, kExitInternal);
  EXPECT_NE(c.err.find("internal error"), std::string::npos) << c.err;
}

}  // namespace
}  // namespace ptcp::cli
