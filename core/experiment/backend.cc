#include "experiment/backend.h"

namespace ptcp::exp {

BackendTable& BackendTable::global() {
  static BackendTable t;
  return t;
}

void BackendTable::add(Backend b) {
  for (Backend& x : backends_) {
    if (x.name == b.name) {
      x = std::move(b);
      return;
    }
  }
  backends_.push_back(std::move(b));
}

const Backend* BackendTable::find(std::string_view name) const {
  for (const Backend& b : backends_) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

}  // namespace ptcp::exp
