#!/usr/bin/python3
"""The difference table behind docs/validation.md: every metric analysis/powertcp_analysis
computes (summary_metrics, the rows of `powertcp compare`) for a model run, an ns-3 run and N
DPDK runs of the same experiment file, with the DPDK mean and spread and the differences
ns-3 vs model and DPDK (mean) vs ns-3, as a Markdown table.
Usage: validate_backends.py RESULTS...  (folders; backends read from meta.json)"""
import math
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "analysis"))
from powertcp_analysis.compare import fmt_number  # noqa: E402
from powertcp_analysis.metrics import summary_metrics  # noqa: E402
from powertcp_analysis.results import load_run  # noqa: E402


def pct(b, a):
    if a is None or b is None or math.isnan(a) or math.isnan(b) or a == 0:
        return "-"
    return f"{(b - a) / abs(a) * 100:+.1f}%"


def main(argv):
    if not argv:
        sys.exit(__doc__)
    runs = [load_run(p) for p in argv]
    by = {"model": [], "ns3": [], "dpdk": []}
    for r in runs:
        by.setdefault(r.backend, []).append(r)
    metrics = {}  # key -> {backend: [values]}
    units = {}
    for r in runs:
        for m in summary_metrics(r):
            units[m.key] = m.unit
            metrics.setdefault(m.key, {}).setdefault(r.backend, []).append(m.value)
    stalls = [int(r.meta.get("counters", {}).get("stalls", 0)) for r in by["dpdk"]]
    print(f"runs: model {len(by['model'])}, ns-3 {len(by['ns3'])}, dpdk {len(by['dpdk'])}"
          + (f" (stall counts {stalls})" if stalls else ""))
    print()
    print("| metric | unit | model | ns-3 | dpdk mean | dpdk sd | ns-3 vs model | dpdk vs ns-3 |")
    print("|---|---|---|---|---|---|---|---|")
    for key, vals in metrics.items():
        u = units[key]
        mo = vals.get("model", [math.nan])[0]
        ns = vals.get("ns3", [math.nan])[0]
        dp = [v for v in vals.get("dpdk", []) if not math.isnan(v)]
        dm = statistics.mean(dp) if dp else math.nan
        sd = statistics.stdev(dp) if len(dp) > 1 else math.nan
        print(f"| {key} | {u} | {fmt_number(mo, u)} | {fmt_number(ns, u)} | {fmt_number(dm, u)} | "
              f"{fmt_number(sd, u)} | {pct(ns, mo)} | {pct(dm, ns)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
