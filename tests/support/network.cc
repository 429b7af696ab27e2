#include "support/network.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "wire/format.h"

namespace ptcp::test {
namespace {

bool later(const auto& a, const auto& b) {
  return a.arrival != b.arrival ? a.arrival > b.arrival : a.order > b.order;
}

}  // namespace

Channel::Channel(LinkSpec spec, std::size_t dst_node, std::size_t dst_port, std::uint64_t seed)
    : spec_(spec), dst_node_(dst_node), dst_port_(dst_port), rng_(seed) {
  if (spec_.rate == 0) throw std::invalid_argument("test::Channel: rate must be > 0");
}

std::uint32_t Channel::take_buffer() {
  if (!free_buffers_.empty()) {
    const std::uint32_t b = free_buffers_.back();
    free_buffers_.pop_back();
    return b;
  }
  // A new buffer: size everything that tracks buffers now, so reuse never allocates.
  buffers_.emplace_back().reserve(kMaxFrame);
  free_buffers_.reserve(buffers_.size());
  in_flight_.reserve(buffers_.size());
  return static_cast<std::uint32_t>(buffers_.size() - 1);
}

void Channel::enqueue(TimeNs arrival, std::span<const std::uint8_t> frame, bool corrupt) {
  const std::uint32_t b = take_buffer();
  buffers_[b].assign(frame.begin(), frame.end());
  if (corrupt && !frame.empty()) {
    std::uniform_int_distribution<std::size_t> pos(0, frame.size() - 1);
    std::uniform_int_distribution<int> bits(1, 255);
    buffers_[b][pos(rng_)] ^= static_cast<std::uint8_t>(bits(rng_));
  }
  in_flight_.push_back({arrival, order_++, b, static_cast<std::uint32_t>(frame.size())});
  std::push_heap(in_flight_.begin(), in_flight_.end(),
                 [](const InFlight& x, const InFlight& y) { return later(x, y); });
}

void Channel::send(TimeNs now, std::span<const std::uint8_t> frame) {
  const TimeNs ser = serialization_ns(wire::wire_bytes(frame.size()), spec_.rate);
  busy_until_ = now + ser;
  ++stats_.sent;
  stats_.bytes_sent += frame.size();
  const Faults& f = spec_.faults;
  // Draw every fault for every frame so one knob does not shift the others' random streams.
  const bool lose = uniform_(rng_) < f.loss;
  const bool reorder = uniform_(rng_) < f.reorder;
  const bool dup = uniform_(rng_) < f.duplicate;
  const bool corrupt = uniform_(rng_) < f.corrupt;
  if (lose) {
    ++stats_.lost;
    return;
  }
  TimeNs arrival = busy_until_ + spec_.delay;
  if (reorder) {
    ++stats_.reordered;
    arrival += f.reorder_delay > 0 ? f.reorder_delay : 4 * ser;
  }
  if (corrupt) ++stats_.corrupted;
  enqueue(arrival, frame, corrupt);
  if (dup) {
    ++stats_.duplicated;
    enqueue(arrival + ser, frame, false);
  }
}

std::span<const std::uint8_t> Channel::pop_arrival() {
  if (last_popped_ != ~std::uint32_t{0}) free_buffers_.push_back(last_popped_);
  std::pop_heap(in_flight_.begin(), in_flight_.end(),
                [](const InFlight& x, const InFlight& y) { return later(x, y); });
  const InFlight f = in_flight_.back();
  in_flight_.pop_back();
  last_popped_ = f.buf;
  ++stats_.delivered;
  return {buffers_[f.buf].data(), f.len};
}

std::size_t Network::add_node(std::unique_ptr<Node> node) {
  ports_.emplace_back(node->num_ports());
  nodes_.push_back(std::move(node));
  return nodes_.size() - 1;
}

void Network::connect(std::size_t a, std::size_t a_port, std::size_t b, std::size_t b_port,
                      const LinkSpec& ab, const LinkSpec& ba) {
  if (a >= nodes_.size() || b >= nodes_.size() || a_port >= ports_[a].size() ||
      b_port >= ports_[b].size()) {
    throw std::invalid_argument("test::Network::connect: no such node or port");
  }
  if (ports_[a][a_port].out || ports_[b][b_port].out) {
    throw std::invalid_argument("test::Network::connect: port already connected");
  }
  const std::uint64_t salt = 0x9e3779b97f4a7c15ull * (2 * (a * 64 + a_port) + 1);
  ports_[a][a_port].out = std::make_unique<Channel>(ab, b, b_port, seed_ ^ salt);
  const std::uint64_t salt2 = 0x9e3779b97f4a7c15ull * (2 * (b * 64 + b_port) + 1);
  ports_[b][b_port].out = std::make_unique<Channel>(ba, a, a_port, seed_ ^ salt2);
}

const Channel& Network::channel(std::size_t node, std::size_t port) const {
  return *ports_.at(node).at(port).out;
}

Channel& Network::channel(std::size_t node, std::size_t port) {
  return *ports_.at(node).at(port).out;
}

TimeNs Network::run(TimeNs until, const std::function<bool()>& stop) {
  std::uint64_t idle_rounds_at_same_time = 0;
  TimeNs last_t = -1;
  for (;;) {
    // The next event: an arrival, or a node that wants service on a free port.
    TimeNs t = kNever;
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      const TimeNs wake = nodes_[n]->next_wakeup();
      for (const Port& p : ports_[n]) {
        if (!p.out) continue;
        t = std::min(t, p.out->next_arrival());
        if (wake != kNever) t = std::min(t, std::max(wake, p.out->busy_until()));
      }
    }
    if (t == kNever || t > until) {
      if (t != kNever) now_ = until;
      return now_;
    }
    now_ = std::max(now_, t);
    if (now_ == last_t) {
      if (++idle_rounds_at_same_time > 1'000'000) {
        throw std::runtime_error("test::Network::run: no progress at t=" + std::to_string(now_));
      }
    } else {
      idle_rounds_at_same_time = 0;
      last_t = now_;
    }

    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      for (Port& p : ports_[n]) {
        if (!p.out) continue;
        while (p.out->next_arrival() <= now_) {
          const std::span<const std::uint8_t> frame = p.out->pop_arrival();
          if (on_arrival) on_arrival(now_, p.out->dst_node(), p.out->dst_port(), frame);
          nodes_[p.out->dst_node()]->receive(now_, p.out->dst_port(), frame);
        }
      }
    }
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      for (std::size_t port = 0; port < ports_[n].size(); ++port) {
        Channel* ch = ports_[n][port].out.get();
        if (ch == nullptr || ch->busy(now_) || nodes_[n]->next_wakeup() > now_) continue;
        const std::size_t len = nodes_[n]->transmit(now_, port, scratch_);
        if (len == 0) continue;
        const std::span<const std::uint8_t> frame{scratch_.data(), len};
        if (on_departure) on_departure(now_, n, port, frame);
        ch->send(now_, frame);
      }
    }
    if (stop && stop()) return now_;
  }
}

}  // namespace ptcp::test
