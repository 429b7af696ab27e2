"""Every metric the plots, reports and comparisons show, defined once (docs/metrics.md)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

# --- Flow sizes ---------------------------------------------------------------------------

# The paper's flow-size bin edges in bytes (decimal K and M, as the web search CDF's sizes).
SIZE_EDGES = [0, 5_000, 10_000, 20_000, 30_000, 50_000, 75_000, 100_000, 200_000, 400_000,
              600_000, 800_000, 1_000_000, 5_000_000, 10_000_000, 30_000_000]


def _size_label(n: int) -> str:
    if n >= 1_000_000:
        return f"{n // 1_000_000}M"
    if n >= 1_000:
        return f"{n // 1_000}K"
    return str(n)


# Bin i holds sizes in (SIZE_EDGES[i], SIZE_EDGES[i+1]] (the first also holds 0); the last bin
# holds everything above 30M. Labelled by the upper edge, as the paper's x axes are.
BIN_LABELS = [_size_label(e) for e in SIZE_EDGES[1:]] + [f">{_size_label(SIZE_EDGES[-1])}"]
BIN_RANGES = [f"{_size_label(a)}-{_size_label(b)}" for a, b in zip(SIZE_EDGES, SIZE_EDGES[1:])] + \
    [BIN_LABELS[-1]]

SHORT_MAX = 10_000          # short: size < 10 KB
MEDIUM_RANGE = (100_000, 1_000_000)  # medium: 100 KB <= size <= 1 MB
LONG_MIN = 1_000_000        # long: size > 1 MB
FLOW_CLASSES = ("short", "medium", "long")
CLASS_TITLES = {"short": "short (< 10 KB)", "medium": "medium (100 KB - 1 MB)",
                "long": "long (> 1 MB)"}

PERCENTILES = (50.0, 99.0, 99.9)


def size_bin(size_bytes) -> np.ndarray:
    """Index into BIN_LABELS of each size."""
    return np.searchsorted(np.asarray(SIZE_EDGES[1:]), np.asarray(size_bytes), side="left")


def flow_class_mask(sizes: pd.Series, cls: str) -> pd.Series:
    if cls == "short":
        return sizes < SHORT_MAX
    if cls == "medium":
        return (sizes >= MEDIUM_RANGE[0]) & (sizes <= MEDIUM_RANGE[1])
    if cls == "long":
        return sizes > LONG_MIN
    raise ValueError(cls)


# --- Percentiles ----------------------------------------------------------------------------

def percentile(values, p: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least p% of samples at or below it
    (always an observed value; NaN for no samples)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0:
        return math.nan
    # Rounded first so that 99.9% of 1000 is rank 999, not 1000 through float error.
    rank = max(1, math.ceil(round(p * n / 100.0, 9)))
    return float(x[rank - 1])


def min_samples(p: float) -> int:
    """Samples needed before the p-th percentile is more than the maximum: 1/(1 - p/100)."""
    if p >= 100.0:
        return 1
    return math.ceil(round(100.0 / (100.0 - p), 9))


def pct_name(p: float) -> str:
    return f"p{p:g}"


def slowdown_by_bin(fct: pd.DataFrame, percentiles=PERCENTILES) -> pd.DataFrame:
    """One row per size bin (all bins, empty ones too): count and each percentile of the
    slowdown of completed flows, and whether each percentile rests on too few flows."""
    done = fct[fct["slowdown"].notna()]
    idx = size_bin(done["size_bytes"].to_numpy())
    rows = []
    for i, label in enumerate(BIN_LABELS):
        s = done["slowdown"].to_numpy()[idx == i]
        row = {"bin": label, "lo_bytes": SIZE_EDGES[i],
               "hi_bytes": SIZE_EDGES[i + 1] if i + 1 < len(SIZE_EDGES) else math.inf,
               "count": len(s)}
        for p in percentiles:
            row[pct_name(p)] = percentile(s, p)
            row[pct_name(p) + "_thin"] = 0 < len(s) < min_samples(p)
        rows.append(row)
    return pd.DataFrame(rows)


def slowdown_by_class(fct: pd.DataFrame, percentiles=PERCENTILES) -> pd.DataFrame:
    done = fct[fct["slowdown"].notna()]
    rows = []
    for cls in FLOW_CLASSES:
        s = done["slowdown"][flow_class_mask(done["size_bytes"], cls)].to_numpy()
        row = {"class": cls, "count": len(s)}
        for p in percentiles:
            row[pct_name(p)] = percentile(s, p)
            row[pct_name(p) + "_thin"] = 0 < len(s) < min_samples(p)
        rows.append(row)
    return pd.DataFrame(rows)


def below_one(fct: pd.DataFrame) -> pd.DataFrame:
    """Flows faster than their ideal: impossible, so a bug in the backend or the ideal FCT."""
    below = fct["slowdown"] < 1.0
    if "fct_ns" in fct and "ideal_fct_ns" in fct:
        below |= fct["fct_ns"] < fct["ideal_fct_ns"]  # a rounded slowdown column can hide it
    return fct[below]


def ecdf(values):
    """Sorted values and the fraction of samples at or below each."""
    x = np.sort(np.asarray(values, dtype=float))
    return x, np.arange(1, len(x) + 1) / len(x) if len(x) else np.array([])


# --- Run context (from meta.json, docs/metrics.md "Inputs") ---------------------------------

def meta_number(run, key):
    v = run.meta.get(key)
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


_TIME_UNITS = {"ns": 1.0, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9}
_RATE_UNITS = {"bps": 1.0, "Kbps": 1e3, "Mbps": 1e6, "Gbps": 1e9, "Tbps": 1e12}


def parse_quantity(v, units):
    """A number with a unit as experiment.toml writes it ("500us", "25Gbps"); None if not one."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*([A-Za-zµ]+)\s*", str(v))
    if not m or m.group(2) not in units:
        return None
    return float(m.group(1)) * units[m.group(2)]


def incast_burst(run):
    """(start_ns, receiver) of the experiment's first single-burst incast, or None."""
    workloads = run.experiment.get("workload", [])
    for w in workloads if isinstance(workloads, list) else []:
        if isinstance(w, dict) and w.get("kind") == "incast" and not w.get("request_rate"):
            start = parse_quantity(w.get("start", 0), _TIME_UNITS)
            if start is not None:
                return start, w.get("receiver")
    return None


def event_ns(run):
    """meta event_ns, else the start of a single-burst incast in experiment.toml."""
    v = meta_number(run, "event_ns")
    if v is not None:
        return v
    burst = incast_burst(run)
    return burst[0] if burst else None


def bottleneck_port(run):
    """meta bottleneck_port, else the traced port into an incast's receiver, else the traced
    port with the highest peak queue."""
    port = run.meta.get("bottleneck_port")
    if isinstance(port, str) and port:
        return port
    if run.queue.empty:
        return None
    peaks = run.queue.groupby("port")["qlen_bytes"].max()
    burst = incast_burst(run)
    if burst and burst[1]:
        into = [p for p in peaks.index if str(p).endswith("->" + str(burst[1]))]
        if into:
            return str(max(into, key=lambda p: (peaks[p], p)))
    return str(peaks.idxmax())


def port_rate_bps(run, port):
    """meta port_rate_bps[port], else meta bottleneck_rate_bps for the bottleneck port, else
    the topology's host link rate for a port into a host (name ending in '->h<N>')."""
    rates = run.meta.get("port_rate_bps")
    if isinstance(rates, dict) and isinstance(rates.get(port), (int, float)):
        return float(rates[port])
    if port == run.meta.get("bottleneck_port") and meta_number(run, "bottleneck_rate_bps"):
        return meta_number(run, "bottleneck_rate_bps")
    if re.search(r"->h\d+$", str(port)):
        return parse_quantity(run.experiment.get("topology", {}).get("host_rate"), _RATE_UNITS)
    return None


def packet_bytes(run):
    """Bytes of one full-sized packet as queues count them: meta packet_bytes, else the MTU."""
    v = meta_number(run, "packet_bytes")
    if v is not None:
        return v
    mtu = run.experiment.get("transport", {}).get("mtu")
    return float(mtu) if isinstance(mtu, (int, float)) else None


def measure_window(run):
    """[t0, t1] in ns: meta measure_window_ns, else from event_ns (or the first trace sample)
    to the last trace sample."""
    w = run.meta.get("measure_window_ns")
    if isinstance(w, list) and len(w) == 2 and all(isinstance(x, (int, float)) for x in w):
        return float(w[0]), float(w[1])
    times = [df["time_ns"] for df in (run.queue, run.links, run.flows, run.buffer) if not df.empty]
    if not times:
        return None
    t0 = min(float(t.min()) for t in times)
    t1 = max(float(t.max()) for t in times)
    ev = event_ns(run)
    return (ev if ev is not None else t0), t1


# --- Queues ---------------------------------------------------------------------------------

def port_series(queue: pd.DataFrame, port: str) -> pd.DataFrame:
    return queue[queue["port"] == port].sort_values("time_ns", kind="stable")


def peak_queue(queue: pd.DataFrame, port: str, t0=None, t1=None) -> float:
    """Maximum qlen_bytes of `port` over samples with t0 <= time_ns <= t1."""
    q = port_series(queue, port)
    if t0 is not None:
        q = q[q["time_ns"] >= t0]
    if t1 is not None:
        q = q[q["time_ns"] <= t1]
    return float(q["qlen_bytes"].max()) if len(q) else math.nan


def drain_threshold(peak: float, beta_sum_bytes: float, pkt_bytes: float) -> float:
    return max(0.1 * peak, 2.0 * beta_sum_bytes + 2.0 * pkt_bytes)


@dataclass
class Drain:
    peak_bytes: float
    peak_ns: float
    threshold_bytes: float
    drained_ns: float  # first sample below the threshold after the peak; NaN: never
    drain_ns: float    # drained_ns - event; NaN: never drained within the trace


def drain_time(queue: pd.DataFrame, port: str, event: float, beta_sum_bytes: float,
               pkt_bytes: float, t1=None):
    """From `event` until `port`'s queue first falls below the threshold after its peak."""
    q = port_series(queue, port)
    q = q[q["time_ns"] >= event]
    if t1 is not None:
        q = q[q["time_ns"] <= t1]
    if q.empty:
        return None
    t = q["time_ns"].to_numpy(dtype=float)
    v = q["qlen_bytes"].to_numpy(dtype=float)
    k = int(np.argmax(v))
    thr = drain_threshold(v[k], beta_sum_bytes, pkt_bytes)
    after = np.flatnonzero(v[k:] < thr)
    if len(after) == 0:
        return Drain(v[k], t[k], thr, math.nan, math.nan)
    td = t[k + after[0]]
    return Drain(v[k], t[k], thr, td, td - event)


# --- Links ----------------------------------------------------------------------------------

def utilization(links: pd.DataFrame, port: str, t0: float, t1: float, rate_bps: float) -> float:
    """(tx_bytes(t1) - tx_bytes(t0)) * 8 / (rate * (t1 - t0)); the cumulative counter is
    interpolated linearly between samples, and the window clipped to the sampled span."""
    s = links[links["port"] == port].sort_values("time_ns", kind="stable")
    if len(s) < 2 or not rate_bps:
        return math.nan
    t = s["time_ns"].to_numpy(dtype=float)
    b = s["tx_bytes"].to_numpy(dtype=float)
    a, z = max(t0, t[0]), min(t1, t[-1])
    if z <= a:
        return math.nan
    sent = np.interp(z, t, b) - np.interp(a, t, b)
    return sent * 8.0 / (rate_bps * (z - a) * 1e-9)


# --- Throughput and fairness ----------------------------------------------------------------

def jain_index(x) -> float:
    """(sum x)^2 / (n * sum x^2); NaN for no flows or all-zero throughput."""
    x = np.asarray(x, dtype=float)
    if len(x) == 0:
        return math.nan
    sq = float(np.sum(x * x))
    return float(np.sum(x) ** 2 / (len(x) * sq)) if sq > 0 else math.nan


def flow_throughput(flows: pd.DataFrame) -> pd.DataFrame:
    """Per flow and trace interval: throughput = delta acked_bytes * 8 / delta t (b/s), stamped
    at the interval's end."""
    rows = []
    for fid, g in flows.sort_values("time_ns", kind="stable").groupby("flow_id", sort=True):
        t = g["time_ns"].to_numpy(dtype=float)
        a = g["acked_bytes"].to_numpy(dtype=float)
        dt = np.diff(t)
        ok = dt > 0
        rows.append(pd.DataFrame({"flow_id": fid, "time_ns": t[1:][ok],
                                  "bps": (np.diff(a)[ok] * 8.0 / (dt[ok] * 1e-9))}))
    if not rows:
        return pd.DataFrame(columns=["flow_id", "time_ns", "bps"])
    return pd.concat(rows, ignore_index=True)


def trace_step_ns(flows: pd.DataFrame) -> float:
    steps = []
    for _, g in flows.groupby("flow_id"):
        d = np.diff(np.sort(g["time_ns"].to_numpy(dtype=float)))
        steps.extend(d[d > 0])
    return float(np.median(steps)) if steps else math.nan


def jain_over_time(flows: pd.DataFrame, fct: pd.DataFrame | None = None) -> pd.DataFrame:
    """Jain's index of the traced flows' throughput per interval of a common time grid (step:
    the median trace interval). A flow counts in an interval when its trace covers the whole
    interval and it neither started nor finished inside it (fct.csv start_ns/end_ns)."""
    cols = ["t0_ns", "t1_ns", "n_flows", "jain", "total_bps"]
    step = trace_step_ns(flows)
    if flows.empty or not step > 0:
        return pd.DataFrame(columns=cols)
    lo, hi = float(flows["time_ns"].min()), float(flows["time_ns"].max())
    grid = lo + step * np.arange(int(math.floor((hi - lo) / step + 1e-9)) + 1)
    if len(grid) < 2:
        return pd.DataFrame(columns=cols)
    life = {}
    if fct is not None and not fct.empty:
        life = {int(r.flow_id): (r.start_ns, r.end_ns) for r in fct.itertuples()}
    per_flow = []
    for fid, g in flows.sort_values("time_ns", kind="stable").groupby("flow_id"):
        t = g["time_ns"].to_numpy(dtype=float)
        a = g["acked_bytes"].to_numpy(dtype=float)
        acked = np.interp(grid, t, a)
        rate = np.diff(acked) * 8.0 / (step * 1e-9)
        active = (grid[:-1] >= t[0]) & (grid[1:] <= t[-1])
        if int(fid) in life:
            start, end = life[int(fid)]
            active &= grid[:-1] >= start
            if not math.isnan(end):
                active &= grid[1:] <= end
        per_flow.append(np.where(active, rate, np.nan))
    m = np.vstack(per_flow)
    rows = []
    for k in range(len(grid) - 1):
        x = m[:, k][~np.isnan(m[:, k])]
        rows.append((grid[k], grid[k + 1], len(x), jain_index(x), float(np.sum(x))))
    return pd.DataFrame(rows, columns=cols)


def mean_jain(jt: pd.DataFrame) -> float:
    """Time-average of Jain's index over intervals with at least two active flows."""
    j = jt[(jt["n_flows"] >= 2)]["jain"].dropna() if len(jt) else pd.Series(dtype=float)
    return float(j.mean()) if len(j) else math.nan


# --- Buffers --------------------------------------------------------------------------------

def buffer_percentiles(buffer: pd.DataFrame, percentiles=(50.0, 99.0)) -> pd.DataFrame:
    rows = []
    for sw, g in buffer.groupby("switch", sort=True):
        row = {"switch": sw, "samples": len(g)}
        for p in percentiles:
            row[pct_name(p)] = percentile(g["used_bytes"], p)
        row["max"] = float(g["used_bytes"].max())
        rows.append(row)
    return pd.DataFrame(rows, columns=["switch", "samples", *[pct_name(p) for p in percentiles], "max"])


# --- The summary every report and comparison uses -------------------------------------------

@dataclass
class Metric:
    key: str
    unit: str
    value: float
    note: str = ""


def summary_metrics(run) -> list[Metric]:
    """The numbers `compare` prints, in a fixed order."""
    out = []
    fct = run.fct
    done = run.completed
    out.append(Metric("flows.completed", "flows", float(len(done))))
    out.append(Metric("flows.unfinished", "flows", float(len(fct) - len(done))))
    out.append(Metric("flows.slowdown_below_1", "flows", float(len(below_one(fct)))))
    out.append(Metric("flows.retransmits", "packets", float(fct["retransmits"].sum())))
    for r in slowdown_by_class(fct).to_dict("records"):
        out.append(Metric(f"slowdown.{r['class']}.count", "flows", float(r["count"])))
        for p in PERCENTILES:
            n = pct_name(p)
            out.append(Metric(f"slowdown.{r['class']}.{n}", "x", r[n],
                              "thin" if r[n + "_thin"] else ""))
    for r in slowdown_by_bin(fct).to_dict("records"):
        if r["count"] == 0:
            continue
        for p in PERCENTILES:
            n = pct_name(p)
            out.append(Metric(f"slowdown.bin_{r['bin']}.{n}", "x", r[n],
                              "thin" if r[n + "_thin"] else ""))
    win = measure_window(run)
    port = bottleneck_port(run)
    if port is not None:
        t0, t1 = win if win else (None, None)
        out.append(Metric("queue.peak", "bytes", peak_queue(run.queue, port, t0, t1), port))
        ev = event_ns(run)
        pkt = packet_bytes(run)
        if ev is not None and pkt is not None:
            d = drain_time(run.queue, port, ev, meta_number(run, "beta_bytes_sum") or 0.0, pkt,
                           t1)
            if d is not None:
                out.append(Metric("queue.drain_time", "ns", d.drain_ns, port))
        rate = port_rate_bps(run, port)
        if win and rate:
            out.append(Metric("link.utilization", "fraction",
                              utilization(run.links, port, win[0], win[1], rate), port))
    for r in buffer_percentiles(run.buffer).itertuples(index=False):
        out.append(Metric(f"buffer.{r.switch}.p99", "bytes", r.p99))
    if not run.flows.empty:
        jt = jain_over_time(run.flows, run.fct)
        out.append(Metric("fairness.jain_mean", "index", mean_jain(jt)))
        busy = jt[jt["n_flows"] > 0]["total_bps"] if len(jt) else pd.Series(dtype=float)
        out.append(Metric("throughput.traced_mean", "b/s", float(busy.mean()) if len(busy) else math.nan))
    return out
