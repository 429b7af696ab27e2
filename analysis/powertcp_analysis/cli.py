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
    ap.add_argument("--from", dest="t_from", type=float, metavar="US",
                    help="queue figure from this time, in microseconds of simulated/run time")
    ap.add_argument("--to", dest="t_to", type=float, metavar="US",
                    help="queue figure up to this time, in microseconds (with --from or alone; "
                         "without either, report.md adds a zoom around the incast)")
    args = ap.parse_args(argv)
    window = None
    if args.t_from is not None or args.t_to is not None:
        t0 = args.t_from * 1e3 if args.t_from is not None else None
        t1 = args.t_to * 1e3 if args.t_to is not None else None
        if (t0 is not None and t0 < 0) or (t0 is not None and t1 is not None and t1 <= t0):
            print(f"error: --from {args.t_from} / --to {args.t_to}: need 0 <= from < to "
                  "(microseconds)", file=sys.stderr)
            return EXIT_BAD_INPUT
        window = (t0 if t0 is not None else 0.0, t1 if t1 is not None else float("inf"))
    # Imported here so `--help` and input errors stay fast.
    from .results import load_runs
    from .report import write_report
    from .sweep import expand_sweeps
    try:
        # A sweep folder stands for its complete points, labelled by their parameters.
        folders, sweep_labels, sweep_notes = expand_sweeps(args.results)
        runs = load_runs(folders)
    except ResultsError as e:
        return _fail(e)
    for r in runs:
        r.label = sweep_labels.get(r.path, r.label)
    out = Path(args.out) if args.out else default_out(args.results)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Everything is written into a scratch folder next to the target and moved in at the end,
    # so a failure leaves no half-written report.
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        try:
            report, loud, notes = write_report(
                runs, tmp,
                ports=[p for p in (args.ports or "").split(",") if p] or None,
                switches=[s for s in (args.switches or "").split(",") if s] or None,
                window=window)
        except ValueError as e:  # a --from/--to window outside every trace
            print(f"error: {e}", file=sys.stderr)
            return EXIT_BAD_INPUT
        out.mkdir(exist_ok=True)
        for f in sorted(tmp.iterdir()):
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for w in loud:
        print(f"WARNING: {w}", file=sys.stderr)
    for n in sweep_notes + notes:
        print(f"note: {n}", file=sys.stderr)
    print(out / report.name)
    return 0


def compare_main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="powertcp compare",
        description="The numeric comparison of two results folders: per metric A, B, B-A and "
                    "(B-A)/|A| (docs/metrics.md). A and B may be two sweep folders (points with "
                    "equal parameters are compared), or A one sweep of two points.")
    ap.add_argument("a", metavar="A")
    ap.add_argument("b", metavar="B", nargs="?")
    ap.add_argument("--format", choices=("text", "csv", "markdown"), default="text")
    args = ap.parse_args(argv)
    from .compare import compare_runs, render_markdown, render_text
    from .report import below_one_warnings
    from .results import load_runs
    from .sweep import is_sweep, paired_points, sweep_points
    notes = []
    try:
        if args.b is None:  # one sweep of exactly two complete points
            if not is_sweep(args.a):
                raise ResultsError(Path(args.a), "give two results folders, two sweep folders, "
                                                 "or one sweep folder of two points")
            pts = [q for q in sweep_points(args.a) if q.complete]
            if len(pts) != 2:
                raise ResultsError(Path(args.a), f"{len(pts)} complete points; comparing one "
                                                 "sweep needs exactly two")
            pairs = [(pts[0].folder, pts[1].folder, None, (pts[0].label, pts[1].label))]
        elif is_sweep(args.a) and is_sweep(args.b):
            matched, notes = paired_points(args.a, args.b)
            if not matched:
                raise ResultsError(Path(args.b), f"no complete point has the same parameters as "
                                                 f"one of {args.a}")
            # Columns named after the sweeps (the runs may differ only in, say, the backend).
            names = (Path(args.a).name, Path(args.b).name)
            names = names if names[0] != names[1] else (str(args.a), str(args.b))
            pairs = [(qa.folder, qb.folder, qa.label, names) for qa, qb in matched]
        elif is_sweep(args.a) or is_sweep(args.b):
            raise ResultsError(Path(args.a if is_sweep(args.a) else args.b),
                               "a sweep folder compares with another sweep folder only")
        else:
            pairs = [(Path(args.a), Path(args.b), None, None)]
        loaded = [(load_runs([fa, fb]), heading, labels) for fa, fb, heading, labels in pairs]
    except ResultsError as e:
        return _fail(e)
    for i, ((a, b), heading, labels) in enumerate(loaded):
        if labels:
            a.label, b.label = labels
        table = compare_runs(a, b)
        if heading is not None and args.format != "csv":
            sys.stdout.write(("\n" if i else "") + f"== {heading} ==\n")
        if args.format == "csv":
            if heading is not None:
                table.insert(0, "point", heading)
            sys.stdout.write(table.to_csv(index=False, header=(i == 0)))
        elif args.format == "markdown":
            sys.stdout.write(render_markdown(table, a.label, b.label))
        else:
            sys.stdout.write(render_text(table, a.label, b.label))
        for w in below_one_warnings([a, b]):
            print(f"WARNING: {w}", file=sys.stderr)
        notes += a.warnings + b.warnings
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    return 0
