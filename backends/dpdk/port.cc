#include "backends/dpdk/port.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include <cstring>

#include "backends/dpdk/eal.h"
#include "wire/format.h"

namespace ptcp::dpdk {
namespace {
std::string port_name(std::uint16_t port) {
  char name[RTE_ETH_NAME_MAX_LEN] = {};
  if (rte_eth_dev_get_name_by_port(port, name) != 0) return "port" + std::to_string(port);
  return name;
}
[[noreturn]] void fail(std::uint16_t port, const char* step, int rc) {
  throw DpdkError("port " + std::to_string(port) + " (" + port_name(port) + "): " + step +
                  " failed: " + std::strerror(rc < 0 ? -rc : rc));
}
}  // namespace

PortInfo setup_port(std::uint16_t port, rte_mempool* pool, const PortOptions& opt) {
  if (!rte_eth_dev_is_valid_port(port)) {
    throw DpdkError("port " + std::to_string(port) + ": no such port");
  }
  PortInfo info;
  info.id = port;
  info.name = port_name(port);
  rte_eth_dev_info dev{};
  if (int rc = rte_eth_dev_info_get(port, &dev); rc != 0) fail(port, "rte_eth_dev_info_get", rc);
  info.driver = dev.driver_name != nullptr ? dev.driver_name : "";

  rte_eth_conf conf{};
  if ((dev.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) != 0) {
    conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
    info.rx_ipv4_cksum = true;
  }
  info.tx_ipv4_cksum = (dev.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
  if (int rc = rte_eth_dev_configure(port, opt.queues, opt.queues, &conf); rc != 0) {
    fail(port, "rte_eth_dev_configure", rc);
  }
  std::uint16_t rxd = opt.rx_desc, txd = opt.tx_desc;
  if (int rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd); rc != 0) {
    fail(port, "rte_eth_dev_adjust_nb_rx_tx_desc", rc);
  }
  info.rx_desc = rxd;
  info.tx_desc = txd;
  const int socket = rte_eth_dev_socket_id(port);
  const unsigned sock = socket < 0 ? static_cast<unsigned>(rte_socket_id()) : static_cast<unsigned>(socket);
  rte_eth_rxconf rxconf = dev.default_rxconf;
  rxconf.offloads = conf.rxmode.offloads;
  for (std::uint16_t q = 0; q < opt.queues; ++q) {
    if (int rc = rte_eth_rx_queue_setup(port, q, rxd, sock, &rxconf, pool); rc != 0) {
      fail(port, "rte_eth_rx_queue_setup", rc);
    }
  }
  rte_eth_txconf txconf = dev.default_txconf;
  txconf.offloads = conf.txmode.offloads;
  for (std::uint16_t q = 0; q < opt.queues; ++q) {
    if (int rc = rte_eth_tx_queue_setup(port, q, txd, sock, &txconf); rc != 0) {
      fail(port, "rte_eth_tx_queue_setup", rc);
    }
  }
  // MTU: virtual devices often refuse it (and do not need it); a real NIC must take it.
  if (opt.mtu != 0 && opt.mtu <= dev.max_mtu) {
    info.mtu_set = rte_eth_dev_set_mtu(port, static_cast<std::uint16_t>(opt.mtu)) == 0;
  }
  if (int rc = rte_eth_dev_start(port); rc != 0) fail(port, "rte_eth_dev_start", rc);
  if (opt.promiscuous) rte_eth_promiscuous_enable(port);  // unsupported on some vdevs: fine
  return info;
}

void close_port(std::uint16_t port) {
  if (!rte_eth_dev_is_valid_port(port)) return;
  rte_eth_dev_stop(port);
  rte_eth_dev_close(port);
}

bool wait_link_up(std::uint16_t port, int timeout_ms) {
  for (int waited = 0;; waited += 10) {
    rte_eth_link link{};
    if (rte_eth_link_get_nowait(port, &link) == 0 && link.link_status == RTE_ETH_LINK_UP) {
      return true;
    }
    if (waited >= timeout_ms) return false;
    rte_delay_ms(10);
  }
}

PortStats read_port_stats(std::uint16_t port) {
  rte_eth_stats s{};
  PortStats out;
  if (rte_eth_stats_get(port, &s) != 0) return out;
  out.ipackets = s.ipackets;
  out.opackets = s.opackets;
  out.ibytes = s.ibytes;
  out.obytes = s.obytes;
  out.imissed = s.imissed;
  out.ierrors = s.ierrors;
  out.oerrors = s.oerrors;
  out.rx_nombuf = s.rx_nombuf;
  return out;
}

PortStats read_queue_stats(std::uint16_t port, std::uint16_t queue) {
  rte_eth_stats s{};
  PortStats out;
  if (queue >= RTE_ETHDEV_QUEUE_STAT_CNTRS || rte_eth_stats_get(port, &s) != 0) return out;
  out.ipackets = s.q_ipackets[queue];
  out.opackets = s.q_opackets[queue];
  out.ibytes = s.q_ibytes[queue];
  out.obytes = s.q_obytes[queue];
  out.ierrors = s.q_errors[queue];
  return out;
}

int find_port(const std::string& name) {
  std::uint16_t id = 0;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &id) != 0) return -1;
  return id;
}

}  // namespace ptcp::dpdk
