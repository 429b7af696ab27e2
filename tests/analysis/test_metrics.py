"""Metrics against answers computed by hand (docs/metrics.md)."""

import math

import numpy as np
import pandas as pd
import pytest

from powertcp_analysis import metrics as M
from powertcp_analysis.results import load_run


def test_nearest_rank_percentile_by_hand():
    x = [35, 20, 15, 50, 40]  # sorted: 15 20 35 40 50
    assert M.percentile(x, 30) == 20   # rank ceil(1.5) = 2
    assert M.percentile(x, 40) == 20   # rank ceil(2.0) = 2
    assert M.percentile(x, 50) == 35   # rank ceil(2.5) = 3
    assert M.percentile(x, 100) == 50
    assert M.percentile(x, 0) == 15
    ten = list(range(1, 11))
    assert (M.percentile(ten, 50), M.percentile(ten, 99), M.percentile(ten, 99.9)) == (5, 10, 10)
    thousand = list(range(1, 1001))
    # 99.9% of 1000 is rank 999 exactly: the rounding guard must not push it to 1000.
    assert M.percentile(thousand, 99.9) == 999
    assert M.percentile(thousand, 99) == 990
    assert M.percentile(thousand, 50) == 500
    assert math.isnan(M.percentile([], 50))


def test_min_samples_for_a_percentile():
    assert M.min_samples(50) == 2
    assert M.min_samples(99) == 100
    assert M.min_samples(99.9) == 1000


def test_bin_edges_are_upper_inclusive():
    sizes = [0, 1, 5_000, 5_001, 10_000, 1_000_000, 1_000_001, 30_000_000, 30_000_001]
    labels = [M.BIN_LABELS[i] for i in M.size_bin(sizes)]
    assert labels == ["5K", "5K", "5K", "10K", "10K", "1M", "5M", "30M", ">30M"]
    assert len(M.BIN_LABELS) == 16 and M.BIN_RANGES[0] == "0-5K" and M.BIN_RANGES[-1] == ">30M"


def test_flow_classes_boundaries():
    s = pd.Series([9_999, 10_000, 99_999, 100_000, 1_000_000, 1_000_001])
    assert M.flow_class_mask(s, "short").tolist() == [True, False, False, False, False, False]
    assert M.flow_class_mask(s, "medium").tolist() == [False, False, False, True, True, False]
    assert M.flow_class_mask(s, "long").tolist() == [False, False, False, False, False, True]


def test_slowdown_by_bin_on_fixture(run_a):
    t = M.slowdown_by_bin(load_run(run_a).fct).set_index("bin")
    print(t[["count", "p50", "p99", "p99.9"]].to_string())
    assert len(t) == 16  # every bin, empty ones included
    assert t.loc["5K", ["count", "p50", "p99", "p99.9"]].tolist() == [10, 5, 10, 10]
    assert t.loc["10K", ["count", "p50", "p99", "p99.9"]].tolist() == [4, 4, 8, 8]
    assert t.loc["200K", ["count", "p50", "p99", "p99.9"]].tolist() == [2, 3, 5, 5]
    assert t.loc["5M", ["count", "p50", "p99", "p99.9"]].tolist() == [1, 7, 7, 7]
    # The unfinished 3000-byte flow is not counted.
    assert t["count"].sum() == 17


def test_empty_bins_are_nan_and_not_thin(run_a):
    t = M.slowdown_by_bin(load_run(run_a).fct).set_index("bin")
    for b in ("20K", "1M", ">30M"):
        assert t.loc[b, "count"] == 0
        assert math.isnan(t.loc[b, "p50"]) and math.isnan(t.loc[b, "p99.9"])
        assert not t.loc[b, "p99.9_thin"]
    empty = M.slowdown_by_bin(pd.DataFrame({"size_bytes": [], "slowdown": []}))
    assert (empty["count"] == 0).all() and empty["p99"].isna().all()


def test_thin_percentiles_are_marked():
    def fct(n):
        return pd.DataFrame({"size_bytes": [1000] * n, "slowdown": np.linspace(1, 2, n)})
    assert M.slowdown_by_bin(fct(999)).iloc[0]["p99.9_thin"]
    row = M.slowdown_by_bin(fct(1000)).iloc[0]
    assert not row["p99.9_thin"] and not row["p99_thin"]
    assert M.slowdown_by_bin(fct(99)).iloc[0]["p99_thin"]


def test_slowdown_by_class_on_fixture(run_a):
    t = M.slowdown_by_class(load_run(run_a).fct).set_index("class")
    # short: 1..10 and 2,4,6,8 -> sorted 1 2 2 3 4 4 5 6 6 7 8 8 9 10; p50 = rank 7 = 5.
    assert t.loc["short", ["count", "p50", "p99"]].tolist() == [14, 5, 10]
    assert t.loc["medium", ["count", "p50", "p99"]].tolist() == [2, 3, 5]
    assert t.loc["long", ["count", "p50"]].tolist() == [1, 7]


def test_below_one_is_found():
    fct = pd.DataFrame({"flow_id": [1, 2, 3], "size_bytes": [1, 1, 1], "slowdown": [1.0, 0.999, np.nan]})
    assert M.below_one(fct)["flow_id"].tolist() == [2]


def test_drain_time_on_fixture(run_a, run_b):
    a, b = load_run(run_a), load_run(run_b)
    d = M.drain_time(a.queue, "tor0->h0", 15_000, 1000, 1048)
    # peak 100000 at 30 us; threshold max(10000, 2*1000 + 2*1048 = 4096) = 10000; 5000 at 70 us.
    assert (d.peak_bytes, d.peak_ns, d.threshold_bytes, d.drained_ns, d.drain_ns) == \
        (100_000, 30_000, 10_000, 70_000, 55_000)
    d = M.drain_time(b.queue, "tor0->h0", 15_000, 1000, 1048)
    assert (d.peak_bytes, d.threshold_bytes, d.drain_ns) == (120_000, 12_000, 75_000)


def test_drain_threshold_from_beta_and_never_drained():
    assert M.drain_threshold(20_000, 5_000, 1_000) == 12_000  # 2*5000 + 2*1000 > 10% of peak
    q = pd.DataFrame({"time_ns": [0, 10, 20, 30], "port": ["p"] * 4,
                      "qlen_bytes": [0, 50_000, 40_000, 30_000]})
    d = M.drain_time(q, "p", 0, 0, 1000)
    assert d.peak_bytes == 50_000 and math.isnan(d.drain_ns)
    # Samples before the event are ignored: the queue at t=0 is already below any threshold.
    d = M.drain_time(q, "p", 5, 0, 1000)
    assert d.peak_ns == 10
    assert M.drain_time(q, "other", 0, 0, 1000) is None


def test_peak_queue_window(run_a):
    q = load_run(run_a).queue
    assert M.peak_queue(q, "tor0->h0") == 100_000
    assert M.peak_queue(q, "tor0->h0", 40_000, 60_000) == 80_000
    assert M.peak_queue(q, "tor0->h1") == 10_000


def test_utilization_by_hand(run_a, run_b):
    a, b = load_run(run_a), load_run(run_b)
    # 25000 bytes per 10 us on 25 Gb/s = 0.8, whatever the window (interpolated inside samples).
    assert M.utilization(a.links, "tor0->h0", 15_000, 100_000, 25e9) == pytest.approx(0.8)
    assert M.utilization(a.links, "tor0->h0", 0, 1e12, 25e9) == pytest.approx(0.8)
    assert M.utilization(b.links, "tor0->h0", 0, 50_000, 25e9) == pytest.approx(1.0)
    # 1000 bytes per 10 us on tor0->h1 = 0.8 Gb/s of 25 = 0.032.
    assert M.utilization(a.links, "tor0->h1", 0, 100_000, 25e9) == pytest.approx(0.032)
    assert math.isnan(M.utilization(a.links, "nope", 0, 100_000, 25e9))


def test_jain_index_by_hand():
    assert M.jain_index([8, 4]) == pytest.approx(0.9)
    assert M.jain_index([1, 1, 1, 1]) == pytest.approx(1.0)
    assert M.jain_index([1, 0, 0, 0]) == pytest.approx(0.25)
    assert math.isnan(M.jain_index([]))
    assert math.isnan(M.jain_index([0, 0]))


def test_throughput_and_jain_over_time_on_fixture(run_a):
    a = load_run(run_a)
    th = M.flow_throughput(a.flows)
    assert th[th["flow_id"] == 100]["bps"].tolist() == pytest.approx([8e9] * 10)
    assert th[th["flow_id"] == 101]["bps"].tolist() == pytest.approx([4e9] * 10)
    jt = M.jain_over_time(a.flows, a.fct)
    assert len(jt) == 10 and (jt["n_flows"] == 2).all()
    assert jt["jain"].tolist() == pytest.approx([0.9] * 10)
    assert jt["total_bps"].tolist() == pytest.approx([12e9] * 10)
    assert M.mean_jain(jt) == pytest.approx(0.9)


def test_jain_counts_only_flows_in_progress():
    # Flow 1 runs 0..100; flow 2 starts at 40 and ends at 70 (fct.csv): it counts in the
    # intervals [40,50], [50,60], [60,70] only.
    rows = []
    for t in range(0, 101, 10):
        rows.append((t, 1, t * 100))
        rows.append((t, 2, min(max(t - 40, 0), 30) * 300))
    flows = pd.DataFrame(rows, columns=["time_ns", "flow_id", "acked_bytes"])
    fct = pd.DataFrame({"flow_id": [1, 2], "start_ns": [0, 40], "end_ns": [np.nan, 70]})
    jt = M.jain_over_time(flows, fct)
    assert jt["n_flows"].tolist() == [1, 1, 1, 1, 2, 2, 2, 1, 1, 1]
    both = jt[jt["n_flows"] == 2]
    # rates 100 and 300 bytes/ns: (400)^2 / (2 * (100^2 + 300^2)) = 0.8
    assert both["jain"].tolist() == pytest.approx([0.8] * 3)
    assert M.mean_jain(jt) == pytest.approx(0.8)


def test_buffer_percentiles_on_fixture(run_a):
    t = M.buffer_percentiles(load_run(run_a).buffer).set_index("switch")
    # 0, 1000, ..., 9000: p50 = rank 5 = 4000, p99 = rank 10 = 9000.
    assert t.loc["tor0", ["samples", "p50", "p99", "max"]].tolist() == [10, 4000, 9000, 9000]


def test_below_one_seen_through_a_rounded_slowdown_column():
    # 9999/10000 written with 6 decimals would read 1.000000 (cli/results_writer.cc uses {:.6f}).
    fct = pd.DataFrame({"flow_id": [1, 2], "size_bytes": [1, 1], "fct_ns": [9_999_999, 10_000_000],
                        "ideal_fct_ns": [10_000_000, 10_000_000], "slowdown": [1.0, 1.0]})
    assert M.below_one(fct)["flow_id"].tolist() == [1]


def test_parse_quantity():
    assert M.parse_quantity("28.8us", M._TIME_UNITS) == pytest.approx(28_800)
    assert M.parse_quantity("6ms", M._TIME_UNITS) == 6e6
    assert M.parse_quantity("1s", M._TIME_UNITS) == 1e9
    assert M.parse_quantity(500, M._TIME_UNITS) == 500
    assert M.parse_quantity("25Gbps", M._RATE_UNITS) == 25e9
    assert M.parse_quantity("100Mbps", M._RATE_UNITS) == 1e8
    assert M.parse_quantity("fast", M._RATE_UNITS) is None
    assert M.parse_quantity("5 parsecs", M._TIME_UNITS) is None


INCAST_TOML = """\
[topology]
kind = "leaf-spine"
tors = 2
spines = 2
servers_per_tor = 2
host_rate = "25Gbps"
host_delay = "1us"

[transport]
mtu = 1048

[cc]
algorithm = "powertcp"

[[workload]]
kind = "long-flows"
flows = [{ src = "h2", dst = "h1", start = "0us" }]

[[workload]]
kind = "incast"
fan_in = 1
bytes = 2000000
request_rate = 0.0
receiver = "h1"
start = "15us"
"""


def test_context_falls_back_to_experiment_toml(tmp_path):
    from fixture_runs import write_run
    none = {"event_ns": None, "bottleneck_port": None, "bottleneck_rate_bps": None,
            "port_rate_bps": None, "packet_bytes": None}
    folder = write_run(tmp_path / "r", "a", extra_meta=none)
    (folder / "experiment.toml").write_text(INCAST_TOML)
    run = load_run(folder)
    assert M.event_ns(run) == 15_000
    # The port into the incast's receiver h1, although tor0->h0 has the higher peak.
    assert M.bottleneck_port(run) == "tor0->h1"
    assert M.port_rate_bps(run, "tor0->h1") == 25e9  # host_rate, a port into a host
    assert M.port_rate_bps(run, "tor0->core0") is None
    assert M.packet_bytes(run) == 1048
    metrics = {m.key: m for m in M.summary_metrics(run)}
    assert metrics["queue.peak"].value == 10_000 and metrics["queue.peak"].note == "tor0->h1"
    assert metrics["link.utilization"].value == pytest.approx(0.032)
    # tor0->h1 = qa // 10: peak 10000 at 30 us, threshold max(1000, 2*1000 + 2*1048) = 4096,
    # samples after the peak 8000, 4000 (at 50 us: below) -> 35 us after the burst at 15 us.
    assert metrics["queue.drain_time"].value == 35_000
