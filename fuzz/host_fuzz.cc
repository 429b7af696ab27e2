// transport::Host's receive path: a host sending two flows and receiving gets arbitrary frames
// (raw bytes, or well-formed ACK/NACK/CNP/DATA/probes/PAUSE for its flows with a few bytes
// flipped) while the clock moves and its NIC pulls frames. It must never crash, and every frame
// it writes must be one a receiver accepts.
#include <cstdint>
#include <vector>

#include "cc/registry.h"
#include "frames.h"
#include "fuzz_input.h"
#include "transport/host.h"
#include "wire/format.h"

using namespace ptcp;

namespace {

const char* const kAlgorithms[] = {"dctcp", "powertcp", "theta-powertcp", "hpcc", "dcqcn", "timely"};

transport::HostConfig config(fuzz::Input& in) {
  const std::uint8_t mode = in.u8();
  transport::HostConfig c;
  c.node_index = 1;
  c.link_rate = gbps(25);
  c.payload_bytes = 1000;
  c.ack_every = 1 + (mode & 3);
  c.rto = 20 * kNsPerUs;
  c.rto_max = 200 * kNsPerUs;
  c.base_rtt = 10 * kNsPerUs;
  c.cnp_interval = (mode & 4) != 0 ? 5 * kNsPerUs : 0;
  c.control_queue_capacity = 4 + (mode >> 4);
  const cc::Algorithm* a = nullptr;
  for (std::size_t i = 0; a == nullptr && i < std::size(kAlgorithms); ++i) {
    a = cc::Registry::global().find(kAlgorithms[(in.u8() + i) % std::size(kAlgorithms)]);
  }
  if (a == nullptr) a = cc::Registry::global().all().front();
  c.algorithm = a;
  c.int_enabled = a->needs_int;
  cc::ParamValues p;
  if (cc::resolve_params(*a, {}, p)) __builtin_trap();
  c.cc_params = p;
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  transport::Host host(config(in));
  TimeNs now = 0;
  // Flow ids 0..7 are what make_frame() uses: two of ours are live senders.
  host.start_flow(now, {1, 0, 20000});
  host.start_flow(now, {2, 2, 3000});
  std::vector<std::uint8_t> out(host.max_frame_len());
  for (int step = 0; step < 512 && !in.empty(); ++step) {
    const std::uint8_t op = in.u8();
    switch (op % 4) {
      case 0: {
        const auto b = in.bytes(in.u16() % 1700);
        host.on_frame(now, b);
        break;
      }
      case 1: {
        auto f = fuzz::make_frame(in, 4);
        fuzz::mutate(in, f);
        host.on_frame(now, f);
        break;
      }
      case 2: {
        auto f = fuzz::make_pause(in, 4);
        fuzz::mutate(in, f);
        host.on_frame(now, f);
        break;
      }
      case 3: {
        now += static_cast<TimeNs>(in.u16()) * 10;
        for (int k = 0; k < 64; ++k) {
          const std::size_t n = host.next_frame(now, out);
          if (n == 0) break;
          PTCP_FUZZ_CHECK(n <= out.size());
          wire::ParsedFrame p;
          PTCP_FUZZ_CHECK(wire::parse_frame(std::span(out).first(n), p) == wire::ParseStatus::kOk);
          PTCP_FUZZ_CHECK(p.src_ip == wire::node_ip(1));
          now += serialization_ns(wire::wire_bytes(n), gbps(25));
        }
        PTCP_FUZZ_CHECK(host.next_wakeup() >= 0);
        break;
      }
    }
  }
  const transport::HostCounters& c = host.counters();
  std::uint64_t by_status = 0;
  for (const std::uint64_t v : c.malformed_by_status) by_status += v;
  PTCP_FUZZ_CHECK(by_status == c.malformed);
  return 0;
}
