"""Command lines of analysis/plot.py and analysis/compare.py (exec'd by `powertcp plot|compare`)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import ResultsError

EXIT_BAD_INPUT = 2


def _fail(e: ResultsError) -> int:
    print(f"error: {e}", file=sys.stderr)
    return EXIT_BAD_INPUT


def default_out(results: list[str]) -> Path:
    return Path(results[0]) / "plots" if len(results) == 1 else Path("powertcp-plots")


def plot_main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="powertcp plot",
        description="Figures and report.md for one or more results folders (docs/metrics.md).")
    ap.add_argument("results", nargs="+", help="results folders (from any backend)")
    ap.add_argument("--out", help="output folder (default: RESULTS/plots for one folder, "
                                  "./powertcp-plots for several)")
    ap.add_argument("--ports", help="comma-separated switch ports for the queue figure, e.g. "
                                    "'tor0->h16' (default: each run's bottleneck port)")
    ap.add_argument("--switches", help="comma-separated switches for the buffer CDF "
                                       "(default: all, or the 9 fullest)")
    args = ap.parse_args(argv)
    # Imported here so `--help` and input errors stay fast.
    from .results import load_runs
    from .report import write_report
    try:
        runs = load_runs(args.results)
    except ResultsError as e:
        return _fail(e)
    out = Path(args.out) if args.out else default_out(args.results)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Everything is written into a scratch folder next to the target and moved in at the end,
    # so a failure leaves no half-written report.
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        report, loud, notes = write_report(
            runs, tmp,
            ports=[p for p in (args.ports or "").split(",") if p] or None,
            switches=[s for s in (args.switches or "").split(",") if s] or None)
        out.mkdir(exist_ok=True)
        for f in sorted(tmp.iterdir()):
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for w in loud:
        print(f"WARNING: {w}", file=sys.stderr)
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    print(out / report.name)
    return 0


def compare_main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="powertcp compare",
        description="The numeric comparison of two results folders: per metric A, B, B-A and "
                    "(B-A)/|A| (docs/metrics.md).")
    ap.add_argument("a", metavar="A")
    ap.add_argument("b", metavar="B")
    ap.add_argument("--format", choices=("text", "csv", "markdown"), default="text")
    args = ap.parse_args(argv)
    from .compare import compare_runs, render_markdown, render_text
    from .report import below_one_warnings
    from .results import load_runs
    try:
        a, b = load_runs([args.a, args.b])
    except ResultsError as e:
        return _fail(e)
    table = compare_runs(a, b)
    if args.format == "csv":
        sys.stdout.write(table.to_csv(index=False))
    elif args.format == "markdown":
        sys.stdout.write(render_markdown(table, a.label, b.label))
    else:
        sys.stdout.write(render_text(table, a.label, b.label))
    for w in below_one_warnings([a, b]):
        print(f"WARNING: {w}", file=sys.stderr)
    for n in a.warnings + b.warnings:
        print(f"note: {n}", file=sys.stderr)
    return 0
