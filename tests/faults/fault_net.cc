#include "fault_net.h"

#include <memory>
#include <sstream>

#include "experiment/node_configs.h"
#include "experiment/workload.h"
#include "fault_box.h"
#include "support/host_node.h"
#include "support/network.h"
#include "support/switch_node.h"

namespace ptcp::test {

FaultRunSummary run_in_test_network(const exp::Experiment& e, TimeNs limit) {
  const exp::Topology& t = *e.topology;
  Network net(e.run.seed);
  std::vector<HostNode*> hosts;
  std::vector<SwitchNode*> switches;
  std::vector<FaultBox*> boxes;
  std::vector<std::size_t> box_ids;
  FaultRunSummary s;

  for (std::uint32_t n = 0; n < t.nodes().size(); ++n) {
    if (n < t.host_count()) {
      auto h = std::make_unique<HostNode>(exp::host_config(e, n));
      hosts.push_back(h.get());
      net.add_node(std::move(h));
    } else {
      auto sw = std::make_unique<SwitchNode>(exp::switch_config(e, n, {.paced = true}));
      exp::add_routes(e, n, sw->sw());
      switches.push_back(sw.get());
      net.add_node(std::move(sw));
    }
  }
  for (std::uint32_t gp = 0; gp < t.ports().size(); ++gp) {
    const exp::Port& p = t.port(gp);
    if (gp > p.peer_port) continue;  // made with its opposite direction
    const exp::Port& q = t.port(p.peer_port);
    const LinkSpec ab{p.link.rate, p.link.delay, {}};
    const LinkSpec ba{q.link.rate, q.link.delay, {}};
    const auto fab = e.faults_for_port(gp);
    const auto fba = e.faults_for_port(p.peer_port);
    if (!fab && !fba) {
      net.connect(p.node, p.local, q.node, q.local, ab, ba);
      continue;
    }
    std::optional<faults::Injector> iab, iba;
    if (fab) iab.emplace(*fab, e.faults_seed(gp));
    if (fba) iba.emplace(*fba, e.faults_seed(p.peer_port));
    s.injectors += (fab ? 1 : 0) + (fba ? 1 : 0);
    auto box = std::make_unique<FaultBox>(std::move(iab), std::move(iba), p.link.rate);
    boxes.push_back(box.get());
    const std::size_t id = net.add_node(std::move(box));
    box_ids.push_back(id);
    // The faults act where the link starts; its propagation delay is on the far side.
    net.connect(p.node, p.local, id, 0, LinkSpec{p.link.rate, 0, {}}, LinkSpec{q.link.rate, 0, {}});
    net.connect(id, 1, q.node, q.local, ab, ba);
  }
  for (std::size_t i = 0; i < switches.size(); ++i) {
    switches[i]->attach(net, t.host_count() + i);
  }
  for (std::size_t i = 0; i < boxes.size(); ++i) boxes[i]->attach(net, box_ids[i]);

  for (HostNode* h : hosts) {
    h->host().on_flow_complete = [&s](const transport::FlowRecord& r) { s.completed.push_back(r); };
  }
  const std::vector<exp::Flow> flows = exp::generate_flows(e);
  s.flows = flows.size();
  for (const exp::Flow& f : flows) {
    s.bytes_expected += f.size_bytes;
    if (f.start > limit) break;
    net.run(f.start);
    hosts[f.src]->host().start_flow(std::max(f.start, net.now()),
                                    transport::FlowSpec{f.id, f.dst, f.size_bytes});
  }
  s.end = net.run(limit, [&] { return s.completed.size() == flows.size(); });
  // Let frames still on the wire (late duplicates, held-back copies) land.
  net.run(std::min(limit, s.end + kNsPerMs));

  for (HostNode* h : hosts) {
    const transport::HostCounters& c = h->host().counters();
    s.bytes_delivered += c.bytes_delivered;
    s.payload_errors += c.payload_errors;
    s.retransmits += c.retransmits;
    s.timeouts += c.timeouts;
    s.duplicates_received += c.duplicates_received;
    s.host_malformed += c.malformed;
    s.bad_checksum += c.malformed_by_status[static_cast<int>(wire::ParseStatus::kBadChecksum)];
  }
  for (SwitchNode* sw : switches) {
    s.switch_malformed += sw->sw().counters().malformed;
    s.frames_held_at_end += sw->frames_held();
  }
  for (FaultBox* b : boxes) {
    s.faults += b->counters(0);
    s.faults += b->counters(1);
    s.frames_held_at_end += b->held();
  }
  return s;
}

std::string describe(const FaultRunSummary& s) {
  std::ostringstream o;
  const faults::FaultCounters& f = s.faults;
  o << s.completed.size() << "/" << s.flows << " flows, " << s.bytes_delivered << "/"
    << s.bytes_expected << " bytes verified, payload errors " << s.payload_errors
    << " | injectors " << s.injectors << ", frames judged " << f.frames << ": lost "
    << f.lost_random << " random + " << f.lost_burst << " in " << f.bursts << " bursts + "
    << f.lost_down << " link down, reordered " << f.reordered << ", duplicated " << f.duplicated
    << ", corrupted " << f.corrupted << " | retransmits " << s.retransmits << ", timeouts "
    << s.timeouts << ", duplicates received " << s.duplicates_received << ", malformed "
    << s.host_malformed << " at hosts (" << s.bad_checksum << " bad transport checksum) + "
    << s.switch_malformed << " at switches | done at " << static_cast<double>(s.end) / 1e6
    << " ms";
  return o.str();
}

}  // namespace ptcp::test
