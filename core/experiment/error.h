// The one error type for bad experiment input. It names the place (file:line:column, or the
// --set argument that introduced the value), the key path and what was expected.
#pragma once

#include <stdexcept>
#include <string>

namespace ptcp::exp {

class ExperimentError : public std::runtime_error {
 public:
  ExperimentError(std::string where, std::string key, std::string message)
      : std::runtime_error(where + ": " + (key.empty() ? "" : key + ": ") + message),
        where_(std::move(where)),
        key_(std::move(key)),
        message_(std::move(message)) {}
  const std::string& where() const { return where_; }
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }

 private:
  std::string where_, key_, message_;
};

}  // namespace ptcp::exp
