"""The numeric comparison of two runs: per metric, both values, B - A and (B - A) / |A|."""

from __future__ import annotations

import math

import pandas as pd

from .metrics import summary_metrics

COLUMNS = ["metric", "unit", "A", "B", "diff", "pct", "note"]


def compare_runs(a, b) -> pd.DataFrame:
    ma = {m.key: m for m in summary_metrics(a)}
    mb = {m.key: m for m in summary_metrics(b)}
    keys = list(ma) + [k for k in mb if k not in ma]
    rows = []
    for k in keys:
        va = ma[k].value if k in ma else math.nan
        vb = mb[k].value if k in mb else math.nan
        diff = vb - va
        pct = diff / abs(va) * 100.0 if not math.isnan(diff) and va != 0 else math.nan
        unit = (ma.get(k) or mb.get(k)).unit
        notes = [f"{side}:{m.note}" for side, m in (("A", ma.get(k)), ("B", mb.get(k)))
                 if m is not None and m.note]
        rows.append([k, unit, va, vb, diff, pct, " ".join(notes)])
    return pd.DataFrame(rows, columns=COLUMNS)


def fmt_number(v, unit: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if unit in ("flows", "packets", "bytes", "ns") and float(v).is_integer():
        return f"{int(v)}"
    av = abs(v)
    if av != 0 and (av >= 1e6 or av < 1e-3):
        return f"{v:.4g}"
    return f"{v:.4f}".rstrip("0").rstrip(".")


def fmt_pct(v) -> str:
    return "-" if math.isnan(v) else f"{v:+.2f}%"


def render_text(table: pd.DataFrame, label_a: str, label_b: str) -> str:
    """A fixed-width table for terminals and CI logs."""
    head = ["metric", "unit", f"A: {label_a}", f"B: {label_b}", "B-A", "(B-A)/|A|", "note"]
    body = [[r.metric, r.unit, fmt_number(r.A, r.unit), fmt_number(r.B, r.unit),
             fmt_number(r.diff, r.unit), fmt_pct(r.pct), r.note]
            for r in table.itertuples(index=False)]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    lines = ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip()
             for row in [head, ["-" * w for w in widths], *body]]
    return "\n".join(lines) + "\n"


def render_markdown(table: pd.DataFrame, label_a: str, label_b: str) -> str:
    head = ["metric", "unit", f"A: {label_a}", f"B: {label_b}", "B-A", "(B-A)/\\|A\\|", "note"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in table.itertuples(index=False):
        out.append("| " + " | ".join([r.metric, r.unit, fmt_number(r.A, r.unit),
                                      fmt_number(r.B, r.unit), fmt_number(r.diff, r.unit),
                                      fmt_pct(r.pct), r.note]) + " |")
    return "\n".join(out) + "\n"
