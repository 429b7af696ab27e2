"""The queue figure's time window: `powertcp plot --from/--to` (microseconds) and the automatic
zoom around the event that report.md adds when a run is much longer than its incast."""

import re
import subprocess

import pandas as pd
import pytest

from fixture_runs import write_run
from powertcp_analysis import plots
from powertcp_analysis.results import load_run

PY = "/usr/bin/python3"


def plot(root, *args):
    p = subprocess.run([PY, str(root / "analysis" / "plot.py"), *map(str, args)],
                       capture_output=True, text=True)
    print(p.stdout, p.stderr)
    return p


def series(times, values):
    return pd.DataFrame({"time_ns": times, "qlen_bytes": values})


def test_in_window_keeps_the_sample_that_holds_at_the_start():
    s = series([0, 10, 20, 30, 40], [1, 2, 3, 4, 5])
    w = plots.in_window(s, (15, 30))
    # 10 holds its value (2) until 20: it draws the step from 15.
    assert w["time_ns"].tolist() == [10, 20, 30]
    assert w["qlen_bytes"].tolist() == [2, 3, 4]
    assert plots.in_window(s, (0, 40)).equals(s)
    assert plots.in_window(s, None).equals(s)
    assert plots.in_window(s, (50, 60))["time_ns"].tolist() == [40]  # the last value holds


def test_zoom_window_needs_an_event_and_a_base_rtt(tmp_path):
    # The fixture's queue is traced 0..100 us with event_ns 15 us.
    no_tau = load_run(write_run(tmp_path / "a", "a"))
    assert plots.zoom_window([no_tau]) is None
    # tau 200 ns: 40 tau = 8 us from the event, a tenth of that before it.
    short = load_run(write_run(tmp_path / "b", "a", extra_meta={"base_rtt_ns": 200}))
    assert plots.zoom_window([short]) == pytest.approx((15_000 - 800, 15_000 + 8_000))
    # tau 1 us: 44 us of window is more than a third of the 100 us trace: no zoom.
    long = load_run(write_run(tmp_path / "c", "a", extra_meta={"base_rtt_ns": 1000}))
    assert plots.zoom_window([long]) is None
    # Several runs: the earliest event, the largest tau.
    later = load_run(write_run(tmp_path / "d", "a",
                               extra_meta={"base_rtt_ns": 300, "event_ns": 20_000}))
    assert plots.zoom_window([short, later]) == pytest.approx((15_000 - 1_200, 15_000 + 12_000))


def test_from_to_limits_the_queue_figure(root, tmp_path):
    run = write_run(tmp_path / "run", "a")
    out = tmp_path / "out"
    p = plot(root, run, "--out", out, "--from", 20, "--to", 60)
    assert p.returncode == 0
    report = (out / "report.md").read_text()
    assert "Queue length over time (20.0 to 60.0 µs)" in report
    assert (out / "queue.png").stat().st_size > 1000
    # The x tick labels are the window's (20..60 us), not the whole 0..100 us trace.
    ticks = _x_tick_labels((out / "queue.svg").read_text())
    assert ticks[0] == "20" and ticks[-1] == "60", ticks
    whole = tmp_path / "whole"
    assert plot(root, run, "--out", whole).returncode == 0
    ticks = _x_tick_labels((whole / "queue.svg").read_text())
    assert ticks[0] == "0" and ticks[-1] == "100", ticks
    assert not (out / "queue_zoom.png").exists()  # an explicit window replaces the zoom


def _x_tick_labels(svg):
    # The figure style writes text as <text> elements: the x tick labels come first, then the
    # x axis label.
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return texts[:texts.index("time (µs)")]


def test_report_adds_a_zoom_around_the_event(root, tmp_path):
    run = write_run(tmp_path / "run", "a", extra_meta={"base_rtt_ns": 200})
    out = tmp_path / "out"
    assert plot(root, run, "--out", out).returncode == 0
    report = (out / "report.md").read_text()
    assert "(queue.png)" in report and "(queue_zoom.png)" in report
    assert "Queue length over time (14.2 to 23.0 µs)" in report
    for ext in ("png", "svg"):
        assert (out / f"queue_zoom.{ext}").stat().st_size > 1000
    # Without a base RTT in meta.json there is nothing to size the zoom by.
    out2 = tmp_path / "out2"
    assert plot(root, write_run(tmp_path / "plain", "a"), "--out", out2).returncode == 0
    assert "queue_zoom" not in (out2 / "report.md").read_text()


@pytest.mark.parametrize("args,message", [
    (["--from", 60, "--to", 20], "need 0 <= from < to"),
    (["--from", -5], "need 0 <= from < to"),
    (["--from", 500, "--to", 900], "holds no queue samples"),
])
def test_bad_windows_exit_2_and_write_nothing(root, tmp_path, args, message):
    run = write_run(tmp_path / "run", "a")
    out = tmp_path / "out"
    p = plot(root, run, "--out", out, *args)
    assert p.returncode == 2
    assert message in p.stderr
    assert not out.exists() or not any(out.iterdir())
