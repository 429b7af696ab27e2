// transport::Host as a one-port Node of the test network: the NIC that moves its frames.
#pragma once

#include "support/network.h"
#include "transport/host.h"

namespace ptcp::test {

class HostNode final : public Node {
 public:
  explicit HostNode(transport::HostConfig cfg) : host_(std::move(cfg)) {}
  transport::Host& host() { return host_; }
  const transport::Host& host() const { return host_; }

  std::size_t num_ports() const override { return 1; }
  void receive(TimeNs now, std::size_t, std::span<const std::uint8_t> frame) override {
    host_.on_frame(now, frame);
  }
  std::size_t transmit(TimeNs now, std::size_t, std::span<std::uint8_t> out) override {
    return host_.next_frame(now, out);
  }
  TimeNs next_wakeup() const override { return host_.next_wakeup(); }

 private:
  transport::Host host_;
};

}  // namespace ptcp::test
