// Writes the seed corpora into fuzz/corpus/<target>/ (checked in; rerun after a wire-format
// change): every packet type with and without INT (0..5 hops), PFC PAUSE, and for the stateful
// targets a few deterministic op sequences. Usage: fuzz_make_seeds <fuzz/corpus dir>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "wire/format.h"

using namespace ptcp;

namespace {

void write(const std::filesystem::path& dir, const std::string& name, const std::vector<std::uint8_t>& b) {
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

std::vector<std::uint8_t> frame(wire::PacketType t, int hops, std::uint16_t payload, std::uint8_t ecn) {
  wire::FrameAddr a{wire::node_mac(0), wire::node_mac(1), wire::node_ip(0), wire::node_ip(1),
                    wire::flow_src_port(3), wire::kUdpPort};
  wire::Segment s;
  s.type = t;
  s.flow_id = 3;
  s.seq = 5000;
  s.ack = t == wire::PacketType::kData ? 0 : 6000;
  s.ts_ns = 77777;
  s.payload_len = t == wire::PacketType::kData ? payload : 0;
  if (hops >= 0) {
    s.flags |= wire::flags::kHasInt;
    s.int_stack.n_hops = static_cast<std::uint8_t>(hops);
    for (int h = 0; h < hops; ++h) {
      s.int_stack.hops[static_cast<std::size_t>(h)] = {1000u * static_cast<std::uint32_t>(h), 123456, 99, 25000};
    }
  }
  if (t == wire::PacketType::kData && payload > 0) s.flags |= wire::flags::kLast;
  std::vector<std::uint8_t> body(s.payload_len);
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<std::uint8_t>(i);
  std::vector<std::uint8_t> f(wire::frame_len(hops >= 0, s.payload_len));
  wire::write_frame(f, a, s, ecn, body);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <fuzz/corpus dir>\n", argv[0]);
    return 2;
  }
  const std::filesystem::path root(argv[1]);
  int n = 0;
  for (int t = 1; t <= wire::kMaxPacketType; ++t) {
    const auto type = static_cast<wire::PacketType>(t);
    const int max_hops = wire::may_carry_int(type) ? static_cast<int>(wire::kMaxIntHops) : -1;
    for (int hops = -1; hops <= max_hops; ++hops) {
      for (const std::uint16_t payload : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{1000}}) {
        if (type != wire::PacketType::kData && payload != 0) continue;
        const std::string name = "type" + std::to_string(t) + "_int" + std::to_string(hops) + "_p" + std::to_string(payload);
        write(root / "wire_parse", name, frame(type, hops, payload, wire::kEcnEct0));
        ++n;
      }
    }
  }
  std::vector<std::uint8_t> pause(wire::kPfcFrameLen);
  wire::PfcPause p;
  p.class_enable = 1;
  p.quanta[0] = 0xffff;
  wire::write_pfc_pause(pause, wire::node_mac(2), p);
  write(root / "wire_parse", "pfc_pause", pause);
  ++n;
  // Recipes (0xA5 + bytes) and op sequences for the stateful targets.
  std::mt19937_64 rng(20221);
  for (int i = 0; i < 16; ++i) {
    std::vector<std::uint8_t> r{0xA5};
    for (int k = 0; k < 48; ++k) r.push_back(static_cast<std::uint8_t>(rng()));
    write(root / "wire_parse", "recipe" + std::to_string(i), r);
    ++n;
    for (const char* target : {"switch", "host"}) {
      std::vector<std::uint8_t> ops;
      for (int k = 0; k < 400; ++k) ops.push_back(static_cast<std::uint8_t>(rng()));
      // Mostly well-formed frames (op % 4 == 1) and clock steps (op % 4 == 3).
      for (std::size_t k = 4; k < ops.size(); k += 40) ops[k] = static_cast<std::uint8_t>((ops[k] & 0xf0) | (k % 80 == 4 ? 1 : 3));
      write(root / target, "ops" + std::to_string(i), ops);
      n += 1;
    }
  }
  std::printf("wrote %d seeds under %s\n", n, root.c_str());
  return 0;
}
