// The backend's own pcap: Ethernet link type, nanosecond timestamps, frames byte for byte.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "model/pcap-writer.h"
#include "wire/format.h"

namespace ptcp::ns3sim {
namespace {

std::uint32_t u32(const std::vector<std::uint8_t>& b, std::size_t at) {
  std::uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}

TEST(PcapWriter, WritesEthernetNanosecondRecords) {
  const std::string path = ::testing::TempDir() + "/ptcp_pcap_writer_test.pcap";
  std::vector<std::uint8_t> frame(200);
  wire::Segment seg;
  seg.flow_id = 7;
  seg.payload_len = 42;
  wire::FrameAddr addr;
  addr.src_mac = wire::node_mac(1);
  addr.dst_mac = wire::node_mac(2);
  addr.src_ip = wire::node_ip(1);
  addr.dst_ip = wire::node_ip(2);
  std::vector<std::uint8_t> payload(42, 0xab);
  const std::size_t n = wire::write_frame(frame, addr, seg, wire::kEcnEct0, payload);
  ASSERT_GT(n, 0u);
  {
    PcapWriter w(path);
    w.Write(1'500'000'123, std::span<const std::uint8_t>(frame.data(), n), static_cast<std::uint32_t>(n));
    w.Write(2'000'000'000, std::span<const std::uint8_t>(frame.data(), 60), 60);
    EXPECT_EQ(w.Frames(), 2u);
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> b((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(b.size(), 24 + 16 + n + 16 + 60);
  EXPECT_EQ(u32(b, 0), kPcapMagicNs);
  EXPECT_EQ(u32(b, 20), 1u);  // LINKTYPE_ETHERNET
  EXPECT_EQ(u32(b, 24), 1u);  // seconds
  EXPECT_EQ(u32(b, 28), 500'000'123u);
  EXPECT_EQ(u32(b, 32), n);
  EXPECT_EQ(u32(b, 36), n);
  wire::ParsedFrame pf;
  ASSERT_EQ(wire::parse_frame(std::span<const std::uint8_t>(b.data() + 40, n), pf), wire::ParseStatus::kOk);
  EXPECT_EQ(pf.seg.flow_id, 7u);
  EXPECT_EQ(pf.seg.payload_len, 42u);
  EXPECT_EQ(u32(b, 40 + n), 2u);
  std::remove(path.c_str());
}

TEST(PcapWriter, UnwritablePathNamesTheFile) {
  try {
    PcapWriter w("/nonexistent-dir/x.pcap");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.pcap"), std::string::npos);
  }
}

}  // namespace
}  // namespace ptcp::ns3sim
