#include "experiment/toml_reader.h"

#include <cmath>
#include <sstream>

#include "experiment/quantity.h"

namespace ptcp::exp::detail {

std::string Context::where(const toml::node* n, const std::string& path) const {
  // A value that came from --set (or sits inside one) is reported by that argument.
  for (auto it = overridden_.begin(); it != overridden_.end(); ++it) {
    const std::string& p = it->first;
    if (path == p || (path.size() > p.size() && path.compare(0, p.size(), p) == 0 &&
                      path[p.size()] == '.')) {
      return "--set " + it->second;
    }
  }
  if (n != nullptr && n->source().begin.line > 0) {
    return file_ + ":" + std::to_string(n->source().begin.line) + ":" +
           std::to_string(n->source().begin.column);
  }
  return file_;
}

void Context::fail(const toml::node* n, const std::string& path, const std::string& msg) const {
  throw ExperimentError(where(n, path), path, msg);
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time of day";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

namespace {

std::string fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

template <typename T, typename Parse, typename Format>
T quantity(const Context& c, const toml::node& n, const std::string& path, Parse parse,
           Format format_fn, const char* help) {
  std::optional<T> v;
  if (const auto* s = n.as_string()) {
    v = parse(s->get());
  } else if (const auto* i = n.as_integer()) {
    if (i->get() >= 0) v = static_cast<T>(i->get());
  } else if (const auto* f = n.as_floating_point()) {
    v = parse(fmt(f->get()));
  } else {
    c.fail(&n, path, std::string("expected ") + help + ", got " + type_name(n));
  }
  if (!v) {
    std::ostringstream got;
    if (const auto* s = n.as_string()) got << '"' << s->get() << '"';
    else if (const auto* i = n.as_integer()) got << i->get();
    else if (const auto* f = n.as_floating_point()) got << f->get();
    else got << type_name(n);
    c.fail(&n, path, std::string("expected ") + help + ", got " + got.str());
  }
  (void)format_fn;
  return *v;
}

}  // namespace

TimeNs node_time(const Context& c, const toml::node& n, const std::string& path) {
  return quantity<TimeNs>(c, n, path, parse_time, format_time, kTimeHelp);
}
BitsPerSec node_rate(const Context& c, const toml::node& n, const std::string& path) {
  return quantity<BitsPerSec>(c, n, path, parse_rate, format_rate, kRateHelp);
}
std::uint64_t node_bytes(const Context& c, const toml::node& n, const std::string& path) {
  return quantity<std::uint64_t>(c, n, path, parse_bytes, format_bytes, kBytesHelp);
}

Section::Section(const Context& c, const toml::table* t, std::string path)
    : ctx_(&c), t_(t), path_(std::move(path)) {}

std::string Section::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool Section::has(std::string_view key) const { return t_ != nullptr && t_->get(key) != nullptr; }

const toml::node* Section::raw(std::string_view key) {
  known_.emplace(key);
  return t_ == nullptr ? nullptr : t_->get(key);
}

void Section::fail(std::string_view key, const std::string& msg) const {
  const toml::node* n = t_ == nullptr ? nullptr : t_->get(key);
  ctx_->fail(n != nullptr ? n : t_, key_path(key), msg);
}

void Section::fail_here(const std::string& msg) const { ctx_->fail(t_, path_, msg); }

std::string Section::str(std::string_view key, const std::string& def) {
  const toml::node* n = raw(key);
  if (n == nullptr) return def;
  if (const auto* s = n->as_string()) return s->get();
  ctx_->fail(n, key_path(key), "expected a string, got " + type_name(*n));
}

std::string Section::required_str(std::string_view key, const std::string& expected) {
  if (!has(key)) {
    ctx_->fail(t_, key_path(key), "missing; expected " + expected);
  }
  return str(key, "");
}

std::string Section::choice(std::string_view key, const std::string& def,
                            const std::vector<std::string>& allowed) {
  const std::string v = str(key, def);
  std::string list;
  for (const std::string& a : allowed) {
    if (a == v) return v;
    list += (list.empty() ? "" : ", ") + ("\"" + a + "\"");
  }
  fail(key, "expected one of " + list + ", got \"" + v + "\"");
}

bool Section::boolean(std::string_view key, bool def) {
  const toml::node* n = raw(key);
  if (n == nullptr) return def;
  if (const auto* b = n->as_boolean()) return b->get();
  ctx_->fail(n, key_path(key), "expected true or false, got " + type_name(*n));
}

std::uint64_t Section::uint(std::string_view key, std::uint64_t def, std::uint64_t min,
                            std::uint64_t max) {
  const toml::node* n = raw(key);
  if (n == nullptr) return def;
  const auto* i = n->as_integer();
  if (i == nullptr) ctx_->fail(n, key_path(key), "expected an integer, got " + type_name(*n));
  const std::int64_t v = i->get();
  if (v < 0 || static_cast<std::uint64_t>(v) < min || static_cast<std::uint64_t>(v) > max) {
    ctx_->fail(n, key_path(key),
               "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                   "], got " + std::to_string(v));
  }
  return static_cast<std::uint64_t>(v);
}

double Section::number(std::string_view key, double def, double min, double max) {
  const toml::node* n = raw(key);
  if (n == nullptr) return def;
  double v = 0;
  if (const auto* i = n->as_integer()) v = static_cast<double>(i->get());
  else if (const auto* f = n->as_floating_point()) v = f->get();
  else ctx_->fail(n, key_path(key), "expected a number, got " + type_name(*n));
  if (!(v >= min && v <= max)) {
    ctx_->fail(n, key_path(key),
               "expected a number in [" + fmt(min) + ", " + fmt(max) + "], got " + fmt(v));
  }
  return v;
}

TimeNs Section::time(std::string_view key, TimeNs def, TimeNs min, TimeNs max) {
  const toml::node* n = raw(key);
  if (n == nullptr) return def;
  const TimeNs v = node_time(*ctx_, *n, key_path(key));
  if (v < min || v > max) {
    ctx_->fail(n, key_path(key), "expected a time in [" + format_time(min) + ", " +
                                     format_time(max) + "], got " + format_time(v));
  }
  return v;
}

BitsPerSec Section::rate(std::string_view key, BitsPerSec def, BitsPerSec min, BitsPerSec max) {
  const toml::node* n = raw(key);
  if (n == nullptr) return def;
  const BitsPerSec v = node_rate(*ctx_, *n, key_path(key));
  if (v < min || v > max) {
    ctx_->fail(n, key_path(key), "expected a rate in [" + format_rate(min) + ", " +
                                     format_rate(max) + "], got " + format_rate(v));
  }
  return v;
}

std::uint64_t Section::bytes(std::string_view key, std::uint64_t def, std::uint64_t min,
                             std::uint64_t max) {
  const toml::node* n = raw(key);
  if (n == nullptr) return def;
  const std::uint64_t v = node_bytes(*ctx_, *n, key_path(key));
  if (v < min || v > max) {
    ctx_->fail(n, key_path(key), "expected a size in [" + std::to_string(min) + ", " +
                                     std::to_string(max) + "] bytes, got " + std::to_string(v));
  }
  return v;
}

std::vector<std::string> Section::str_list(std::string_view key) {
  const toml::node* n = raw(key);
  std::vector<std::string> out;
  if (n == nullptr) return out;
  const auto* a = n->as_array();
  if (a == nullptr) ctx_->fail(n, key_path(key), "expected an array of strings, got " + type_name(*n));
  for (std::size_t i = 0; i < a->size(); ++i) {
    const toml::node& el = *a->get(i);
    const auto* s = el.as_string();
    if (s == nullptr) {
      ctx_->fail(&el, key_path(key) + "." + std::to_string(i),
                 "expected a string, got " + type_name(el));
    }
    out.push_back(s->get());
  }
  return out;
}

void Section::done(const std::string& hint) {
  if (t_ == nullptr) return;
  for (auto&& [k, v] : *t_) {
    if (known_.count(k.str()) != 0) continue;
    std::string list;
    for (const std::string& kk : known_) list += (list.empty() ? "" : ", ") + kk;
    ctx_->fail(&v, key_path(k.str()),
               "unknown key" + (hint.empty() ? "" : " " + hint) + " (known here: " + list + ")");
  }
}

}  // namespace ptcp::exp::detail
