// sw::Switch's receive path: a 4-port switch gets arbitrary frames (raw bytes, or well-formed
// frames and PFC PAUSEs with a few bytes flipped) on any port at fuzzer-chosen times, and its
// ports are drained as the clock moves. It must never crash, never lose or double a handle,
// and give back every frame it took once the clock has run far enough.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

#include "frames.h"
#include "fuzz_input.h"
#include "switch/switch.h"
#include "wire/format.h"

using namespace ptcp;

namespace {

constexpr std::size_t kPorts = 4;

struct Harness {
  explicit Harness(fuzz::Input& in) : sw(config(in)) {
    for (std::uint32_t h = 0; h < kPorts; ++h) sw.add_route(wire::node_ip(h), {static_cast<sw::PortId>(h)});
    // Node 4 is reachable two ways (ECMP).
    sw.add_route(wire::node_ip(4), {0, 1});
  }

  static sw::SwitchConfig config(fuzz::Input& in) {
    const std::uint8_t mode = in.u8();
    sw::SwitchConfig c;
    c.node_index = 100;
    c.buffer_bytes = 2000 + (in.u16() % 64) * 1000u;  // small: admission drops happen
    c.dt_alpha = (mode & 1) != 0 ? 1.0 : 0.125;
    c.ecn_enabled = (mode & 2) != 0;
    c.int_enabled = (mode & 4) != 0;
    c.verify_checksums = (mode & 8) != 0;
    c.pfc.enabled = (mode & 16) != 0;
    if (c.pfc.enabled) c.buffer_bytes += 64000;  // PFC headroom for 4 ports, then a shared pool
    c.seed = in.u8();
    const bool paced = (mode & 32) == 0;
    for (std::size_t p = 0; p < kPorts; ++p) {
      c.ports.push_back(sw::PortConfig{gbps(p == 0 ? 10 : 25), sw::EcnThresholds{3000, 12000, 0.5},
                                       1000, paced});
    }
    return c;
  }

  void receive(std::size_t port, std::vector<std::uint8_t> f) {
    const sw::Handle h = frames.size();
    frames.push_back(std::move(f));
    held.push_back(true);
    const sw::RxResult r = sw.receive(now, static_cast<sw::PortId>(port), frames.back(), h);
    if (r != sw::RxResult::kEnqueued) {
      held.back() = false;
      frames.back().clear();  // the caller frees what the switch did not take
    }
  }

  void drain_due() {
    std::vector<std::uint8_t> pfc(wire::kPfcFrameLen);
    for (std::size_t p = 0; p < kPorts; ++p) {
      const auto port = static_cast<sw::PortId>(p);
      for (int guard = 0; guard < 100000 && sw.next_departure(port) <= now; ++guard) {
        if (sw.next_pfc_frame(port, now, pfc) > 0) {
          wire::ParsedFrame pf;
          PTCP_FUZZ_CHECK(wire::parse_frame(pfc, pf) == wire::ParseStatus::kOk);
          PTCP_FUZZ_CHECK(pf.kind == wire::FrameKind::kPfcPause);
          continue;
        }
        const auto d = sw.dequeue(port, now);
        if (!d) break;
        PTCP_FUZZ_CHECK(d->handle < frames.size() && held[d->handle]);
        PTCP_FUZZ_CHECK(d->len <= frames[d->handle].size());
        PTCP_FUZZ_CHECK(d->done >= now);
        // What leaves is still a frame a receiver accepts (stamped and marked in place).
        wire::ParsedFrame pf;
        const auto st = wire::parse_frame(std::span(frames[d->handle]).first(d->len), pf);
        PTCP_FUZZ_CHECK(st != wire::ParseStatus::kTruncated);
        held[d->handle] = false;
        frames[d->handle].clear();
        ++departed;
      }
    }
  }

  sw::Switch sw;
  TimeNs now = 0;
  std::vector<std::vector<std::uint8_t>> frames;  // handle = index; valid while held
  std::vector<bool> held;
  std::uint64_t departed = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::unique_ptr<Harness> hp;
  try {
    hp = std::make_unique<Harness>(in);
  } catch (const std::invalid_argument&) {
    return 0;  // a configuration the switch refuses, as documented
  }
  Harness& h = *hp;
  for (int step = 0; step < 512 && !in.empty(); ++step) {
    const std::uint8_t op = in.u8();
    const std::size_t port = (op >> 4) % (kPorts + 1);  // kPorts: a port that does not exist
    switch (op % 4) {
      case 0: {  // raw bytes
        const auto b = in.bytes(in.u16() % 1700);
        h.receive(port, std::vector<std::uint8_t>(b.begin(), b.end()));
        break;
      }
      case 1: {  // a well-formed frame, maybe damaged
        auto f = fuzz::make_frame(in, 6);
        fuzz::mutate(in, f);
        h.receive(port, std::move(f));
        break;
      }
      case 2: {
        auto f = fuzz::make_pause(in, 6);
        fuzz::mutate(in, f);
        h.receive(port, std::move(f));
        break;
      }
      case 3:
        h.now += static_cast<TimeNs>(in.u16()) * 10;
        h.drain_due();
        break;
    }
  }
  // Let the clock run from event to event (a PFC frame occupies the link before the next
  // packet, so fixed steps would starve the queue): everything taken comes back.
  const TimeNs stop_at = h.now + 1000 * kNsPerMs;
  for (int events = 0; events < 1000000 && h.now < stop_at; ++events) {
    TimeNs next = kNever;
    for (std::size_t p = 0; p < kPorts; ++p) next = std::min(next, h.sw.next_departure(static_cast<sw::PortId>(p)));
    if (next == kNever) break;
    h.now = std::max(h.now, next);
    h.drain_due();
  }
  std::uint64_t still = 0;
  for (const bool b : h.held) still += b;
  if (still != 0) {  // what a reproducer shows before the check fires
    for (std::size_t p = 0; p < kPorts; ++p) {
      const auto port = static_cast<sw::PortId>(p);
      std::fprintf(stderr, "port %zu: queued %llu bytes, next departure %lld (now %lld), egress paused %d, "
                       "ingress paused %d\n",
                       p, static_cast<unsigned long long>(h.sw.queue_bytes(port)),
                       static_cast<long long>(h.sw.next_departure(port)), static_cast<long long>(h.now),
                       h.sw.egress_paused(port, h.now), h.sw.ingress_paused(port));
    }
  }
  PTCP_FUZZ_CHECK(still == 0);
  PTCP_FUZZ_CHECK(h.sw.buffer_used() == 0);
  std::uint64_t enq = 0, deq = 0;
  for (std::size_t p = 0; p < kPorts; ++p) {
    enq += h.sw.port_counters(static_cast<sw::PortId>(p)).enqueued;
    deq += h.sw.port_counters(static_cast<sw::PortId>(p)).dequeued;
    PTCP_FUZZ_CHECK(h.sw.queue_bytes(static_cast<sw::PortId>(p)) == 0);
  }
  PTCP_FUZZ_CHECK(enq == deq && deq == h.departed);
  return 0;
}
