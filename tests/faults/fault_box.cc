#include "fault_box.h"

#include <algorithm>

#include "wire/format.h"

namespace ptcp::test {
namespace {

bool later(const auto& a, const auto& b) {
  return a.release != b.release ? a.release > b.release : a.order > b.order;
}

}  // namespace

FaultBox::FaultBox(std::optional<faults::Injector> a_to_b, std::optional<faults::Injector> b_to_a,
                   BitsPerSec rate)
    : injector_{std::move(a_to_b), std::move(b_to_a)}, rate_(rate) {}

void FaultBox::hold(std::size_t out_port, TimeNs release, std::span<const std::uint8_t> frame,
                    const faults::Verdict* corrupt) {
  Held h{release, order_++, std::vector<std::uint8_t>(frame.begin(), frame.end())};
  if (corrupt != nullptr) faults::Injector::apply(*corrupt, h.bytes);
  auto& q = queue_[out_port];
  q.push_back(std::move(h));
  std::push_heap(q.begin(), q.end(), [](const Held& x, const Held& y) { return later(x, y); });
}

void FaultBox::receive(TimeNs now, std::size_t port, std::span<const std::uint8_t> frame) {
  const std::size_t out = 1 - port;
  if (!injector_[port]) {
    hold(out, now, frame, nullptr);
    return;
  }
  const TimeNs tx = serialization_ns(wire::wire_bytes(frame.size()), rate_);
  const faults::Verdict v = injector_[port]->judge(now, frame, tx);
  if (!v.delivered()) return;
  hold(out, now + v.extra_delay, frame, &v);
  if (v.duplicate) hold(out, now + v.extra_delay, frame, nullptr);
}

std::size_t FaultBox::transmit(TimeNs now, std::size_t port, std::span<std::uint8_t> out) {
  auto& q = queue_[port];
  if (q.empty() || q.front().release > now) return 0;
  std::pop_heap(q.begin(), q.end(), [](const Held& x, const Held& y) { return later(x, y); });
  const Held h = std::move(q.back());
  q.pop_back();
  std::copy(h.bytes.begin(), h.bytes.end(), out.begin());
  return h.bytes.size();
}

TimeNs FaultBox::next_wakeup() const {
  TimeNs t = kNever;
  for (std::size_t p = 0; p < 2; ++p) {
    if (queue_[p].empty()) continue;
    const TimeNs busy = net_ != nullptr ? net_->channel(self_, p).busy_until() : 0;
    t = std::min(t, std::max(queue_[p].front().release, busy));
  }
  return t;
}

faults::FaultCounters FaultBox::counters(std::size_t port) const {
  return injector_[port] ? injector_[port]->counters() : faults::FaultCounters{};
}

}  // namespace ptcp::test
