#include "model/pcap-writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ptcp::ns3sim {

namespace {
// pcap is written in the writer's native byte order (readers detect it from the magic).
template <typename T>
void put(std::FILE* f, T v) {
  std::fwrite(&v, sizeof v, 1, f);
}
}  // namespace

PcapWriter::PcapWriter(const std::string& path, std::uint32_t snaplen)
    : path_(path), snaplen_(snaplen) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    throw std::runtime_error(path + ": cannot open pcap file for writing: " +
                             std::strerror(errno));
  }
  put<std::uint32_t>(file_, kPcapMagicNs);
  put<std::uint16_t>(file_, 2);  // version 2.4
  put<std::uint16_t>(file_, 4);
  put<std::int32_t>(file_, 0);   // thiszone
  put<std::uint32_t>(file_, 0);  // sigfigs
  put<std::uint32_t>(file_, snaplen_);
  put<std::uint32_t>(file_, kLinkTypeEthernet);
}

PcapWriter::~PcapWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void PcapWriter::Write(TimeNs now, std::span<const std::uint8_t> bytes, std::uint32_t orig_len) {
  const auto caplen = static_cast<std::uint32_t>(std::min<std::size_t>(bytes.size(), snaplen_));
  const TimeNs t = now < 0 ? 0 : now;
  put<std::uint32_t>(file_, static_cast<std::uint32_t>(t / kNsPerSec));
  put<std::uint32_t>(file_, static_cast<std::uint32_t>(t % kNsPerSec));
  put<std::uint32_t>(file_, caplen);
  put<std::uint32_t>(file_, std::max(orig_len, caplen));
  std::fwrite(bytes.data(), 1, caplen, file_);
  ++frames_;
}

void PcapWriter::Flush() { std::fflush(file_); }

}  // namespace ptcp::ns3sim
