// Writes a classic pcap of frames made by the core's own writer (ptcp::wire::write_frame and
// push_int_hop), so test_wireshark.py checks the dissector against the real wire format rather
// than a Python copy of it. The frames and their values are listed in test_wireshark.py.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "wire/format.h"

namespace {

void put32(std::FILE* f, std::uint32_t v) { std::fwrite(&v, 4, 1, f); }  // pcap: host order
void put16(std::FILE* f, std::uint16_t v) { std::fwrite(&v, 2, 1, f); }

void write_record(std::FILE* f, std::uint32_t usec, const std::uint8_t* p, std::size_t n) {
  put32(f, 0);
  put32(f, usec);
  put32(f, static_cast<std::uint32_t>(n));
  put32(f, static_cast<std::uint32_t>(n));
  std::fwrite(p, 1, n, f);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ptcp::wire;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.pcap\n", argv[0]);
    return 2;
  }
  std::FILE* f = std::fopen(argv[1], "wb");
  if (!f) return 1;
  put32(f, 0xa1b2c3d4);
  put16(f, 2);
  put16(f, 4);
  put32(f, 0);
  put32(f, 0);
  put32(f, 65535);
  put32(f, 1);

  FrameAddr addr{node_mac(3), node_mac(0), node_ip(3), node_ip(0), flow_src_port(42), kUdpPort};
  std::vector<std::uint8_t> buf(2048);
  std::uint32_t t = 0;

  // 1: DATA, flow 42, seq 4000, 1000-byte payload, INT with two hops pushed by "switches".
  {
    Segment s;
    s.type = PacketType::kData;
    s.flags = flags::kHasInt;
    s.flow_id = 42;
    s.seq = 4000;
    s.ts_ns = 987654321;
    s.payload_len = 1000;
    std::vector<std::uint8_t> payload(1000);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
    std::size_t n = write_frame(buf, addr, s, kEcnEct0, payload);
    push_int_hop({buf.data(), n}, IntHop{12000, 4294967000u, 1000, 25000});
    push_int_hop({buf.data(), n}, IntHop{0, 5000, 2000, 100000});
    write_record(f, t++, buf.data(), n);
  }
  // 2: ACK, flow 42, seq 4000, ack 5000, ECN echo, a full INT stack plus 2 overflowed hops.
  {
    Segment s;
    s.type = PacketType::kAck;
    s.flags = flags::kHasInt | flags::kEcnEcho;
    s.flow_id = 42;
    s.seq = 4000;
    s.ack = 5000;
    s.ts_ns = 987654321;
    std::size_t n = write_frame(buf, addr, s, kEcnNotEct, {});
    for (std::uint32_t i = 0; i < 7; ++i) {
      push_int_hop({buf.data(), n}, IntHop{i * 1000, i * 10, i * 100, 25000});
    }
    write_record(f, t++, buf.data(), n);
  }
  // 3: NACK, flow 43, ack 123456789012 (a 64-bit value), no INT.
  {
    Segment s;
    s.type = PacketType::kNack;
    s.flow_id = 43;
    s.seq = 7;
    s.ack = 123456789012ull;
    std::size_t n = write_frame(buf, addr, s, kEcnNotEct, {});
    write_record(f, t++, buf.data(), n);
  }
  // 4: a PFC PAUSE frame: not ours, must not confuse the dissector.
  {
    PfcPause p;
    p.class_enable = 0x0008;
    p.quanta[3] = 0xffff;
    std::size_t n = write_pfc_pause(buf, node_mac(5), p);
    write_record(f, t++, buf.data(), n);
  }
  std::fclose(f);
  return 0;
}
