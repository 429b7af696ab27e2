#include "faults/faults.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "wire/format.h"

namespace ptcp::faults {

namespace {

void check_probability(double p, const char* name) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(std::string("faults: ") + name + " must be a probability in [0, 1]");
  }
}

}  // namespace

bool FaultSpec::active() const {
  return loss > 0 || burst_start > 0 || reorder > 0 || duplicate > 0 || corrupt > 0 ||
         !down.empty();
}

Injector::Injector(FaultSpec spec, std::uint64_t seed) : spec_(std::move(spec)), state_(seed) {
  check_probability(spec_.loss, "loss");
  check_probability(spec_.burst_start, "burst_start");
  check_probability(spec_.burst_loss, "burst_loss");
  check_probability(spec_.reorder, "reorder");
  check_probability(spec_.duplicate, "duplicate");
  check_probability(spec_.corrupt, "corrupt");
  if (spec_.burst_start > 0 && !(spec_.burst_length >= 1.0)) {
    throw std::invalid_argument("faults: burst_length must be >= 1 frame when bursts are on");
  }
  if (spec_.reorder_delay < 0) throw std::invalid_argument("faults: reorder_delay must be >= 0");
  for (const DownWindow& w : spec_.down) {
    if (w.from < 0 || w.until <= w.from) {
      throw std::invalid_argument("faults: a down window must end after it starts");
    }
  }
  std::sort(spec_.down.begin(), spec_.down.end(),
            [](const DownWindow& a, const DownWindow& b) { return a.from < b.from; });
}

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same numbers everywhere.
std::uint64_t Injector::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Injector::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;  // [0, 1) with 53 random bits
}

bool Injector::link_up(TimeNs now) const {
  return std::none_of(spec_.down.begin(), spec_.down.end(),
                      [&](const DownWindow& w) { return now >= w.from && now < w.until; });
}

TimeNs Injector::next_change(TimeNs now) const {
  TimeNs t = kNever;
  for (const DownWindow& w : spec_.down) {
    if (w.from > now) t = std::min(t, w.from);
    if (w.until > now) t = std::min(t, w.until);
  }
  return t;
}

Verdict Injector::judge(TimeNs now, std::span<const std::uint8_t> frame, TimeNs tx_ns) {
  ++counters_.frames;
  // Every draw happens for every frame (see the header): the streams stay aligned.
  const double u_loss = uniform();
  const double u_state = uniform();
  const double u_burst = uniform();
  const double u_reorder = uniform();
  const double u_dup = uniform();
  const double u_corrupt = uniform();
  const std::uint64_t r_pos = next();
  const std::uint64_t r_mask = next();

  // Gilbert-Elliott state for this frame.
  if (!in_burst_) {
    if (u_state < spec_.burst_start) {
      in_burst_ = true;
      ++counters_.bursts;
    }
  } else if (u_state < 1.0 / spec_.burst_length) {
    in_burst_ = false;
  }

  Verdict v;
  if (!link_up(now)) {
    v.drop = Drop::kLinkDown;
    ++counters_.lost_down;
    return v;
  }
  if (in_burst_ && u_burst < spec_.burst_loss) {
    v.drop = Drop::kBurst;
    ++counters_.lost_burst;
    return v;
  }
  if (u_loss < spec_.loss) {
    v.drop = Drop::kRandom;
    ++counters_.lost_random;
    return v;
  }
  if (u_reorder < spec_.reorder) {
    v.extra_delay = spec_.reorder_delay > 0 ? spec_.reorder_delay : 4 * std::max<TimeNs>(tx_ns, 1);
    ++counters_.reordered;
  }
  if (u_dup < spec_.duplicate) {
    v.duplicate = true;
    ++counters_.duplicated;
  }
  if (u_corrupt < spec_.corrupt) {
    const Region r = checksummed_region(frame);
    if (r.bytes() > 0) {
      v.corrupt_offset = static_cast<std::uint32_t>(r.offset(static_cast<std::size_t>(r_pos % r.bytes())));
      v.corrupt_xor = static_cast<std::uint8_t>(1 + r_mask % 255);  // never 0: a real change
      ++counters_.corrupted;
    }
  }
  return v;
}

void Injector::apply(const Verdict& v, std::span<std::uint8_t> frame) {
  if (v.corrupt_xor != 0 && v.corrupt_offset < frame.size()) frame[v.corrupt_offset] ^= v.corrupt_xor;
}

std::uint64_t link_seed(std::uint64_t run_seed, std::uint64_t link_id) {
  // Mix both through one splitmix step each so nearby ids give unrelated streams.
  std::uint64_t z = run_seed * 0x9e3779b97f4a7c15ULL + (link_id + 1) * 0xd1b54a32d192ed03ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Region checksummed_region(std::span<const std::uint8_t> frame) {
  Region r;
  if (frame.size() < wire::kIntOffset) return r;
  const auto ether = static_cast<std::uint16_t>((frame[12] << 8) | frame[13]);
  if (ether != wire::kEtherTypeIpv4) return r;
  r.header = wire::kTransportOffset;
  r.header_len = wire::kTransportLen;
  const bool has_int = (frame[wire::kTransportOffset + 2] & wire::flags::kHasInt) != 0;
  const std::size_t declared =
      static_cast<std::size_t>((frame[wire::kTransportOffset + 32] << 8) | frame[wire::kTransportOffset + 33]);
  r.payload = wire::header_len(has_int);
  if (r.payload < frame.size()) r.payload_len = std::min(declared, frame.size() - r.payload);
  return r;
}

}  // namespace ptcp::faults
