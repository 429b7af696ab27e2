#include "model/model_backend.h"

#include <algorithm>
#include <cmath>

#include "cc/cc.h"
#include "cc/params.h"
#include "cc/powertcp.h"
#include "experiment/probe_rtt.h"
#include "model/bottleneck.h"

namespace ptcp::model {

namespace {

TimeNs to_ns(double s) { return static_cast<TimeNs>(std::llround(s * 1e9)); }
double to_s(TimeNs ns) { return static_cast<double>(ns) * 1e-9; }

TimeNs tau_of(const exp::Experiment& e, const std::vector<exp::Flow>& flows) {
  if (e.cc.base_rtt_measured) return exp::computed_measured_base_rtt(e, flows);
  return e.cc.base_rtt;
}

BitsPerSec host_rate(const exp::Experiment& e, std::uint32_t host) {
  return e.topology->port(e.topology->node(host).ports.at(0)).link.rate;
}

}  // namespace

std::string cannot_model(const exp::Experiment& e, const std::vector<exp::Flow>& flows) {
  if (!law_for(e.cc.algorithm)) {
    return "the fluid model knows powertcp, theta-powertcp and hpcc, not " + e.cc.algorithm;
  }
  Bottleneck bn;
  return reduce_to_bottleneck(e, flows, bn);
}

ModelConfig model_config(const exp::Experiment& e, const std::vector<exp::Flow>& flows) {
  const std::string why = cannot_model(e, flows);
  if (!why.empty()) throw exp::BackendError(e.file + ": " + why);
  Bottleneck bn;
  reduce_to_bottleneck(e, flows, bn);
  const cc::ParamValues& p = e.cc.params;
  const TimeNs tau_ns = tau_of(e, flows);
  const double tau = to_s(tau_ns);
  const double pkt = static_cast<double>(data_wire_bytes(e));
  const double wire_per_payload = pkt / static_cast<double>(e.transport.payload_bytes);

  ModelConfig c;
  c.law = *law_for(e.cc.algorithm);
  c.b = bytes_per_sec(e.topology->port(bn.port).link.rate);
  c.tau = tau;
  c.gamma = cc::param_or(p, "gamma", cc::kPowerGammaDefault);
  c.eta = cc::param_or(p, "eta", 0.95);
  c.min_window = pkt;
  c.min_norm = cc::kPowerMinNorm;
  c.feedback = Feedback::kFifo;
  if (c.law == Law::kPowerTcp) {
    const auto interval = cc::param_opt(p, "update_interval");
    // 0 means every ACK in the implementation; the fluid law needs an interval: tau.
    c.update_interval = interval && *interval > 0 ? to_s(static_cast<TimeNs>(*interval)) : tau;
  } else {
    c.update_interval = tau;  // theta-PowerTCP and HPCC commit once per RTT
  }
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const exp::Flow& f = flows[i];
    FlowSpec s;
    s.start = to_s(f.start);
    s.stop = f.stop == kNever ? kInf : to_s(f.stop);
    s.size = f.size_bytes == 0 ? kInf : static_cast<double>(f.size_bytes) * wire_per_payload;
    s.base_rtt = to_s(bn.flow_rtt[i]);
    s.host_rate = bytes_per_sec(host_rate(e, f.src));
    cc::FlowContext ctx;
    ctx.host_rate = host_rate(e, f.src);
    ctx.base_rtt = tau_ns;
    ctx.mss = e.transport.payload_bytes;
    ctx.packet_bytes = static_cast<std::uint32_t>(pkt);
    if (c.law == Law::kHpcc) {
      s.beta = cc::param_opt(p, "w_ai").value_or(cc::param_or(p, "ai_rate", 50e6) / 8.0 * tau);
    } else {
      s.beta = cc::power_beta_bytes(ctx, p);
    }
    c.flows.push_back(s);
  }
  return c;
}

void run_model(const exp::RunInput& in, const exp::RunOptions& opt, exp::Results& out) {
  const exp::Experiment& e = in.scaled;
  const std::vector<exp::Flow>& flows = in.flows;
  const ModelConfig config = model_config(e, flows);
  Bottleneck bn;
  reduce_to_bottleneck(e, flows, bn);
  FluidModel m(config);
  const exp::Topology& topo = *e.topology;
  const double payload_per_wire =
      static_cast<double>(e.transport.payload_bytes) / static_cast<double>(data_wire_bytes(e));

  std::vector<std::uint32_t> qports{bn.port};
  if (e.run.trace_ports.all) {
    for (std::uint32_t p = 0; p < topo.ports().size(); ++p) qports.push_back(p);
  } else {
    qports.insert(qports.end(), e.run.trace_ports.ids.begin(), e.run.trace_ports.ids.end());
  }
  std::sort(qports.begin(), qports.end());
  qports.erase(std::unique(qports.begin(), qports.end()), qports.end());
  std::vector<std::uint32_t> traced;
  if (e.run.trace_flows.all) {
    for (std::uint32_t i = 0; i < flows.size(); ++i) traced.push_back(i);
  } else {
    for (const std::uint32_t id : e.run.trace_flows.ids) {
      if (id < flows.size()) traced.push_back(id);
    }
  }

  const TimeNs end = e.run.duration;
  const TimeNs hard_end = end + e.run.drain_limit;
  const TimeNs qi = std::max<TimeNs>(e.run.queue_interval, 1);
  const TimeNs fi = std::max<TimeNs>(e.run.flow_interval, 1);
  const TimeNs li = std::max<TimeNs>(e.run.link_interval, 1);
  TimeNs next_q = 0, next_f = 0, next_l = 0, next_progress = 0;
  double tx = 0;  // bottleneck departures (wire bytes)
  std::vector<bool> reported(flows.size(), false);
  std::vector<TimeNs> finished_at(flows.size(), kNever);
  std::uint64_t done = 0;
  std::uint64_t sized = 0;
  for (const auto& f : flows) sized += f.size_bytes > 0 && f.stop == kNever ? 1 : 0;

  auto unfinished = [&] { return done < sized; };
  TimeNs now = 0;
  while (now < end || (now < hard_end && unfinished())) {
    if (opt.stop_requested != nullptr && opt.stop_requested->load()) {
      throw exp::BackendError("interrupted");
    }
    const double q_before = m.queue();
    const double in_rate = m.arrival_rate();
    m.step_once();
    // Departures over the step: the line rate while a queue is present, else the arrivals.
    tx += (q_before > 0 || m.queue() > 0) ? config.b * m.step() : std::min(in_rate, config.b) * m.step();
    now = to_ns(m.time());
    for (std::size_t i = 0; i < flows.size(); ++i) {
      const double ft = m.finish_time(i);
      if (!reported[i] && !std::isnan(ft)) {
        reported[i] = true;
        finished_at[i] = to_ns(ft);
        ++done;
        exp::FctRow r;
        r.flow_id = flows[i].id;
        r.src = flows[i].src;
        r.dst = flows[i].dst;
        r.size_bytes = flows[i].size_bytes;
        r.start_ns = flows[i].start;
        r.end_ns = to_ns(ft);
        out.fct.push_back(r);
      }
    }
    while (next_q <= now) {
      const auto q = static_cast<std::uint64_t>(std::llround(m.queue()));
      for (const std::uint32_t p : qports) out.queue.push_back({next_q, p, p == bn.port ? q : 0});
      for (std::uint32_t n = topo.host_count(); n < topo.nodes().size(); ++n) {
        out.buffer.push_back({next_q, n, n == bn.node ? q : 0});
      }
      next_q += qi;
    }
    while (next_l <= now) {
      out.links.push_back({next_l, bn.port, static_cast<std::uint64_t>(std::llround(tx))});
      next_l += li;
    }
    while (next_f <= now) {
      for (const std::uint32_t i : traced) {
        const exp::Flow& f = flows[i];
        if (next_f < f.start) continue;
        const bool ended = (f.stop != kNever && next_f > f.stop) ||
                           (finished_at[i] != kNever && next_f > finished_at[i] + fi);
        if (ended) continue;
        exp::FlowRow r;
        r.time_ns = next_f;
        r.flow_id = f.id;
        r.cwnd_bytes = m.window(i);
        r.rate_bps = m.window(i) / config.tau * 8.0;
        r.rtt_ns = to_ns(m.rtt(i));
        r.acked_bytes = static_cast<std::uint64_t>(std::llround(m.acked(i) * payload_per_wire));
        if (f.size_bytes > 0) r.acked_bytes = std::min(r.acked_bytes, f.size_bytes);
        out.flows.push_back(r);
      }
      next_f += fi;
    }
    if (opt.progress && now >= next_progress) {
      opt.progress(exp::Progress{now, hard_end, done, flows.size()});
      next_progress = now + std::max<TimeNs>(end / 100, 1);
    }
  }
  out.end_ns = now;
  for (const char* c : {exp::counter::kDrops, exp::counter::kPauses, exp::counter::kRetransmits,
                        exp::counter::kTimeouts, exp::counter::kMalformed, exp::counter::kEcnMarks,
                        exp::counter::kPayloadErrors}) {
    out.counters[c] = 0;
  }
  out.counters[exp::counter::kFlowsTotal] = flows.size();
  out.counters[exp::counter::kFlowsFinished] = done;
  out.counters["base_rtt_used_ns"] = static_cast<std::uint64_t>(to_ns(config.tau));
  out.info["model"] = std::string("delayed-feedback fluid model, ") + to_string(config.law) +
                      ", RK4 step " + std::to_string(m.step() * 1e9) + " ns, signal smoothing " +
                      (config.smoothing ? "on" : "off") + ", feedback " +
                      (config.feedback == Feedback::kFifo ? "through the FIFO queue" : "one RTT back");
  out.info["model_bottleneck"] = topo.port(bn.port).name;
}

}  // namespace ptcp::model

namespace ptcp::exp {

void register_model_backend(BackendTable& table) {
  Backend b;
  b.name = "model";
  b.description = "fluid model (core/model): one bottleneck, PowerTCP/theta-PowerTCP/HPCC";
  b.run = [](const RunInput& in, const RunOptions& opt, Results& out) {
    model::run_model(in, opt, out);
  };
  table.add(std::move(b));
}

}  // namespace ptcp::exp
