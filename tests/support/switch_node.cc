#include "support/switch_node.h"

#include <algorithm>
#include <cstring>

namespace ptcp::test {

void SwitchNode::receive(TimeNs now, std::size_t port, std::span<const std::uint8_t> frame) {
  sw::Handle h;
  if (!free_.empty()) {
    h = free_.back();
    free_.pop_back();
  } else {
    h = buffers_.size();
    buffers_.emplace_back();
  }
  std::vector<std::uint8_t>& buf = buffers_[h];
  buf.assign(frame.begin(), frame.end());
  if (sw_.receive(now, static_cast<sw::PortId>(port), buf, h) != sw::RxResult::kEnqueued) {
    free_.push_back(h);
  }
}

std::size_t SwitchNode::transmit(TimeNs now, std::size_t port, std::span<std::uint8_t> out) {
  const auto p = static_cast<sw::PortId>(port);
  if (const std::size_t n = sw_.next_pfc_frame(p, now, out); n > 0) return n;
  const auto d = sw_.dequeue(p, now);
  if (!d) return 0;
  const std::vector<std::uint8_t>& buf = buffers_[d->handle];
  const std::size_t n = std::min<std::size_t>(d->len, out.size());
  std::memcpy(out.data(), buf.data(), n);
  free_.push_back(d->handle);
  return n;
}

TimeNs SwitchNode::next_wakeup() const {
  TimeNs t = kNever;
  for (std::size_t p = 0; p < sw_.port_count(); ++p) {
    TimeNs ready = sw_.next_departure(static_cast<sw::PortId>(p));
    if (ready == kNever) continue;
    if (net_ != nullptr) ready = std::max(ready, net_->channel(self_, p).busy_until());
    t = std::min(t, ready);
  }
  return t;
}

}  // namespace ptcp::test
