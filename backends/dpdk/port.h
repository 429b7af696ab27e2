// Ethernet port set-up: one RX and one TX queue per port (one lcore drives a node), MTU, and
// checksum offloads only when the device reports them. Works the same for a 25G NIC and for
// the virtual devices of the testbed (net_ring, net_memif, net_af_packet).
#pragma once

#include <cstdint>
#include <string>

struct rte_mempool;

namespace ptcp::dpdk {

struct PortOptions {
  std::uint16_t queues = 1;  // RX and TX queue pairs (a ring-fabric device: one per link end)
  std::uint16_t rx_desc = 1024;
  std::uint16_t tx_desc = 1024;
  std::uint32_t mtu = 1500;  // IP bytes; applied when the device allows setting it
  bool promiscuous = true;   // virtual testbed MACs are ours, not the device's
};

struct PortInfo {
  std::uint16_t id = 0;
  std::string name;    // device name (e.g. net_ring_h0-tor0, 0000:3b:00.0)
  std::string driver;  // driver name (net_ring, net_ice, ...)
  bool rx_ipv4_cksum = false;  // RX IPv4 checksum offload enabled (bad checksums are flagged)
  bool tx_ipv4_cksum = false;  // capability only: the core writes checksums itself
  bool mtu_set = false;        // the device accepted the MTU
  std::uint16_t rx_desc = 0, tx_desc = 0;  // after the driver's adjustment
};

// Configures, sets up queues and starts `port`. Throws DpdkError naming the port and step.
PortInfo setup_port(std::uint16_t port, rte_mempool* pool, const PortOptions& opt);

// Stops and closes `port` (ignores a port already closed).
void close_port(std::uint16_t port);

// Waits up to `timeout_ms` for the link to come up (memif needs its handshake first).
bool wait_link_up(std::uint16_t port, int timeout_ms);

struct PortStats {
  std::uint64_t ipackets = 0, opackets = 0, ibytes = 0, obytes = 0;
  std::uint64_t imissed = 0, ierrors = 0, oerrors = 0, rx_nombuf = 0;
};
PortStats read_port_stats(std::uint16_t port);
// One queue pair's share (devices fill per-queue counters for the first 16 queues).
PortStats read_queue_stats(std::uint16_t port, std::uint16_t queue);

// The port id of the device called `name`, or -1.
int find_port(const std::string& name);

}  // namespace ptcp::dpdk
