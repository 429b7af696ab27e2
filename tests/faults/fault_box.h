// A faulty link for the test network: a two-port node spliced into a link, which applies the
// core's faults::Injector (one per direction) to every frame that crosses it. The channels on
// either side carry no faults of their own, so what happens to a frame is exactly what the
// injector decided: dropped, held back (reordered), followed by a copy, or one byte flipped.
// Store-and-forward adds one serialization time per crossing; the switch and hosts see a
// slightly longer link, nothing else.
//
// Like SwitchNode, call attach() after connect(): next_wakeup() must not report a port whose
// channel is still busy as ready.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "faults/faults.h"
#include "support/network.h"

namespace ptcp::test {

class FaultBox final : public Node {
 public:
  // injector[0] judges frames entering on port 0 (leaving by port 1), injector[1] the other
  // direction; nullopt: that direction has no faults. `rate` is the link's rate (serialization
  // time for the default reordering delay).
  FaultBox(std::optional<faults::Injector> a_to_b, std::optional<faults::Injector> b_to_a,
           BitsPerSec rate);

  void attach(const Network& net, std::size_t self) {
    net_ = &net;
    self_ = self;
  }

  std::size_t num_ports() const override { return 2; }
  void receive(TimeNs now, std::size_t port, std::span<const std::uint8_t> frame) override;
  std::size_t transmit(TimeNs now, std::size_t port, std::span<std::uint8_t> out) override;
  TimeNs next_wakeup() const override;

  // Counters of the injector judging frames that enter on `port` (zeros without faults).
  faults::FaultCounters counters(std::size_t port) const;
  std::uint64_t held() const { return queue_[0].size() + queue_[1].size(); }

 private:
  struct Held {
    TimeNs release;
    std::uint64_t order;
    std::vector<std::uint8_t> bytes;
  };
  void hold(std::size_t out_port, TimeNs release, std::span<const std::uint8_t> frame,
            const faults::Verdict* corrupt);

  std::optional<faults::Injector> injector_[2];
  BitsPerSec rate_;
  const Network* net_ = nullptr;
  std::size_t self_ = 0;
  std::uint64_t order_ = 0;
  std::vector<Held> queue_[2];  // per outgoing port, a min-heap on (release, order)
};

}  // namespace ptcp::test
