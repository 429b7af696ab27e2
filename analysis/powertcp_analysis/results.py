"""Loading and validating one results folder (format: docs/results.md, issue #4).

Everything is read and checked up front, so a tool either has every table it needs or stops
with a ResultsError naming the file, the column and the row before it writes anything.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ResultsError

# column -> (kind, may be empty). kind: "int" (whole numbers), "float", "str".
FCT_COLUMNS = {
    "flow_id": ("int", False),
    "src": ("str", False),
    "dst": ("str", False),
    "size_bytes": ("int", False),
    "start_ns": ("int", False),
    # A flow that had not finished when the run ended has no end, fct or slowdown.
    "end_ns": ("int", True),
    "fct_ns": ("int", True),
    "ideal_fct_ns": ("int", False),
    "slowdown": ("float", True),
    "retransmits": ("int", False),
}
QUEUE_COLUMNS = {"time_ns": ("int", False), "port": ("str", False), "qlen_bytes": ("int", False)}
BUFFER_COLUMNS = {"time_ns": ("int", False), "switch": ("str", False), "used_bytes": ("int", False)}
FLOWS_COLUMNS = {
    "time_ns": ("int", False),
    "flow_id": ("int", False),
    "cwnd_bytes": ("float", False),
    "rate_bps": ("float", False),
    "rtt_ns": ("float", True),  # no RTT sample yet at a flow's first trace point
    "acked_bytes": ("int", False),
}
LINKS_COLUMNS = {"time_ns": ("int", False), "port": ("str", False), "tx_bytes": ("int", False)}

TABLES = {
    "fct": ("fct.csv", FCT_COLUMNS),
    "queue": ("queue.csv", QUEUE_COLUMNS),
    "buffer": ("buffer.csv", BUFFER_COLUMNS),
    "flows": ("flows.csv", FLOWS_COLUMNS),
    "links": ("links.csv", LINKS_COLUMNS),
}
META_REQUIRED = ("schema_version", "backend", "algorithm")
SUPPORTED_SCHEMA = (1,)
BACKENDS = ("ns3", "dpdk", "model")


def read_table(path: Path, columns: dict) -> pd.DataFrame:
    """Reads a CSV and checks every column is present and every value has the right kind."""
    if not path.is_file():
        raise ResultsError(path, "file is missing")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise ResultsError(path, f"file is empty; expected a header line: {','.join(columns)}")
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise ResultsError(path, f"not a readable CSV file ({str(e).strip()})")
    raw.columns = [c.strip() for c in raw.columns]
    for col in columns:
        if col not in raw.columns:
            raise ResultsError(path, f"column is missing (header has: {','.join(raw.columns)})", col)
    out = {}
    for col, (kind, nullable) in columns.items():
        values = raw[col].str.strip()
        empty = values == ""
        if empty.any() and not nullable:
            row = int(np.flatnonzero(empty.to_numpy())[0])
            raise ResultsError(path, f"empty value on line {row + 2}", col)
        if kind == "str":
            out[col] = values
            continue
        numbers = pd.to_numeric(values.where(~empty, None), errors="coerce")
        bad = numbers.isna() & ~empty
        if kind == "int":
            finite = numbers.notna()
            bad |= finite & (numbers[finite] != np.floor(numbers[finite])).reindex(
                numbers.index, fill_value=False)
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise ResultsError(
                path, f"line {row + 2}: '{values.iloc[row]}' is not {'a whole number' if kind == 'int' else 'a number'}", col)
        if kind == "int" and not empty.any():
            out[col] = numbers.astype(np.int64)
        else:
            out[col] = numbers.astype(float)
    return pd.DataFrame(out, index=raw.index)


def _check_nonnegative(df: pd.DataFrame, path: Path, cols):
    for col in cols:
        neg = df[col] < 0
        if neg.any():
            row = int(np.flatnonzero(neg.to_numpy())[0])
            raise ResultsError(path, f"line {row + 2}: negative value {df[col].iloc[row]}", col)


@dataclass
class Run:
    """One results folder, loaded and validated."""

    path: Path
    meta: dict
    experiment: dict
    fct: pd.DataFrame
    queue: pd.DataFrame
    buffer: pd.DataFrame
    flows: pd.DataFrame
    links: pd.DataFrame
    warnings: list = field(default_factory=list)
    label: str = ""

    @property
    def name(self) -> str:
        return str(self.meta.get("experiment", self.meta.get("name")))

    @property
    def backend(self) -> str:
        return str(self.meta["backend"])

    @property
    def algorithm(self) -> str:
        alg = self.meta["algorithm"]
        if isinstance(alg, dict):
            return str(alg.get("name", "?"))
        return str(alg)

    @property
    def completed(self) -> pd.DataFrame:
        """Flows that finished (have an FCT and a slowdown)."""
        return self.fct[self.fct["slowdown"].notna()]


def _load_meta(path: Path) -> dict:
    if not path.is_file():
        raise ResultsError(path, "file is missing")
    try:
        meta = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ResultsError(path, f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}")
    if not isinstance(meta, dict):
        raise ResultsError(path, "expected a JSON object at the top level")
    for key in META_REQUIRED:
        if key not in meta:
            raise ResultsError(path, f"key '{key}' is missing")
    # The experiment's name: 'experiment' (cli/results_writer.cc) or 'name'.
    if not isinstance(meta.get("experiment", meta.get("name")), str):
        raise ResultsError(path, "key 'experiment' (the experiment's name) is missing")
    if meta["schema_version"] not in SUPPORTED_SCHEMA:
        raise ResultsError(path, f"schema_version {meta['schema_version']!r} is not supported "
                                 f"(this analysis reads {SUPPORTED_SCHEMA})")
    if meta["backend"] not in BACKENDS:
        raise ResultsError(path, f"key 'backend': '{meta['backend']}' is not one of {BACKENDS}")
    alg = meta["algorithm"]
    if not (isinstance(alg, str) or (isinstance(alg, dict) and "name" in alg)):
        raise ResultsError(path, "key 'algorithm': expected a name or an object with 'name'")
    return meta


def _load_experiment(path: Path) -> dict:
    if not path.is_file():
        raise ResultsError(path, "file is missing")
    try:
        return tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ResultsError(path, f"not valid TOML: {e}")


def load_run(folder) -> Run:
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(folder, "results folder does not exist")
    meta = _load_meta(folder / "meta.json")
    experiment = _load_experiment(folder / "experiment.toml")
    tables = {key: read_table(folder / fname, cols) for key, (fname, cols) in TABLES.items()}
    run = Run(path=folder, meta=meta, experiment=experiment, **tables)
    _check_nonnegative(run.fct, folder / "fct.csv", ["size_bytes", "start_ns", "retransmits"])
    bad_ideal = run.fct["ideal_fct_ns"] <= 0
    if bad_ideal.any():
        row = int(np.flatnonzero(bad_ideal.to_numpy())[0])
        raise ResultsError(folder / "fct.csv", f"line {row + 2}: ideal FCT must be positive", "ideal_fct_ns")
    for key in ("queue", "buffer", "links"):
        fname, cols = TABLES[key]
        _check_nonnegative(getattr(run, key), folder / fname,
                           [c for c, (k, _) in cols.items() if k == "int"])
    _check_consistency(run)
    return run


def _check_consistency(run: Run) -> None:
    """Warnings (not errors) for rows that disagree with themselves: a backend bug to report."""
    fct = run.fct
    done = fct["fct_ns"].notna() & fct["end_ns"].notna()
    off = done & ((fct["end_ns"] - fct["start_ns"]) != fct["fct_ns"])
    if off.any():
        run.warnings.append(f"{run.path / 'fct.csv'}: {int(off.sum())} flow(s) with fct_ns != end_ns - start_ns")
    ratio = fct["fct_ns"] / fct["ideal_fct_ns"]
    mism = fct["slowdown"].notna() & ((ratio - fct["slowdown"]).abs() > 1e-6 * ratio.abs())
    if mism.any():
        run.warnings.append(f"{run.path / 'fct.csv'}: {int(mism.sum())} flow(s) whose slowdown is not fct_ns/ideal_fct_ns")
    unfinished = int(fct["slowdown"].isna().sum())
    if unfinished:
        run.warnings.append(f"{run.path / 'fct.csv'}: {unfinished} flow(s) did not finish; "
                            "they are left out of FCT statistics")


def load_runs(folders) -> list[Run]:
    runs = [load_run(f) for f in folders]
    assign_labels(runs)
    return runs


def assign_labels(runs: list[Run]) -> None:
    """Labels 'algorithm/backend'; the experiment name, then the folder, are added when needed."""
    def labels(fn):
        return [fn(r) for r in runs]
    candidates = [
        lambda r: f"{r.algorithm}/{r.backend}",
        lambda r: f"{r.name}: {r.algorithm}/{r.backend}",
        lambda r: f"{r.name}: {r.algorithm}/{r.backend} ({r.path.name})",
    ]
    for fn in candidates:
        ls = labels(fn)
        if len(set(ls)) == len(ls):
            break
    else:
        ls = [f"{fn(r)} #{i + 1}" for i, r in enumerate(runs)]
    for r, label in zip(runs, ls):
        r.label = label
