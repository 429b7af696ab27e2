// A pcap file of whole Ethernet frames (LINKTYPE_ETHERNET = 1, nanosecond timestamps), written
// by the backend itself: ns-3's point-to-point pcap would show PPP framing, not our frames.
// Frames are stored as the core wrote them (no preamble, no FCS).
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "common/units.h"

namespace ptcp::ns3sim {

inline constexpr std::uint32_t kPcapMagicNs = 0xa1b23c4d;  // nanosecond-resolution pcap
inline constexpr std::uint32_t kLinkTypeEthernet = 1;

class PcapWriter {
 public:
  // Opens (truncates) `path`; throws std::runtime_error naming the file on failure.
  explicit PcapWriter(const std::string& path, std::uint32_t snaplen = 65535);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  // Records a frame seen at `now` (ns since the simulation start). `orig_len` is the frame's
  // full length when `bytes` holds only its first part.
  void Write(TimeNs now, std::span<const std::uint8_t> bytes, std::uint32_t orig_len);
  void Flush();
  std::uint64_t Frames() const { return frames_; }
  const std::string& Path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::uint32_t snaplen_;
  std::uint64_t frames_ = 0;
};

}  // namespace ptcp::ns3sim
