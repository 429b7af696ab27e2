#!/usr/bin/python3
"""Tables for docs/reproduction.md from the sweeps scripts/reproduce writes.
Usage: reproduction_table.py OUT   (OUT holds incast-10to1/, burst-255to1/, websearch-20/, ...)
Percentiles follow the issue's rule: p99.9 only for a group of >= 1000 flows, else p99."""
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "analysis"))
import numpy as np  # noqa: E402
from powertcp_analysis import metrics as M  # noqa: E402
from powertcp_analysis.results import load_run  # noqa: E402

ORDER = ["powertcp", "theta-powertcp", "hpcc", "dcqcn", "timely"]


def runs_of(d: Path):
    runs = [load_run(p) for p in sorted(d.glob("point-*")) if (p / "meta.json").exists()]
    return sorted(runs, key=lambda r: ORDER.index(r.algorithm) if r.algorithm in ORDER else 99)


def tail(values):
    """(percentile name, value) by the >= 1000 flows rule."""
    p = 99.9 if len(values) >= 1000 else 99.0
    return M.pct_name(p), M.percentile(values, p)


def f(v, d=2):
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{d}f}"


def rel(a, b):
    """(a - b) / b in percent: how much lower (negative) a is than b."""
    if a is None or b is None or math.isnan(a) or math.isnan(b) or b == 0:
        return "-"
    return f"{(a - b) / b * 100:+.0f}%"


def incast_table(name, runs):
    print(f"### {name}\n")
    print(f"simulated: {runs[0].meta.get('end_ns', 0) / 1e6:.1f} ms (run end incl. drain); "
          f"flows per run: {int(runs[0].meta['counters']['flows_total'])}\n")
    print("| algorithm | peak queue (KB) | drain time (us) | utilization, burst to its last FCT | "
          "burst FCT max (ms) | p99 buffer tor0 (KB) | drops | pauses | retransmits | flows done |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    peaks = {}
    for r in runs:
        m = {x.key: x for x in M.summary_metrics(r)}
        ev = M.event_ns(r)
        burst = r.fct[r.fct["start_ns"] == ev] if ev is not None else r.fct.iloc[0:0]
        c = r.meta["counters"]
        b = r.buffer[r.buffer["switch"] == "tor0"]["used_bytes"]
        peak = m["queue.peak"].value if "queue.peak" in m else math.nan
        peaks[r.algorithm] = peak
        drain = m["queue.drain_time"].value if "queue.drain_time" in m else math.nan
        # Utilization of the receiver's port from the burst until its last flow is done (or the
        # run's end when some never finish).
        port = M.bottleneck_port(r)
        rate = M.port_rate_bps(r, port)
        unfinished = len(burst) < int(c.get("flows_total", 0)) - (len(r.fct) - len(burst))
        t_end = float(r.meta.get("end_ns", 0)) if unfinished or not len(burst) else \
            float(burst["end_ns"].max())
        util = M.utilization(r.links, port, ev, t_end, rate) if ev is not None and rate else math.nan
        print(f"| {r.algorithm} | {f(peak / 1e3, 1)} | {f(drain / 1e3, 1)} | {f(util, 3)} | "
              f"{f(burst['fct_ns'].max() / 1e6 if len(burst) else math.nan, 3)} | "
              f"{f(M.percentile(b, 99) / 1e3 if len(b) else math.nan, 1)} | {c.get('drops', 0)} | "
              f"{c.get('pauses', 0)} | {c.get('retransmits', 0)} | "
              f"{c.get('flows_finished', 0)}/{c.get('flows_total', 0)} |")
    if "powertcp" in peaks and "hpcc" in peaks and peaks["powertcp"] > 0:
        print(f"\nHPCC peak / PowerTCP peak: {peaks['hpcc'] / peaks['powertcp']:.2f}x "
              "(paper, 10:1 on the fat-tree: about 2x)\n")
    print()


def websearch_table(name, runs):
    print(f"### {name}\n")
    r0 = runs[0]
    ws = [w for w in r0.experiment.get("workload", []) if w.get("kind") == "poisson"]
    load = ws[0].get("load") if ws else "?"
    print(f"load {load} of the ToR uplinks, arrivals for {r0.experiment['run']['duration']}, "
          "then drained; fat-tree 256 hosts.\n")
    print("| algorithm | flows done | short n | short tail | medium n | medium tail | long n | "
          "long tail | p50 all | p99 buffer ToRs (KB) | wall (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    tails = {}
    for r in runs:
        done = r.completed
        c = r.meta["counters"]
        cells = []
        for cls in M.FLOW_CLASSES:
            s = done["slowdown"][M.flow_class_mask(done["size_bytes"], cls)].to_numpy()
            n, v = tail(s)
            tails[(r.algorithm, cls)] = v
            cells += [str(len(s)), f"{n} {f(v)}"]
        tor = r.buffer[r.buffer["switch"].astype(str).str.startswith("tor")]["used_bytes"]
        print(f"| {r.algorithm} | {c.get('flows_finished', 0)}/{c.get('flows_total', 0)} | "
              + " | ".join(cells)
              + f" | {f(M.percentile(done['slowdown'], 50))} | "
              f"{f(M.percentile(tor, 99) / 1e3 if len(tor) else math.nan, 1)} | "
              f"{f(r.meta.get('wall_time_s', math.nan), 0)} |")
    print("\nPowerTCP's tail slowdown relative to each baseline (negative = PowerTCP lower):\n")
    print("| class | vs theta-powertcp | vs hpcc | vs dcqcn | vs timely |")
    print("|---|---|---|---|---|")
    for cls in ("short", "medium"):
        p = tails.get(("powertcp", cls))
        print(f"| {cls} | " + " | ".join(rel(p, tails.get((b, cls))) for b in ORDER[1:]) + " |")
    print("\nFlows per size bin (count; tail = p99.9 with >= 1000 flows, else p99):\n")
    print("| bin | " + " | ".join(r.algorithm for r in runs) + " |")
    print("|---|" + "---|" * len(runs))
    tables = [M.slowdown_by_bin(r.completed, (99.0, 99.9)) for r in runs]
    for i, label in enumerate(M.BIN_RANGES):
        row = []
        for t in tables:
            cnt = int(t.iloc[i]["count"])
            key = "p99.9" if cnt >= 1000 else "p99"
            row.append("-" if cnt == 0 else f"{cnt}: {key} {f(t.iloc[i][key])}")
        if any(x != "-" for x in row):
            print(f"| {label} | " + " | ".join(row) + " |")
    print()


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__)
    out = Path(argv[0])
    for d in sorted(p for p in out.iterdir() if p.is_dir()):
        runs = runs_of(d)
        if not runs:
            continue
        if d.name.startswith("websearch"):
            websearch_table(d.name, runs)
        else:
            incast_table(d.name, runs)


if __name__ == "__main__":
    main(sys.argv[1:])
