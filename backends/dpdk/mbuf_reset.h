// Readying a raw mbuf (from rte_mempool_get/_bulk) for transmission without touching its second
// cache line. rte_pktmbuf_reset also stores `next` and `tx_offload` there, but a raw mbuf from
// the pool already has next == NULL, nb_segs == 1 and refcnt 1 (rte_mbuf_raw_alloc's contract;
// rte_pktmbuf_free restores them), and tx_offload is read only under TX offload flags, which
// ol_flags clears. On a ring pair the line was last touched by the lcore that freed the mbuf,
// so writing it costs a cache-line transfer per frame for nothing.
#pragma once

#include <rte_mbuf.h>

namespace ptcp::dpdk {

inline void reset_for_tx(rte_mbuf* m) {
  m->pkt_len = 0;
  m->vlan_tci = 0;
  m->vlan_tci_outer = 0;
  m->nb_segs = 1;
  m->port = RTE_MBUF_PORT_INVALID;
  m->ol_flags &= RTE_MBUF_F_EXTERNAL;
  m->packet_type = 0;
  rte_pktmbuf_reset_headroom(m);
  m->data_len = 0;
}

}  // namespace ptcp::dpdk
