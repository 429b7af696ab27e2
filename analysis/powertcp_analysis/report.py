"""report.md: every figure and summary table of one `powertcp plot` invocation."""

from __future__ import annotations

import math
from pathlib import Path

from . import metrics as M
from . import plots
from .compare import compare_runs, fmt_number, render_markdown

THIN_MARK = "†"
BACKEND_ORDER = {"ns3": 0, "model": 1, "dpdk": 2}  # simulation first, testbed second


def _f(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"{v:.{digits}f}"


def _table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def _time(ns):
    if ns is None or math.isnan(ns):
        return "-"
    if ns < 10_000:
        return f"{ns:.0f} ns"
    if ns < 10_000_000:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns / 1e6:.2f} ms"


def below_one_warnings(runs) -> list[str]:
    out = []
    for r in runs:
        b = M.below_one(r.fct)
        if len(b):
            ids = ", ".join(str(int(i)) for i in b["flow_id"].head(10))
            more = " ..." if len(b) > 10 else ""
            worst = (b["fct_ns"] / b["ideal_fct_ns"]).min()
            out.append(f"{r.label} ({r.path}): {len(b)} flow(s) finished FASTER than their ideal "
                       f"FCT (slowdown < 1, min fct/ideal {worst:.6g}; flow ids {ids}{more}). "
                       "That is impossible: a bug in the backend or in its ideal FCT.")
    return out


def _strip_for_match(exp: dict) -> dict:
    """The experiment without what legitimately differs between backends."""
    return {k: v for k, v in exp.items() if k != "testbed"}


def find_pairs(runs):
    """(sim, testbed) pairs: same experiment name and algorithm, different backends."""
    pairs = []
    for i, a in enumerate(runs):
        for b in runs[i + 1:]:
            if a.name == b.name and a.algorithm == b.algorithm and a.backend != b.backend:
                x, y = sorted((a, b), key=lambda r: BACKEND_ORDER.get(r.backend, 9))
                pairs.append((x, y))
    return pairs


def pair_warnings(pairs) -> list[str]:
    return [f"{a.label} and {b.label} share the name '{a.name}' but their experiment.toml "
            "files differ outside [testbed]: the overlay compares different experiments."
            for a, b in pairs if _strip_for_match(a.experiment) != _strip_for_match(b.experiment)]


def write_report(runs, out_dir: Path, ports=None, switches=None, window=None):
    """Writes figures and report.md into out_dir. Returns (report path, loud warnings about
    slowdowns below 1, other notes on the input). window = (t0, t1) ns (either may be None)
    limits the queue figure's time axis; without it a zoom around the event is added when the
    run is much longer than the event (plots.zoom_window)."""
    loud = below_one_warnings(runs)
    pairs = find_pairs(runs)
    notes = [w for r in runs for w in r.warnings] + pair_warnings(pairs)
    md = ["# powertcp results report", ""]
    md.append(f"{len(runs)} results folder(s). Metrics as defined in docs/metrics.md; "
              f"{THIN_MARK} marks a percentile taken from fewer flows than it needs "
              "(p99: 100, p99.9: 1000), so it is close to the maximum.")
    md.append("")
    if loud:
        md += ["## ⚠ WARNING: slowdowns below 1", ""]
        md += [f"> **WARNING** {w}" for w in loud]
        md.append("")
    if notes:
        md += ["## Notes on the input", ""] + [f"- {w}" for w in notes] + [""]

    md += ["## Runs", ""]
    rows = []
    for r in runs:
        m = r.meta
        rows.append([r.label, f"`{r.path}`", r.name, r.backend, r.algorithm, m.get("seed", "-"),
                     m.get("scale", "-"), str(m.get("git_commit", m.get("commit", "-")))[:12],
                     f"{len(r.completed)}/{len(r.fct)}"])
    md.append(_table(["run", "folder", "experiment", "backend", "algorithm", "seed", "scale",
                      "commit", "flows done/all"], rows))

    # FCT slowdown per bin.
    fig = plots.slowdown_bins(runs, out_dir)
    md += ["## FCT slowdown per flow size bin", ""]
    if fig:
        md += [_img(fig), ""]
        for r in runs:
            t = M.slowdown_by_bin(r.fct)
            rows = [[M.BIN_RANGES[k], row["count"]] +
                    [_f(row[M.pct_name(p)]) + (THIN_MARK if row[M.pct_name(p) + "_thin"] else "")
                     for p in M.PERCENTILES]
                    for k, row in t.iterrows()]
            md += [f"**{r.label}**", "", _table(["size (bytes)", "flows", "p50", "p99", "p99.9"], rows)]
    else:
        md += ["No completed flows.", ""]

    fig = plots.slowdown_cdf(runs, out_dir)
    md += ["## FCT slowdown by flow class", ""]
    if fig:
        md += [_img(fig), ""]
    rows = []
    for r in runs:
        for _, row in M.slowdown_by_class(r.fct).iterrows():
            rows.append([r.label, M.CLASS_TITLES[row["class"]], row["count"]] +
                        [_f(row[M.pct_name(p)]) + (THIN_MARK if row[M.pct_name(p) + "_thin"] else "")
                         for p in M.PERCENTILES])
    md.append(_table(["run", "class", "flows", "p50", "p99", "p99.9"], rows))

    # Queues.
    chosen = plots.choose_ports(runs, ports)
    fig = plots.queue_over_time(runs, out_dir, chosen, window=window)
    md += ["## Queues and the bottleneck link", ""]
    if fig:
        md += [_img(fig), "", fig.note, ""]
    zoom = plots.zoom_window(runs) if window is None else None
    zfig = plots.queue_over_time(runs, out_dir, chosen, stem="queue_zoom", window=zoom) if zoom else None
    if zfig:
        md += [f"Zoom on the event: {plots.ZOOM_TAUS} base RTTs from it "
               "(`powertcp plot --from/--to` in µs chooses another window).", "",
               _img(zfig), ""]
    rows = []
    for r in runs:
        win = M.measure_window(r)
        bport = M.bottleneck_port(r)
        for port in dict.fromkeys(chosen + ([bport] if bport else [])):
            if M.port_series(r.queue, port).empty:
                continue
            t0, t1 = win if win else (None, None)
            peak = M.peak_queue(r.queue, port, t0, t1)
            ev, pkt = M.event_ns(r), M.packet_bytes(r)
            drain, thr = "-", "-"
            if ev is None:
                drain = "no event_ns"
            elif pkt is None:
                drain = "no packet_bytes"
            else:
                d = M.drain_time(r.queue, port, ev, M.meta_number(r, "beta_bytes_sum") or 0.0, pkt, t1)
                if d is not None:
                    drain = _time(d.drain_ns) if not math.isnan(d.drain_ns) else "not drained"
                    thr = fmt_number(d.threshold_bytes, "bytes")
            rate = M.port_rate_bps(r, port)
            util = M.utilization(r.links, port, win[0], win[1], rate) if (win and rate) else math.nan
            rows.append([r.label, port, fmt_number(peak, "bytes"), drain, thr,
                         _f(util) if not math.isnan(util) else ("no rate" if not rate else "-"),
                         f"{_time(win[0])} .. {_time(win[1])}" if win else "-"])
    md.append(_table(["run", "port", "peak queue (bytes)", "drain time", "drain threshold (bytes)",
                      "utilization", "window"], rows) if rows else "No queue traces.\n")

    sws = switches or plots.choose_switches(runs)
    fig = plots.buffer_cdf(runs, out_dir, sws) if any(not r.buffer.empty for r in runs) else None
    md += ["## Buffer occupancy", ""]
    if fig:
        md += [_img(fig), ""]
        rows = [[r.label, b.switch, b.samples, fmt_number(b.p50, "bytes"), fmt_number(b.p99, "bytes"),
                 fmt_number(b.max, "bytes")]
                for r in runs for b in M.buffer_percentiles(r.buffer).itertuples(index=False)
                if b.switch in sws]
        md.append(_table(["run", "switch", "samples", "p50 (bytes)", "p99 (bytes)", "max (bytes)"], rows))
    else:
        md += ["No buffer traces.", ""]

    fig = plots.throughput(runs, out_dir)
    md += ["## Throughput and fairness", ""]
    if fig:
        md += [_img(fig), ""]
        rows = []
        for r in runs:
            if r.flows.empty:
                continue
            jt = M.jain_over_time(r.flows, r.fct)
            busy = jt[jt["n_flows"] > 0]
            rows.append([r.label, r.flows["flow_id"].nunique(), _f(M.mean_jain(jt)),
                         _f(busy["total_bps"].mean() / 1e9) if len(busy) else "-"])
        md.append(_table(["run", "traced flows", "mean Jain's index", "mean total throughput (Gb/s)"], rows))
    else:
        md += ["No traced flows.", ""]

    if pairs:
        md += ["## Simulation against testbed", ""]
        for a, b in pairs:
            fig = plots.overlay(a, b, out_dir, "overlay_" + plots.slug(f"{a.label}_vs_{b.label}"))
            md += [f"### {fig.title}", "", _img(fig), ""]
            md.append("Differences: B - A and (B - A)/|A|, A the simulation.\n")
            md.append(render_markdown(compare_runs(a, b), a.label, b.label))
    (out_dir / "report.md").write_text("\n".join(md))
    return out_dir / "report.md", loud, notes


def _img(fig) -> str:
    return f"![{fig.title}]({fig.stem}.png)\n\n[SVG]({fig.stem}.svg)"
