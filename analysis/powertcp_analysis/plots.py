"""The figures. Each function takes loaded runs and an output folder, writes PNG + SVG and
returns a Figure record (or None when the runs hold no data for it)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

from . import metrics as M
from . import style

style.apply()


@dataclass
class Figure:
    stem: str
    title: str
    note: str = ""


def slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_")


def _legend_handles(runs):
    return [Line2D([], [], color=style.color(i), linestyle=style.linestyle(r.backend), label=r.label)
            for i, r in enumerate(runs)]


def _cdf_xy(values):
    """ECDF points with a leading (x_min, 0), so a step plot rises from 0 even for one sample."""
    xs, ys = M.ecdf(values)
    return np.concatenate([xs[:1], xs]), np.concatenate([[0.0], ys])


def _bin_range(tables):
    """Bins from the first to the last that holds a flow in any run."""
    counts = np.sum([t["count"].to_numpy() for t in tables], axis=0)
    nz = np.flatnonzero(counts)
    if len(nz) == 0:
        return None
    return int(nz[0]), int(nz[-1])


def slowdown_bins(runs, out_dir, colors=None, stem="fct_slowdown_bins"):
    tables = [M.slowdown_by_bin(r.fct) for r in runs]
    rng = _bin_range(tables)
    if rng is None:
        return None
    colors = colors or [style.color(i) for i in range(len(runs))]
    lo, hi = rng
    labels = M.BIN_LABELS[lo:hi + 1]
    x = np.arange(len(labels))
    fig, axes = plt.subplots(4, 1, figsize=(9, 11), sharex=True,
                             gridspec_kw={"height_ratios": [3, 3, 3, 2]})
    for ax, p in zip(axes[:3], M.PERCENTILES):
        name = M.pct_name(p)
        for i, (r, t) in enumerate(zip(runs, tables)):
            t = t.iloc[lo:hi + 1]
            y = t[name].to_numpy(dtype=float)
            thin = t[name + "_thin"].to_numpy(dtype=bool)
            ax.plot(x, y, color=colors[i], linestyle=style.linestyle(r.backend), label=r.label)
            ok = ~np.isnan(y)
            ax.plot(x[ok & ~thin], y[ok & ~thin], linestyle="none", color=colors[i],
                    marker=style.PERCENTILE_MARKER[p])
            ax.plot(x[ok & thin], y[ok & thin], linestyle="none", color=colors[i],
                    marker=style.PERCENTILE_MARKER[p], markerfacecolor="white")
        ax.set_yscale("log")
        style.plain_log(ax)
        ax.axhline(1.0, color="black", linewidth=0.8, linestyle=":")
        ax.set_ylabel(f"{name} FCT slowdown")
        ax.set_title(f"{name} of FCT slowdown per flow size bin")
    axes[0].legend(handles=_legend_handles(runs), loc="upper left")
    axes[2].set_title(f"p99.9 of FCT slowdown per flow size bin\n({style.HOLLOW_NOTE})")
    ax = axes[3]
    w = 0.8 / len(runs)
    for i, (r, t) in enumerate(zip(runs, tables)):
        c = t["count"].to_numpy()[lo:hi + 1]
        bars = ax.bar(x - 0.4 + w * (i + 0.5), c, width=w, color=colors[i], label=r.label)
        if len(runs) <= 3:
            ax.bar_label(bars, labels=[str(v) if v else "" for v in c], fontsize=6, padding=1)
    ax.set_yscale("symlog", linthresh=1)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_ylabel("flows per bin")
    ax.set_xticks(x, labels)
    ax.set_xlabel("flow size bin (upper edge, bytes)")
    style.save(fig, out_dir, stem)
    return Figure(stem, "FCT slowdown per flow size bin (p50, p99, p99.9) and flows per bin")


def slowdown_cdf(runs, out_dir, colors=None, stem="slowdown_cdf", classes=M.FLOW_CLASSES):
    colors = colors or [style.color(i) for i in range(len(runs))]
    fig, axes = plt.subplots(1, len(classes), figsize=(4.2 * len(classes), 3.8), sharey=True,
                             squeeze=False)
    axes = axes[0]
    any_data = False
    for ax, cls in zip(axes, classes):
        notes = []
        for i, r in enumerate(runs):
            done = r.completed
            s = done["slowdown"] if cls == "all" else done["slowdown"][M.flow_class_mask(done["size_bytes"], cls)]
            if s.empty:
                notes.append(f"{r.label}: no flows")
                continue
            any_data = True
            xs, ys = _cdf_xy(s)
            ax.step(xs, ys, where="post", color=colors[i], linestyle=style.linestyle(r.backend),
                    label=r.label)
            nb = int((s < 1.0).sum())
            if nb:
                notes.append(f"{r.label}: {nb} below 1 (bug)")
        ax.axvline(1.0, color="black", linewidth=0.8, linestyle=":")
        ax.set_xscale("log")
        style.plain_log(ax, "x")
        ax.set_xlabel("FCT slowdown (FCT / ideal FCT)")
        ax.set_title(M.CLASS_TITLES.get(cls, "all flows"))
        if notes:
            ax.text(0.98, 0.04, "\n".join(notes), transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=7, color="firebrick")
    if not any_data:
        plt.close(fig)
        return None
    axes[0].set_ylabel("CDF (fraction of flows)")
    axes[0].set_ylim(0, 1.02)
    axes[0].legend(handles=_legend_handles(runs), loc="upper left")
    style.save(fig, out_dir, stem)
    return Figure(stem, "CDF of FCT slowdown by flow class")


def _time_span(runs, attr):
    ts = [getattr(r, attr)["time_ns"] for r in runs if not getattr(r, attr).empty]
    if not ts:
        return None
    return min(float(t.min()) for t in ts), max(float(t.max()) for t in ts)


def choose_ports(runs, ports=None, limit=4):
    """The ports asked for, else each run's bottleneck port, else the highest peaks."""
    if ports:
        return list(ports)
    chosen = []
    for r in runs:
        p = M.bottleneck_port(r)
        if p is not None and p not in chosen:
            chosen.append(p)
    return chosen[:limit]


def in_window(series, window):
    """The samples of a step series (time_ns ordered) that draw it over window = (t0, t1) ns:
    those inside plus the last one before t0, whose value holds until the next sample."""
    if window is None or series.empty:
        return series
    t0, t1 = window
    t = series["time_ns"]
    inside = (t >= t0) & (t <= t1)
    before = series[t < t0]
    parts = ([before.iloc[[-1]]] if not before.empty else []) + [series[inside]]
    return pd.concat(parts) if parts else series.iloc[0:0]


# The automatic zoom of the queue figure: this many base RTTs from the event (an incast's
# start), and a tenth of that before it; offered when that is under a third of the run.
ZOOM_TAUS = 40


def zoom_window(runs):
    """(t0, t1) ns around the earliest event_ns of the runs, or None when there is no event, no
    base RTT in meta.json (base_rtt_ns) or the run is short enough to see it whole."""
    span = _time_span(runs, "queue")
    events = [e for e in (M.event_ns(r) for r in runs) if e is not None]
    taus = [t for t in (M.meta_number(r, "base_rtt_ns") for r in runs) if t and t > 0]
    if span is None or not events or not taus:
        return None
    length = ZOOM_TAUS * max(taus)
    t0, t1 = min(events) - length / 10, min(events) + length
    if t1 - t0 > (span[1] - span[0]) / 3:
        return None
    return max(t0, span[0]), t1


def queue_over_time(runs, out_dir, ports, colors=None, stem="queue", window=None):
    """Queue length over time per port; window = (t0, t1) ns limits the time axis to it."""
    span = _time_span(runs, "queue")
    if span is None or not ports:
        return None
    if window is not None:
        span = (max(window[0], span[0]) if window[0] is not None else span[0],
                min(window[1], span[1]) if window[1] is not None else span[1])
        if span[1] <= span[0]:
            raise ValueError(f"the time window {window[0]}..{window[1]} ns holds no queue samples "
                             f"(traced {_time_span(runs, 'queue')[0]:.0f}.."
                             f"{_time_span(runs, 'queue')[1]:.0f} ns)")
        window = span
    colors = colors or [style.color(i) for i in range(len(runs))]
    tdiv, tunit = style.time_axis(span[1] - span[0])
    peaks = [float(in_window(M.port_series(r.queue, p), window)["qlen_bytes"].max())
             for r in runs if not r.queue.empty for p in ports
             if not M.port_series(r.queue, p).empty]
    peak = max([v for v in peaks if v == v] or [float(r.queue["qlen_bytes"].max())
                                                for r in runs if not r.queue.empty])
    bdiv, bunit = style.bytes_axis(peak)
    fig, axes = plt.subplots(len(ports), 1, figsize=(9, 2.8 * len(ports) + 0.6), sharex=True,
                             squeeze=False)
    missing = []
    for ax, port in zip(axes[:, 0], ports):
        for i, r in enumerate(runs):
            q = M.port_series(r.queue, port)
            if q.empty:
                missing.append(f"{r.label}: {port}")
                continue
            q = in_window(q, window)
            ax.step(q["time_ns"] / tdiv, q["qlen_bytes"] / bdiv, where="post", color=colors[i],
                    linestyle=style.linestyle(r.backend), label=r.label)
            ev = M.event_ns(r)
            if ev is not None and (window is None or window[0] <= ev <= window[1]):
                ax.axvline(ev / tdiv, color=colors[i], linewidth=0.8, linestyle=":")
        ax.set_ylabel(f"queue ({bunit})")
        ax.set_title(f"queue length at {port}")
        if window is not None:
            ax.set_xlim(window[0] / tdiv, window[1] / tdiv)
    axes[-1, 0].set_xlabel(f"time ({tunit})")
    axes[0, 0].legend(handles=_legend_handles(runs), loc="upper right")
    style.save(fig, out_dir, stem)
    note = "dotted verticals: each run's event_ns." + (
        f" Not traced: {', '.join(missing)}." if missing else "")
    title = "Queue length over time"
    if window is not None:
        title += f" ({window[0] / 1e3:.1f} to {window[1] / 1e3:.1f} µs)"
    return Figure(stem, title, note)


def choose_switches(runs, limit=9):
    """Every switch when there are few; else the ones with the highest p99 occupancy."""
    p99 = {}
    for r in runs:
        for row in M.buffer_percentiles(r.buffer).itertuples(index=False):
            p99[row.switch] = max(p99.get(row.switch, 0.0), row.p99)
    names = sorted(p99, key=lambda s: (-p99[s], s))[:limit]
    return sorted(names, key=_natural_key)


def _natural_key(s):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def buffer_cdf(runs, out_dir, switches, colors=None, stem="buffer_cdf"):
    if not switches:
        return None
    colors = colors or [style.color(i) for i in range(len(runs))]
    peak = max(float(r.buffer["used_bytes"].max()) for r in runs if not r.buffer.empty)
    bdiv, bunit = style.bytes_axis(peak)
    ncols = min(3, len(switches))
    nrows = math.ceil(len(switches) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.3 * nrows), squeeze=False,
                             sharey=True)
    for k, sw in enumerate(switches):
        ax = axes[k // ncols, k % ncols]
        for i, r in enumerate(runs):
            u = r.buffer[r.buffer["switch"] == sw]["used_bytes"]
            if u.empty:
                continue
            xs, ys = _cdf_xy(u / bdiv)
            ax.step(xs, ys, where="post", color=colors[i], linestyle=style.linestyle(r.backend),
                    label=r.label)
        ax.set_title(f"buffer occupancy of {sw}")
        ax.set_xlabel(f"buffer used ({bunit})")
        if k % ncols == 0:
            ax.set_ylabel("CDF (fraction of samples)")
        ax.set_ylim(0, 1.02)
    for k in range(len(switches), nrows * ncols):
        axes[k // ncols, k % ncols].set_visible(False)
    axes[0, 0].legend(handles=_legend_handles(runs), loc="lower right")
    style.save(fig, out_dir, stem)
    return Figure(stem, "CDF of buffer occupancy per switch")


def throughput(runs, out_dir, colors=None, stem="throughput"):
    traced = [r for r in runs if not r.flows.empty]
    if not traced:
        return None
    colors = colors or [style.color(i) for i in range(len(runs))]
    span = _time_span(traced, "flows")
    tdiv, tunit = style.time_axis(span[1] - span[0])
    fig, axes = plt.subplots(len(traced) + 1, 1, figsize=(9, 2.6 * (len(traced) + 1) + 0.6),
                             sharex=True, squeeze=False)
    axes = axes[:, 0]
    for ax, r in zip(axes, traced):
        th = M.flow_throughput(r.flows)
        for j, (fid, g) in enumerate(th.groupby("flow_id")):
            ax.step(g["time_ns"] / tdiv, g["bps"] / 1e9, where="pre", color=style.color(j),
                    linewidth=1.1, label=f"flow {fid}")
        ax.set_ylabel("throughput (Gb/s)")
        ax.set_ylim(bottom=0)
        ax.set_title(f"traced flows: {r.label}")
        if th["flow_id"].nunique() <= 10:
            ax.legend(loc="upper right", ncols=2)
    ax = axes[-1]
    for r in traced:
        i = runs.index(r)
        jt = M.jain_over_time(r.flows, r.fct)
        jt = jt[jt["n_flows"] >= 2]
        ax.step(jt["t1_ns"] / tdiv, jt["jain"], where="pre", color=colors[i],
                linestyle=style.linestyle(r.backend),
                label=f"{r.label} (mean {M.mean_jain(M.jain_over_time(r.flows, r.fct)):.3f})")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("Jain's index")
    ax.set_title("Jain's fairness index of traced flows (intervals with >= 2 active flows)")
    ax.set_xlabel(f"time ({tunit})")
    ax.legend(loc="lower right")
    style.save(fig, out_dir, stem)
    return Figure(stem, "Throughput of traced flows and Jain's fairness index")


def overlay(a, b, out_dir, stem):
    """Sim against testbed (or any two backends) on one page."""
    runs = [a, b]
    colors = [style.color(0), style.color(3)]
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    # Per-bin p99 slowdown.
    ax = axes[0, 0]
    tables = [M.slowdown_by_bin(r.fct) for r in runs]
    rng = _bin_range(tables)
    if rng:
        lo, hi = rng
        x = np.arange(hi - lo + 1)
        for i, (r, t) in enumerate(zip(runs, tables)):
            for p in (50.0, 99.0):
                y = t[M.pct_name(p)].to_numpy(dtype=float)[lo:hi + 1]
                ax.plot(x, y, color=colors[i], linestyle=style.linestyle(r.backend),
                        marker=style.PERCENTILE_MARKER[p], label=f"{r.label} {M.pct_name(p)}")
        ax.set_xticks(x, M.BIN_LABELS[lo:hi + 1], rotation=45)
        ax.set_yscale("log")
        style.plain_log(ax)
        ax.legend()
    ax.set_title("FCT slowdown per size bin (p50 o, p99 s)")
    ax.set_xlabel("flow size bin (upper edge, bytes)")
    ax.set_ylabel("FCT slowdown")
    # CDF of all slowdowns.
    ax = axes[0, 1]
    for i, r in enumerate(runs):
        if not r.completed.empty:
            xs, ys = _cdf_xy(r.completed["slowdown"])
            ax.step(xs, ys, where="post", color=colors[i], linestyle=style.linestyle(r.backend),
                    label=r.label)
    ax.axvline(1.0, color="black", linewidth=0.8, linestyle=":")
    ax.set_xscale("log")
    style.plain_log(ax, "x")
    ax.set_xlabel("FCT slowdown")
    ax.set_ylabel("CDF (fraction of flows)")
    ax.set_title("FCT slowdown, all flows")
    ax.legend(loc="lower right")
    # Bottleneck queue.
    ax = axes[1, 0]
    port = M.bottleneck_port(a) or M.bottleneck_port(b)
    span = _time_span(runs, "queue")
    if port and span:
        tdiv, tunit = style.time_axis(span[1] - span[0])
        for i, r in enumerate(runs):
            q = M.port_series(r.queue, port)
            ax.step(q["time_ns"] / tdiv, q["qlen_bytes"] / 1e3, where="post", color=colors[i],
                    linestyle=style.linestyle(r.backend), label=r.label)
        ax.set_xlabel(f"time ({tunit})")
        ax.legend(loc="upper right")
    ax.set_ylabel("queue (KB)")
    ax.set_title(f"queue at {port}" if port else "queue (not traced)")
    # Aggregate throughput of traced flows.
    ax = axes[1, 1]
    span = _time_span(runs, "flows")
    if span:
        tdiv, tunit = style.time_axis(span[1] - span[0])
        for i, r in enumerate(runs):
            jt = M.jain_over_time(r.flows, r.fct)
            ax.step(jt["t1_ns"] / tdiv, jt["total_bps"] / 1e9, where="pre", color=colors[i],
                    linestyle=style.linestyle(r.backend), label=r.label)
        ax.set_xlabel(f"time ({tunit})")
        ax.legend(loc="lower right")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("throughput (Gb/s)")
    ax.set_title("total throughput of traced flows")
    fig.suptitle(f"{a.name} / {a.algorithm}: {a.backend} against {b.backend}")
    style.save(fig, out_dir, stem)
    return Figure(stem, f"{a.name} ({a.algorithm}): {a.label} against {b.label}")
