// What a run produces, in memory. Backends fill it in run units (the scaled experiment's clock
// and rates); the writer converts to the experiment's own units and adds the derived columns
// (fct_ns, ideal_fct_ns, slowdown), so every backend's files have the same meaning.
// docs/results.md describes the files and columns.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/units.h"

namespace ptcp::exp {

inline constexpr int kResultsSchemaVersion = 1;

// A finished flow: first byte sent to last byte acknowledged, at the sender.
struct FctRow {
  std::uint32_t flow_id = 0;
  std::uint32_t src = 0, dst = 0;  // host indices
  std::uint64_t size_bytes = 0;
  TimeNs start_ns = 0;
  TimeNs end_ns = 0;
  std::uint64_t retransmits = 0;
};

struct QueueRow {   // queue.csv: traced ports
  TimeNs time_ns = 0;
  std::uint32_t port = 0;  // global port id (Topology::port(), written by name)
  std::uint64_t qlen_bytes = 0;
};

struct BufferRow {  // buffer.csv: every switch
  TimeNs time_ns = 0;
  std::uint32_t node = 0;  // node index of the switch
  std::uint64_t used_bytes = 0;
};

struct FlowRow {    // flows.csv: traced flows
  TimeNs time_ns = 0;
  std::uint32_t flow_id = 0;
  double cwnd_bytes = 0;
  double rate_bps = 0;
  TimeNs rtt_ns = 0;
  std::uint64_t acked_bytes = 0;  // cumulative bytes delivered
};

struct LinkRow {    // links.csv: traced ports
  TimeNs time_ns = 0;
  std::uint32_t port = 0;
  std::uint64_t tx_bytes = 0;  // cumulative
};

// Counter names every backend reports (more may be added; absent ones are written as 0).
namespace counter {
inline constexpr const char* kDrops = "drops";                  // switch buffer drops
inline constexpr const char* kPauses = "pauses";                // PFC PAUSE frames sent
inline constexpr const char* kRetransmits = "retransmits";      // data packets sent again
inline constexpr const char* kTimeouts = "timeouts";            // RTO expiries
inline constexpr const char* kMalformed = "malformed";          // frames rejected by parse_frame
inline constexpr const char* kEcnMarks = "ecn_marks";
inline constexpr const char* kPayloadErrors = "payload_errors";  // must stay 0
inline constexpr const char* kFlowsTotal = "flows_total";
inline constexpr const char* kFlowsFinished = "flows_finished";
}  // namespace counter

struct Results {
  std::vector<FctRow> fct;
  std::vector<QueueRow> queue;
  std::vector<BufferRow> buffer;
  std::vector<FlowRow> flows;
  std::vector<LinkRow> links;
  std::map<std::string, std::uint64_t> counters;
  std::map<std::string, std::string> info;  // backend versions, device names, notes
  TimeNs end_ns = 0;  // the run's last simulated / measured instant
};

// Times divided by s, rates multiplied by s (bytes unchanged): run units -> experiment units.
Results unscale_results(Results r, double s);

}  // namespace ptcp::exp
