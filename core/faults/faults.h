// Seeded, deterministic link faults: random loss, loss bursts (Gilbert-Elliott), reordering,
// duplication, corruption and link down/up windows. Pure core: a backend's link asks the
// injector, frame by frame with its own `now`, what happens to the frame it is putting on the
// wire, and carries out the verdict (drop it, delay it, deliver a second copy, flip a byte).
//
// The same spec and seed give the same verdicts in every backend: the random stream is our own
// (splitmix64), not a std:: distribution whose output differs between standard libraries, and
// every knob draws once per frame whether it is on or not, so turning one knob does not shift
// the others' streams.
//
// Corruption flips one byte inside the region the transport checksum covers (transport header
// and payload; not the INT region, which switches rewrite in flight), so the receiver must catch
// it and drop the frame: what a real link's FCS would do, one layer up. Frames that have no such
// region (PFC PAUSE, runts) are never corrupted.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/units.h"

namespace ptcp::faults {

// The link is down (every frame sent in it is lost) from `from` until `until`.
struct DownWindow {
  TimeNs from = 0;
  TimeNs until = kNever;
  friend bool operator==(const DownWindow&, const DownWindow&) = default;
};

struct FaultSpec {
  double loss = 0;            // independent loss probability per frame (good state)
  // Gilbert-Elliott bursts: each frame in the good state starts a burst with probability
  // burst_start; a burst lasts burst_length frames on average (geometric), and each frame in it
  // is lost with probability burst_loss.
  double burst_start = 0;
  double burst_length = 0;    // mean frames per burst (>= 1 when burst_start > 0)
  double burst_loss = 1.0;
  double reorder = 0;         // probability a frame is held back so later frames overtake it
  TimeNs reorder_delay = 0;   // how long it is held back; 0: 4 serialization times
  double duplicate = 0;       // probability a second copy follows the frame
  double corrupt = 0;         // probability one byte the transport checksum covers is flipped
  std::vector<DownWindow> down;

  bool active() const;  // any knob on
  friend bool operator==(const FaultSpec&, const FaultSpec&) = default;
};

enum class Drop : std::uint8_t { kNone, kRandom, kBurst, kLinkDown };

struct Verdict {
  Drop drop = Drop::kNone;
  TimeNs extra_delay = 0;          // add to the frame's arrival time (reordering)
  bool duplicate = false;          // deliver a second, unaltered copy right after the frame
  std::uint32_t corrupt_offset = 0;
  std::uint8_t corrupt_xor = 0;    // 0: not corrupted; else frame[corrupt_offset] ^= corrupt_xor
  bool delivered() const { return drop == Drop::kNone; }
  bool corrupted() const { return corrupt_xor != 0; }
};

struct FaultCounters {
  std::uint64_t frames = 0;          // frames judged
  std::uint64_t lost_random = 0;
  std::uint64_t lost_burst = 0;
  std::uint64_t lost_down = 0;
  std::uint64_t bursts = 0;          // good -> bad transitions
  std::uint64_t reordered = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t lost() const { return lost_random + lost_burst + lost_down; }
  // Sums the counters of several links (a run's totals).
  FaultCounters& operator+=(const FaultCounters& c) {
    frames += c.frames;
    lost_random += c.lost_random;
    lost_burst += c.lost_burst;
    lost_down += c.lost_down;
    bursts += c.bursts;
    reordered += c.reordered;
    duplicated += c.duplicated;
    corrupted += c.corrupted;
    return *this;
  }
};

class Injector {
 public:
  // Throws std::invalid_argument for a probability outside [0, 1], a burst_length below 1
  // with bursts on, a negative delay or a window that ends before it starts.
  Injector(FaultSpec spec, std::uint64_t seed);

  // The fate of `frame`, put on the link at `now`; `tx_ns` is its serialization time (the
  // default reordering delay is a few of them). Never modifies the frame: apply() does.
  Verdict judge(TimeNs now, std::span<const std::uint8_t> frame, TimeNs tx_ns);
  // Carries out a verdict's corruption on the copy that will be delivered.
  static void apply(const Verdict& v, std::span<std::uint8_t> frame);

  bool link_up(TimeNs now) const;
  // The next time the link's state changes after `now` (kNever if never).
  TimeNs next_change(TimeNs now) const;
  const FaultSpec& spec() const { return spec_; }
  const FaultCounters& counters() const { return counters_; }

 private:
  double uniform();
  std::uint64_t next();

  FaultSpec spec_;
  std::uint64_t state_;
  bool in_burst_ = false;
  FaultCounters counters_;
};

// A per-link seed from the run's seed and a link (direction) id, so links draw independently.
std::uint64_t link_seed(std::uint64_t run_seed, std::uint64_t link_id);

// The bytes the transport checksum covers in `frame`: the transport header and the payload
// (the INT region between them is not covered). bytes() == 0 when the frame has none (not a
// transport frame, or too short). Bounds-checked on arbitrary bytes.
struct Region {
  std::size_t header = 0;        // offset of the transport header
  std::size_t header_len = 0;    // 0 or wire::kTransportLen
  std::size_t payload = 0;       // offset of the payload
  std::size_t payload_len = 0;   // clamped to the frame
  std::size_t bytes() const { return header_len + payload_len; }
  // The frame offset of the i-th covered byte (i < bytes()).
  std::size_t offset(std::size_t i) const { return i < header_len ? header + i : payload + (i - header_len); }
};
Region checksummed_region(std::span<const std::uint8_t> frame);

}  // namespace ptcp::faults
