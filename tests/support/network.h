// A tiny discrete-event network for tests: nodes with ports, joined by links, driven by a loop
// over `now` that jumps from event to event. Each link direction is a Channel: one frame on the
// wire at a time (serialization = wire::wire_bytes(len) * 8 / rate), then a propagation delay,
// with seeded fault injection (loss, reordering, duplication, byte corruption). No INT, no ECN:
// a switch node (later) is one more Node with several ports.
//
// Nodes pull: a node's port is asked for a frame (transmit()) only when its channel is free and
// the node's next_wakeup() has come, which is exactly how a NIC drives transport::Host.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "common/units.h"

namespace ptcp::test {

class Node {
 public:
  virtual ~Node() = default;
  virtual std::size_t num_ports() const = 0;
  virtual void receive(TimeNs now, std::size_t port, std::span<const std::uint8_t> frame) = 0;
  // The link of `port` is free: write the frame to send now into `out`, or return 0.
  virtual std::size_t transmit(TimeNs now, std::size_t port, std::span<std::uint8_t> out) = 0;
  // Earliest time any port wants transmit() again (kNever when idle).
  virtual TimeNs next_wakeup() const = 0;
};

struct Faults {
  double loss = 0;       // probability a frame never arrives
  double reorder = 0;    // probability a frame is held back so later frames overtake it
  double duplicate = 0;  // probability a second copy arrives right after the first
  double corrupt = 0;    // probability one byte is flipped
  TimeNs reorder_delay = 0;  // extra delay of a held-back frame; 0: 4 serialization times
};

struct LinkSpec {
  BitsPerSec rate = gbps(10);
  TimeNs delay = kNsPerUs;  // propagation
  Faults faults{};
};

struct ChannelStats {
  std::uint64_t sent = 0, delivered = 0, lost = 0, reordered = 0, duplicated = 0, corrupted = 0;
  std::uint64_t bytes_sent = 0;
};

// One direction of a link: from (src node, port) to (dst node, port).
class Channel {
 public:
  static constexpr std::size_t kMaxFrame = 16384;  // jumbo frames included

  Channel(LinkSpec spec, std::size_t dst_node, std::size_t dst_port, std::uint64_t seed);

  bool busy(TimeNs now) const { return now < busy_until_; }
  TimeNs busy_until() const { return busy_until_; }
  TimeNs next_arrival() const { return in_flight_.empty() ? kNever : in_flight_.front().arrival; }
  // Puts a frame on the wire at `now` (the channel must be free).
  void send(TimeNs now, std::span<const std::uint8_t> frame);
  // Removes the earliest arrival; its bytes stay valid until the next call to send().
  std::span<const std::uint8_t> pop_arrival();

  std::size_t dst_node() const { return dst_node_; }
  std::size_t dst_port() const { return dst_port_; }
  const LinkSpec& spec() const { return spec_; }
  const ChannelStats& stats() const { return stats_; }
  void set_faults(const Faults& f) { spec_.faults = f; }

 private:
  struct InFlight {
    TimeNs arrival;
    std::uint64_t order;  // ties keep sending order
    std::uint32_t buf;    // index into buffers_
    std::uint32_t len;
  };
  void enqueue(TimeNs arrival, std::span<const std::uint8_t> frame, bool corrupt);
  std::uint32_t take_buffer();

  LinkSpec spec_;
  std::size_t dst_node_, dst_port_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  TimeNs busy_until_ = 0;
  std::uint64_t order_ = 0;
  std::vector<InFlight> in_flight_;  // a min-heap on (arrival, order)
  std::vector<std::vector<std::uint8_t>> buffers_;  // reused frame storage
  std::vector<std::uint32_t> free_buffers_;
  std::uint32_t last_popped_ = ~std::uint32_t{0};
  ChannelStats stats_;
};

class Network {
 public:
  explicit Network(std::uint64_t seed = 1) : seed_(seed) {}

  std::size_t add_node(std::unique_ptr<Node> node);
  Node& node(std::size_t i) { return *nodes_[i]; }
  std::size_t num_nodes() const { return nodes_.size(); }

  // A full-duplex link; `ab` is the direction from a to b.
  void connect(std::size_t a, std::size_t a_port, std::size_t b, std::size_t b_port,
               const LinkSpec& ab, const LinkSpec& ba);
  const Channel& channel(std::size_t node, std::size_t port) const;
  Channel& channel(std::size_t node, std::size_t port);

  // Runs events until `until`, until stop() says so (checked after each event time), or until
  // nothing is left to do. Returns the time reached. Throws std::runtime_error if a node keeps
  // asking for service at the same instant without doing anything (a livelock bug).
  TimeNs run(TimeNs until, const std::function<bool()>& stop = {});
  TimeNs now() const { return now_; }

  // Test hooks: every frame put on a channel, and every frame delivered to a node.
  std::function<void(TimeNs, std::size_t node, std::size_t port, std::span<const std::uint8_t>)>
      on_departure;
  std::function<void(TimeNs, std::size_t node, std::size_t port, std::span<const std::uint8_t>)>
      on_arrival;

 private:
  struct Port {
    std::unique_ptr<Channel> out;  // null if unconnected
  };
  std::uint64_t seed_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::vector<Port>> ports_;
  std::vector<std::uint8_t> scratch_ = std::vector<std::uint8_t>(Channel::kMaxFrame);
  TimeNs now_ = 0;
};

}  // namespace ptcp::test
