// sw::Switch as a many-port Node of the test network: the same core switch the backends run,
// with frame storage of its own (the network's frame bytes are only valid during receive()).
//
// Network::run() asks a node for one wake-up time for all its ports, so a switch must not
// report a port whose channel is still busy as ready (that would spin at one instant). After
// add_node() + connect(), call attach() so next_wakeup() can take each port's channel into
// account.
#pragma once

#include <cstdint>
#include <vector>

#include "support/network.h"
#include "switch/switch.h"

namespace ptcp::test {

class SwitchNode final : public Node {
 public:
  explicit SwitchNode(sw::SwitchConfig cfg) : sw_(std::move(cfg)) {}
  sw::Switch& sw() { return sw_; }
  const sw::Switch& sw() const { return sw_; }

  void attach(const Network& net, std::size_t self) {
    net_ = &net;
    self_ = self;
  }

  std::size_t num_ports() const override { return sw_.port_count(); }
  void receive(TimeNs now, std::size_t port, std::span<const std::uint8_t> frame) override;
  std::size_t transmit(TimeNs now, std::size_t port, std::span<std::uint8_t> out) override;
  TimeNs next_wakeup() const override;

  std::uint64_t frames_held() const { return buffers_.size() - free_.size(); }

 private:
  sw::Switch sw_;
  const Network* net_ = nullptr;
  std::size_t self_ = 0;
  std::vector<std::vector<std::uint8_t>> buffers_;  // handle = index
  std::vector<sw::Handle> free_;
};

}  // namespace ptcp::test
