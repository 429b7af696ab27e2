// Optional pcapng capture of the frames a link end puts on its wire (DPDK's rte_pcapng), one
// file per captured port, for Wireshark/tshark. Frames are copied into the capture's own
// pool before the device takes them (a NIC may free a sent mbuf at any time after), with the
// TSC time of the hand-over. A debugging aid: it writes (a system call) every burst.
#pragma once

#include <rte_mbuf.h>

#include <cstdint>
#include <string>

struct rte_pcapng;
struct rte_mempool;

namespace ptcp::dpdk {

class PcapngCapture {
 public:
  // Creates `path` (truncating it). Throws DpdkError.
  explicit PcapngCapture(const std::string& path, const std::string& comment);
  ~PcapngCapture();
  PcapngCapture(const PcapngCapture&) = delete;
  PcapngCapture& operator=(const PcapngCapture&) = delete;

  // Records the first `n` frames of `pkts` as sent on (port, queue).
  void record(std::uint16_t port, std::uint16_t queue, rte_mbuf* const* pkts, unsigned n);
  std::uint64_t written() const { return written_; }
  std::uint64_t failed() const { return failed_; }  // copies the capture pool could not hold

 private:
  rte_pcapng* w_ = nullptr;
  rte_mempool* pool_ = nullptr;
  int fd_ = -1;
  std::uint64_t written_ = 0, failed_ = 0;
};

}  // namespace ptcp::dpdk
