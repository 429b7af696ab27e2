#!/usr/bin/python3
"""The DPDK behaviour table of bench/README.md (issue 6): per algorithm, ns-3's peak queue and
drain time at the bottleneck beside the median of N DPDK virtual-testbed runs of the same file,
with each DPDK run's stall count; and, per scale, whether one core kept the bottleneck at its
configured rate while it had a queue (busy_utilization below; the incast's only standing queue). Metrics are those of `powertcp compare`
(analysis/powertcp_analysis summary_metrics: queue.peak, queue.drain_time).
Usage: dpdk_behaviour.py table OUT   (OUT/<algo>/ns3, OUT/<algo>/dpdk-<i>)
       dpdk_behaviour.py scales OUT  (OUT/scale-<s>/dpdk, OUT/scale-<s>/ns3)"""
import math
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "analysis"))
from powertcp_analysis import metrics as M  # noqa: E402
from powertcp_analysis.results import load_run  # noqa: E402


def figures(run):
    got = {m.key: m.value for m in M.summary_metrics(run)}
    stalls = run.meta.get("counters", {}).get("stalls")
    return got.get("queue.peak", math.nan), got.get("queue.drain_time", math.nan), stalls


def median(xs):
    xs = [x for x in xs if not math.isnan(x)]
    return statistics.median(xs) if xs else math.nan


def kb(v):
    return "-" if math.isnan(v) else f"{v / 1e3:.0f} KB"


def us(v):
    return "-" if math.isnan(v) else f"{v / 1e3:.0f} us"


def pct(b, a):
    return "-" if math.isnan(a) or math.isnan(b) or a == 0 else f"{(b - a) / a * 100:+.0f}%"


def table(out):
    print("| algorithm | peak queue ns-3 | DPDK median (runs) | diff | drain time ns-3 | "
          "DPDK median (runs) | diff | DPDK stall counts |")
    print("|---|---|---|---|---|---|---|---|")
    algos = [p for p in Path(out).iterdir() if (p / "ns3").is_dir() and not p.name.startswith("scale-")]
    for algo_dir in sorted(algos):
        ns_peak, ns_drain, _ = figures(load_run(algo_dir / "ns3"))
        runs = [figures(load_run(d)) for d in sorted(algo_dir.glob("dpdk-*")) if (d / "meta.json").exists()]
        peaks, drains, stalls = zip(*runs) if runs else ((), (), ())
        mp, md = median(list(peaks)), median(list(drains))
        print(f"| {algo_dir.name} | {kb(ns_peak)} | {kb(mp)} ({', '.join(kb(p) for p in peaks)}) | "
              f"{pct(mp, ns_peak)} | {us(ns_drain)} | {us(md)} ({', '.join(us(d) for d in drains)}) | "
              f"{pct(md, ns_drain)} | {', '.join(str(s) for s in stalls)} |")


AT_RATE = 0.97  # a link "kept at its rate": 97% of what ns-3's exact link carries when busy


def busy_utilization(run, port):
    """Per link-sample interval (run.link_interval) in which the port's queue never emptied (the
    link had a frame to send the whole time): bytes carried over what the configured rate
    carries. Returns (aggregate over those intervals, median interval, intervals). The median
    says whether the loop keeps up when it runs; the aggregate also pays for its stalls. ns-3's
    exact link gives 1.000 (links.csv counts wire bytes)."""
    rate = M.port_rate_bps(run, port)
    links = run.links[run.links["port"] == port].sort_values("time_ns", kind="stable")
    q = M.port_series(run.queue, port)
    if rate is None or len(links) < 2 or q.empty:
        return math.nan, math.nan, 0
    t, b = links["time_ns"].to_numpy(float), links["tx_bytes"].to_numpy(float)
    qt, qv = q["time_ns"].to_numpy(float), q["qlen_bytes"].to_numpy(float)
    sent = span = 0.0
    each = []
    for i in range(len(t) - 1):
        inside = qv[(qt >= t[i]) & (qt <= t[i + 1])]
        if len(inside) >= 2 and (inside > 0).all():
            sent += b[i + 1] - b[i]
            span += t[i + 1] - t[i]
            each.append((b[i + 1] - b[i]) * 8 / (rate * (t[i + 1] - t[i]) * 1e-9))
    if span == 0:
        return math.nan, math.nan, 0
    return sent * 8 / (rate * span * 1e-9), statistics.median(each), len(each)


def scales(out):
    print("| scale s | bottleneck on the testbed | busy intervals | busy utilization DPDK: all, "
          "median interval | ns-3: all, median | stalls | max loop gap (run time) | at rate |")
    print("|---|---|---|---|---|---|---|---|")
    smallest = None
    dirs = [d for d in Path(out).glob("scale-*") if (d / "dpdk" / "meta.json").exists()]
    for d in sorted(dirs, key=lambda p: float(p.name.split("-", 1)[1])):
        s = float(d.name.split("-", 1)[1])
        dp = load_run(d / "dpdk")
        port = M.bottleneck_port(dp)
        ud, md, n = busy_utilization(dp, port)
        un, mn, _ = busy_utilization(load_run(d / "ns3"), port) if (d / "ns3").is_dir() else (math.nan,) * 3
        c = dp.meta.get("counters", {})
        rate = M.port_rate_bps(dp, port)
        ok = md >= AT_RATE * mn
        if ok and smallest is None:
            smallest = s
        print(f"| {s:g} | {port} {rate / s / 1e6:.0f} Mb/s | {n} | {ud:.3f}, {md:.3f} | {un:.3f}, "
              f"{mn:.3f} | {c.get('stalls')} | {c.get('max_loop_gap_ns', 0) * s / 1e3:.0f} us | "
              f"{'yes' if ok else 'no'} |")
    print()
    print(f"smallest scale at rate (median busy interval >= {AT_RATE} of ns-3's): "
          + (f"{smallest:g}" if smallest is not None else "none of those run"))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("table", "scales"):
        sys.exit(__doc__)
    table(sys.argv[2]) if sys.argv[1] == "table" else scales(sys.argv[2])
