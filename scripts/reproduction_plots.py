#!/usr/bin/python3
"""Figures for docs/reproduction.md: the queue at the incast receiver's port around the burst
(every algorithm of a sweep, optionally with fluid-model runs dashed), and the tail slowdown per
size bin of the web-search sweeps.
Usage: reproduction_plots.py OUT FIGDIR [MODEL_RUN...]"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "analysis"))
import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from powertcp_analysis import metrics as M  # noqa: E402
from powertcp_analysis.results import load_run  # noqa: E402

ORDER = ["powertcp", "theta-powertcp", "hpcc", "dcqcn", "timely"]
COLORS = dict(zip(ORDER, ["C0", "C1", "C2", "C3", "C4"]))


def runs_of(d):
    runs = [load_run(p) for p in sorted(d.glob("point-*")) if (p / "meta.json").exists()]
    return sorted(runs, key=lambda r: ORDER.index(r.algorithm) if r.algorithm in ORDER else 99)


def incast_zoom(name, runs, models, out, span_us):
    fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    ev = M.event_ns(runs[0]) or 0
    for r in runs + models:
        port = M.bottleneck_port(r)
        q = M.port_series(r.queue, port)
        q = q[(q["time_ns"] >= ev - 20e3) & (q["time_ns"] <= ev + span_us * 1e3)]
        dashed = r.backend == "model"
        ax.plot((q["time_ns"] - ev) / 1e3, q["qlen_bytes"] / 1e3, color=COLORS.get(r.algorithm),
                ls="--" if dashed else "-", lw=1.2,
                label=f"{r.algorithm}/{r.backend}")
    ax.set_xlabel("time since the burst (us)")
    ax.set_ylabel(f"queue at {port} (KB)")
    ax.set_title(f"{name}: queue at the receiver's port (ns-3; dashed: fluid model)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def websearch_bins(name, runs, out):
    fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    for r in runs:
        t = M.slowdown_by_bin(r.completed, (99.0, 99.9))
        t = t[t["count"] > 0]
        y = [row["p99.9"] if row["count"] >= 1000 else row["p99"] for _, row in t.iterrows()]
        ax.plot(range(len(t)), y, marker="o", ms=3, color=COLORS.get(r.algorithm), label=r.algorithm)
        ax.set_xticks(range(len(t)), t["bin"], rotation=45, fontsize=7)
    ax.set_yscale("log")
    ax.set_xlabel("flow size bin (upper edge, bytes)")
    ax.set_ylabel("tail FCT slowdown (p99; p99.9 if >= 1000 flows)")
    ax.set_title(f"{name} (ns-3)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out, figs = Path(argv[0]), Path(argv[1])
    models = [load_run(p) for p in argv[2:]]
    figs.mkdir(parents=True, exist_ok=True)
    for d in sorted(p for p in out.iterdir() if p.is_dir() and p.name != figs.name):
        runs = runs_of(d)
        if not runs:
            continue
        if d.name.startswith("websearch"):
            websearch_bins(d.name, runs, figs / f"{d.name}-slowdown.png")
        else:
            mine = [m for m in models if m.name == runs[0].name] if d.name == "incast-10to1" else []
            incast_zoom(d.name, runs, mine, figs / f"{d.name}-queue.png",
                        1500 if d.name == "incast-10to1" else 3000)


if __name__ == "__main__":
    main(sys.argv[1:])
