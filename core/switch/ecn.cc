#include "switch/ecn.h"

namespace ptcp::sw {

EcnThresholds paper_ecn_thresholds(BitsPerSec rate) {
  // 25G: 100/400 KB; 100G: 400/1600 KB; i.e. 4 KB of Kmin per Gb/s.
  const double gb = static_cast<double>(rate) / 1e9;
  return EcnThresholds{static_cast<std::uint64_t>(4000.0 * gb),
                       static_cast<std::uint64_t>(16000.0 * gb), 0.2};
}

double ecn_probability(const EcnThresholds& t, std::uint64_t queue_bytes) {
  if (queue_bytes <= t.kmin_bytes) return 0.0;
  if (queue_bytes > t.kmax_bytes) return 1.0;
  // kmin < q <= kmax, so kmax > kmin here.
  return t.pmax * static_cast<double>(queue_bytes - t.kmin_bytes) /
         static_cast<double>(t.kmax_bytes - t.kmin_bytes);
}

bool EcnMarker::should_mark(const EcnThresholds& t, std::uint64_t queue_bytes) {
  const double p = ecn_probability(t, queue_bytes);
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return uniform() < p;
}

double EcnMarker::uniform() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

}  // namespace ptcp::sw
