// Internal to the parser: typed, located reads from toml++ tables. Every read marks its key as
// known, so done() can reject the keys nobody asked for. Errors carry file:line:column (or the
// --set argument that produced the value) and the full key path.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "common/units.h"
#include "experiment/error.h"

namespace ptcp::exp::detail {

class Context {
 public:
  explicit Context(std::string file) : file_(std::move(file)) {}
  void mark_overridden(const std::string& path, const std::string& arg) { overridden_[path] = arg; }
  std::string where(const toml::node* n, const std::string& path) const;
  [[noreturn]] void fail(const toml::node* n, const std::string& path, const std::string& msg) const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::map<std::string, std::string> overridden_;
};

std::string type_name(const toml::node& n);

class Section {
 public:
  // `t` may be null: an absent section, where every read gives its default.
  Section(const Context& c, const toml::table* t, std::string path);

  const Context& ctx() const { return *ctx_; }
  const toml::table* table() const { return t_; }
  const std::string& path() const { return path_; }
  std::string key_path(std::string_view key) const;
  bool has(std::string_view key) const;
  const toml::node* raw(std::string_view key);  // marks the key as known
  [[noreturn]] void fail(std::string_view key, const std::string& msg) const;
  [[noreturn]] void fail_here(const std::string& msg) const;  // the section itself

  std::string str(std::string_view key, const std::string& def);
  std::string required_str(std::string_view key, const std::string& expected);
  std::string choice(std::string_view key, const std::string& def,
                     const std::vector<std::string>& allowed);
  bool boolean(std::string_view key, bool def);
  std::uint64_t uint(std::string_view key, std::uint64_t def, std::uint64_t min, std::uint64_t max);
  double number(std::string_view key, double def, double min, double max);
  TimeNs time(std::string_view key, TimeNs def, TimeNs min, TimeNs max);
  BitsPerSec rate(std::string_view key, BitsPerSec def, BitsPerSec min, BitsPerSec max);
  std::uint64_t bytes(std::string_view key, std::uint64_t def, std::uint64_t min, std::uint64_t max);
  std::vector<std::string> str_list(std::string_view key);

  // Keys that are present but were never read: an error listing the known ones.
  void done(const std::string& hint = {});

 private:
  const Context* ctx_;
  const toml::table* t_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

// Value readers usable on any node (array elements, inline tables).
TimeNs node_time(const Context& c, const toml::node& n, const std::string& path);
BitsPerSec node_rate(const Context& c, const toml::node& n, const std::string& path);
std::uint64_t node_bytes(const Context& c, const toml::node& n, const std::string& path);

}  // namespace ptcp::exp::detail
