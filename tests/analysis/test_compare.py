"""The comparison table, checked by hand on the fixtures (numbers in fixture_runs.py)."""

import io
import math
import subprocess

import pandas as pd
import pytest

from powertcp_analysis.compare import compare_runs
from powertcp_analysis.results import load_runs
from fixture_runs import write_run

PY = "/usr/bin/python3"


def table(a, b):
    t = compare_runs(*load_runs([a, b]))
    return t.set_index("metric")


def test_numbers_by_hand(run_a, run_b):
    t = table(run_a, run_b)
    print(t.to_string())
    expect = {
        # metric: (A, B, B - A, (B - A)/|A| in %)
        "flows.completed": (17, 17, 0, 0.0),
        "flows.unfinished": (1, 1, 0, 0.0),
        "flows.retransmits": (0, 17, 17, math.nan),
        "slowdown.short.p50": (5, 7.5, 2.5, 50.0),
        "slowdown.short.p99.9": (10, 15, 5, 50.0),
        "slowdown.medium.p50": (3, 4.5, 1.5, 50.0),
        "slowdown.long.p99": (7, 10.5, 3.5, 50.0),
        "slowdown.bin_10K.p99": (8, 12, 4, 50.0),
        "queue.peak": (100_000, 120_000, 20_000, 20.0),
        "queue.drain_time": (55_000, 75_000, 20_000, 20_000 / 55_000 * 100),
        "link.utilization": (0.8, 1.0, 0.2, 25.0),
        "buffer.tor0.p99": (9_000, 18_000, 9_000, 100.0),
        "fairness.jain_mean": (0.9, 1.0, 0.1, 100 / 9),
        "throughput.traced_mean": (12e9, 16e9, 4e9, 100 / 3),
    }
    for k, (a, b, d, pct) in expect.items():
        row = t.loc[k]
        assert (row.A, row.B, row["diff"]) == pytest.approx((a, b, d)), k
        if math.isnan(pct):
            assert math.isnan(row.pct), k
        else:
            assert row.pct == pytest.approx(pct), k
    assert t.loc["slowdown.short.p99", "note"] == "A:thin B:thin"
    assert t.loc["slowdown.short.p50", "note"] == ""
    assert "slowdown.bin_20K.p50" not in t.index  # empty bins are not compared


def test_metric_missing_on_one_side(run_a, tmp_path):
    b = write_run(tmp_path / "noevent", "b", extra_meta={"event_ns": None})
    t = table(run_a, b)
    row = t.loc["queue.drain_time"]
    assert row.A == 55_000 and math.isnan(row.B) and math.isnan(row["diff"])


def test_cli_prints_table_only(root, run_a, run_b):
    p = subprocess.run([PY, str(root / "analysis" / "compare.py"), run_a, run_b],
                       capture_output=True, text=True)
    print(p.stdout)
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    assert lines[0].split() [:4] == ["metric", "unit", "A:", "powertcp/ns3"]
    peak = next(l for l in lines if l.startswith("queue.peak"))
    assert peak.split()[:6] == ["queue.peak", "bytes", "100000", "120000", "20000", "+20.00%"]
    assert not any(l.startswith("#") or ".png" in l for l in lines)


def test_cli_csv(root, run_a, run_b):
    p = subprocess.run([PY, str(root / "analysis" / "compare.py"), run_a, run_b, "--format", "csv"],
                       capture_output=True, text=True)
    assert p.returncode == 0
    t = pd.read_csv(io.StringIO(p.stdout)).set_index("metric")
    assert t.loc["link.utilization", ["A", "B"]].tolist() == pytest.approx([0.8, 1.0])
    assert t.loc["queue.drain_time", "pct"] == pytest.approx(36.3636, abs=1e-3)
