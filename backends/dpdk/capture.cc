#include "backends/dpdk/capture.h"

#include <fcntl.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_mempool.h>
#include <rte_pcapng.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "backends/dpdk/eal.h"

namespace ptcp::dpdk {

PcapngCapture::PcapngCapture(const std::string& path, const std::string& comment) {
  static std::atomic<unsigned> serial{0};
  const std::string name = "ptcp_cap" + std::to_string(serial++);
  pool_ = rte_pktmbuf_pool_create(name.c_str(), 1023, 0, 0,
                                  static_cast<std::uint16_t>(rte_pcapng_mbuf_size(2048)), SOCKET_ID_ANY);
  if (pool_ == nullptr) throw DpdkError("pcapng " + path + ": capture pool: " + rte_strerror(rte_errno));
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd_ < 0) {
    rte_mempool_free(pool_);
    throw DpdkError("pcapng " + path + ": " + std::strerror(errno));
  }
  w_ = rte_pcapng_fdopen(fd_, nullptr, nullptr, "powertcp", comment.c_str());
  if (w_ == nullptr) {
    ::close(fd_);
    rte_mempool_free(pool_);
    throw DpdkError("pcapng " + path + ": rte_pcapng_fdopen failed");
  }
}

PcapngCapture::~PcapngCapture() {
  rte_pcapng_close(w_);  // closes the file descriptor too
  rte_mempool_free(pool_);
}

void PcapngCapture::record(std::uint16_t port, std::uint16_t queue, rte_mbuf* const* pkts, unsigned n) {
  std::array<rte_mbuf*, 64> copies;
  unsigned c = 0;
  const std::uint64_t tsc = rte_rdtsc();
  for (unsigned i = 0; i < n; ++i) {
    rte_mbuf* m = rte_pcapng_copy(port, queue, pkts[i], pool_, UINT32_MAX, tsc, RTE_PCAPNG_DIRECTION_OUT);
    if (m == nullptr) {
      ++failed_;
      continue;
    }
    copies[c++] = m;
    if (c == copies.size()) {
      rte_pcapng_write_packets(w_, copies.data(), static_cast<std::uint16_t>(c));  // frees them
      written_ += c;
      c = 0;
    }
  }
  if (c > 0) {
    rte_pcapng_write_packets(w_, copies.data(), static_cast<std::uint16_t>(c));
    written_ += c;
  }
}

}  // namespace ptcp::dpdk
