"""One look for every figure: colours per run, line style per backend, units on every axis."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "figure.constrained_layout.use": True,  # titles, labels and legends never overlap
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linestyle": "-",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.6,
    "lines.markersize": 5,
    "svg.hashsalt": "powertcp",  # stable SVG ids, so regenerated figures diff cleanly
    "svg.fonttype": "none",
}
PALETTE = plt.get_cmap("tab10").colors
BACKEND_LINESTYLE = {"ns3": "-", "dpdk": "--", "model": ":"}
PERCENTILE_MARKER = {50.0: "o", 99.0: "s", 99.9: "^"}
HOLLOW_NOTE = "hollow marker: too few flows for this percentile (p99 < 100, p99.9 < 1000)"


def apply():
    plt.rcParams.update(RC)


def color(i: int):
    return PALETTE[i % len(PALETTE)]


def linestyle(backend: str) -> str:
    return BACKEND_LINESTYLE.get(backend, "-.")


def time_axis(span_ns: float):
    """(divisor, unit label) so a trace of this span reads in 1..1000s of the unit."""
    if span_ns < 20_000:
        return 1.0, "ns"
    if span_ns < 20_000_000:
        return 1e3, "µs"
    if span_ns < 20_000_000_000:
        return 1e6, "ms"
    return 1e9, "s"


def bytes_axis(max_bytes: float):
    if max_bytes < 10_000:
        return 1.0, "bytes"
    if max_bytes < 10_000_000:
        return 1e3, "KB"
    return 1e6, "MB"


def plain_log(ax, axis="y"):
    """Log scale labelled 1, 2, 5, 10 rather than 10^0: slowdowns read as plain numbers."""
    from matplotlib import ticker
    a = ax.yaxis if axis == "y" else ax.xaxis
    fmt = ticker.FuncFormatter(lambda v, _: f"{v:g}")
    a.set_major_formatter(fmt)
    a.set_minor_locator(ticker.LogLocator(base=10, subs=(2.0, 5.0)))
    a.set_minor_formatter(fmt)


def save(fig, out_dir, stem: str) -> str:
    """Writes stem.png and stem.svg; returns the stem."""
    fig.savefig(out_dir / f"{stem}.png")
    fig.savefig(out_dir / f"{stem}.svg")
    plt.close(fig)
    return stem
