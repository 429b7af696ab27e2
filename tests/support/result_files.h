// Reading a results folder from a test: CSV files as rows of named columns, meta.json, pcapng
// packet counts, and the per-phase figures the cross-validation tests compare (mean queue,
// per-flow goodput). Shared by the DPDK and the cross-validation tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/command_run.h"

namespace ptcp::testing {

using Row = std::map<std::string, std::string>;

inline std::vector<Row> read_csv(const fs::path& p) {
  std::istringstream in(slurp(p));
  std::string line;
  std::vector<std::string> head;
  std::vector<Row> rows;
  if (!std::getline(in, line)) return rows;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) head.push_back(c);
  while (std::getline(in, line)) {
    std::stringstream ls(line);
    Row r;
    std::size_t i = 0;
    for (std::string c; std::getline(ls, c, ',') && i < head.size(); ++i) r[head[i]] = c;
    rows.push_back(std::move(r));
  }
  return rows;
}

inline nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(slurp(p)); }
inline nlohmann::json read_meta(const fs::path& dir) { return read_json(dir / "meta.json"); }

inline double num(const Row& r, const std::string& k) { return std::stod(r.at(k)); }

// Mean qlen of `port` over samples in [t0, t1] (ns).
inline double mean_queue(const std::vector<Row>& queue, const std::string& port, double t0, double t1) {
  double s = 0;
  int n = 0;
  for (const auto& r : queue) {
    const double t = num(r, "time_ns");
    if (r.at("port") == port && t >= t0 && t <= t1) {
      s += num(r, "qlen_bytes");
      ++n;
    }
  }
  return n > 0 ? s / n : 0;
}

// Cumulative acked bytes of `flow` at the latest sample at or before t (0 before its first).
inline double acked_at(const std::vector<Row>& flows, int flow, double t) {
  double v = 0;
  for (const auto& r : flows) {
    if (std::stoi(r.at("flow_id")) == flow && num(r, "time_ns") <= t) v = num(r, "acked_bytes");
  }
  return v;
}

// Goodput of `flow` over [t0, t1], bit/s.
inline double goodput(const std::vector<Row>& flows, int flow, double t0, double t1) {
  return (acked_at(flows, flow, t1) - acked_at(flows, flow, t0)) * 8 / ((t1 - t0) * 1e-9);
}

// pcapng blocks: 4-byte type, 4-byte total length (host order as written), body.
inline std::size_t count_packet_blocks(const std::string& bytes) {
  std::size_t n = 0;
  for (std::size_t off = 0; off + 12 <= bytes.size();) {
    std::uint32_t type = 0, len = 0;
    std::memcpy(&type, bytes.data() + off, 4);
    std::memcpy(&len, bytes.data() + off + 4, 4);
    if (len < 12 || off + len > bytes.size()) break;
    if (type == 6) ++n;  // Enhanced Packet Block
    off += len;
  }
  return n;
}

}  // namespace ptcp::testing
