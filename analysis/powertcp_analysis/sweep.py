"""Sweep folders (`powertcp sweep`, docs/cluster.md) expanded into their results folders.

A sweep folder holds sweep.json: per point its parameters (the --vary values) and its results
folder. Only complete points (meta.json present: the atomic writer writes it last) are results;
the others are left out with a note, so a half-finished sweep can be looked at already.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import ResultsError

INDEX = "sweep.json"


@dataclass
class SweepPoint:
    folder: Path
    params: dict
    state: str

    @property
    def complete(self) -> bool:
        return (self.folder / "meta.json").is_file()

    @property
    def label(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.params.items())


def is_sweep(path) -> bool:
    return (Path(path) / INDEX).is_file()


def sweep_points(folder) -> list[SweepPoint]:
    """Every point of a sweep folder, in point order. Raises ResultsError for a broken index."""
    folder = Path(folder)
    path = folder / INDEX
    try:
        index = json.loads(path.read_text())
    except OSError as e:
        raise ResultsError(path, f"cannot read ({e.strerror})")
    except json.JSONDecodeError as e:
        raise ResultsError(path, f"not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}")
    if not isinstance(index, dict) or index.get("kind") != "powertcp-sweep":
        raise ResultsError(path, "not a powertcp sweep index (kind is not 'powertcp-sweep')")
    points = index.get("points")
    if not isinstance(points, list):
        raise ResultsError(path, "key 'points' is missing or not a list")
    out = []
    for i, p in enumerate(points):
        if not isinstance(p, dict) or not isinstance(p.get("dir"), str) or not p["dir"] \
                or "/" in p["dir"] or p["dir"].startswith("."):
            raise ResultsError(path, f"points[{i}]: 'dir' must be a folder name inside the sweep")
        params = p.get("params", {})
        if not isinstance(params, dict):
            raise ResultsError(path, f"points[{i}]: 'params' must be an object")
        out.append(SweepPoint(folder / p["dir"], {str(k): str(v) for k, v in params.items()},
                              str(p.get("state", "?"))))
    return out


def expand_sweeps(paths) -> tuple[list[Path], dict[Path, str], list[str]]:
    """Replaces each sweep folder in `paths` by its complete points' folders (other paths are
    kept as they are). Returns (folders, labels for the sweep points, notes)."""
    folders, labels, notes = [], {}, []
    sweeps = [p for p in paths if is_sweep(p)]
    for p in paths:
        if not is_sweep(p):
            folders.append(Path(p))
            continue
        points = sweep_points(p)
        done = [q for q in points if q.complete]
        missing = [q for q in points if not q.complete]
        if missing:
            notes.append(f"{p}: {len(missing)} of {len(points)} points not complete, left out: "
                         + ", ".join(f"{q.folder.name} ({q.state})" for q in missing))
        if not done:
            raise ResultsError(Path(p) / INDEX, "no point of this sweep is complete yet")
        for q in done:
            folders.append(q.folder)
            # Several sweeps: name the sweep too, so equal parameters stay apart.
            labels[q.folder] = (f"{Path(p).name}: " if len(sweeps) > 1 else "") + (q.label or q.folder.name)
    return folders, labels, notes


def paired_points(a, b) -> tuple[list[tuple[SweepPoint, SweepPoint]], list[str]]:
    """The complete points of sweeps a and b with equal parameters, in a's order, and notes on
    the points that have no complete partner."""
    pa, pb = sweep_points(a), sweep_points(b)
    by_params = {tuple(sorted(q.params.items())): q for q in pb}
    pairs, notes = [], []
    for q in pa:
        other = by_params.get(tuple(sorted(q.params.items())))
        if other is None:
            notes.append(f"{a}: {q.folder.name} ({q.label}) has no point with the same parameters in {b}")
        elif not (q.complete and other.complete):
            notes.append(f"{q.label}: not complete in both sweeps, left out")
        else:
            pairs.append((q, other))
    return pairs, notes
