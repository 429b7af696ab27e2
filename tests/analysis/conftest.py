"""Shared fixtures: the analysis package on sys.path, and hand-checked results folders."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "analysis"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixture_runs import write_run  # noqa: E402


@pytest.fixture
def root():
    return ROOT


@pytest.fixture
def run_a(tmp_path):
    """A results folder labelled ns3 (variant a of fixture_runs.py)."""
    return write_run(tmp_path / "a", "a")


@pytest.fixture
def run_b(tmp_path):
    """The same experiment labelled dpdk (variant b: slowdowns x1.5, other numbers changed)."""
    return write_run(tmp_path / "b", "b")
