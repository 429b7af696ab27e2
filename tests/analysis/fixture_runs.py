"""Small results folders with answers computed by hand (see the comments and test_metrics.py).

Variant "a" is labelled ns3, variant "b" dpdk: the same experiment, numbers chosen so every
difference is easy to check by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

IDEAL_NS = 10_000

# (size_bytes, slowdowns) of completed flows. Bin "5K" gets 10 flows with slowdowns 1..10,
# bin "10K" 4 flows, bin "200K" 2 flows, bin "5M" one flow.
FLOWS = [
    (1_000, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    (8_000, [2, 4, 6, 8]),
    (150_000, [3, 5]),
    (2_000_000, [7]),
]

EXPERIMENT_TOML = """\
name = "fixture"

[topology]
kind = "star"
hosts = 4
link_rate = "25Gbps"

[transport]
mtu = 1048

[cc]
algorithm = "{alg}"

[run]
seed = 1
"""


def write_run(folder: Path, variant: str = "a", algorithm: str = "powertcp",
              slowdown_factor: float | None = None, extra_meta: dict | None = None) -> Path:
    """Writes a complete results folder; returns it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    b = variant == "b"
    factor = slowdown_factor if slowdown_factor is not None else (1.5 if b else 1.0)
    meta = {
        "schema_version": 1, "backend": "dpdk" if b else "ns3", "seed": 1, "scale": 1,
        "versions": {"powertcp": "0.1.0"}, "git_commit": "0123456789abcdef", "host": "test",
        "wall_time_s": 1.0, "counters": {"drops": 0, "pauses": 0},
        "event_ns": 15_000, "bottleneck_port": "tor0->h0", "bottleneck_rate_bps": 25e9,
        "port_rate_bps": {"tor0->h0": 25e9, "tor0->h1": 25e9},
        "beta_bytes_sum": 1000, "packet_bytes": 1048,
    }
    if b:  # as cli/results_writer.cc writes it
        meta.update({"experiment": "fixture", "algorithm": algorithm, "cc_params": {"gamma": 0.9}})
    else:  # the other accepted form
        meta.update({"name": "fixture", "algorithm": {"name": algorithm, "params": {"gamma": 0.9}}})
    meta.update(extra_meta or {})
    meta = {k: v for k, v in meta.items() if v is not None}
    (folder / "meta.json").write_text(json.dumps(meta, indent=1))
    (folder / "experiment.toml").write_text(EXPERIMENT_TOML.format(alg=algorithm))

    lines = ["flow_id,src,dst,size_bytes,start_ns,end_ns,fct_ns,ideal_fct_ns,slowdown,retransmits"]
    fid = 0
    for size, sds in FLOWS:
        for s in sds:
            fct = round(s * factor * IDEAL_NS)
            start = fid * 1000
            lines.append(f"{fid},h1,h0,{size},{start},{start + fct},{fct},{IDEAL_NS},"
                         f"{fct / IDEAL_NS!r},{1 if b else 0}")
            fid += 1
    lines.append(f"{fid},h2,h0,3000,0,,,{IDEAL_NS},,0")  # did not finish
    (folder / "fct.csv").write_text("\n".join(lines) + "\n")

    # Bottleneck queue, 10 us samples. a: peak 100000 at 30 us, first below
    # max(10% * 100000, 2*1000 + 2*1048) = 10000 at 70 us -> drain 70 - 15 = 55 us.
    # b: peak 120000 at 40 us, threshold 12000, first below at 90 us -> drain 75 us.
    qa = [0, 0, 50_000, 100_000, 80_000, 40_000, 15_000, 5_000, 2_000, 1_000, 0]
    qb = [0, 0, 30_000, 90_000, 120_000, 90_000, 60_000, 30_000, 20_000, 8_000, 0]
    q = qb if b else qa
    rows = ["time_ns,port,qlen_bytes"]
    for k, v in enumerate(q):
        rows.append(f"{k * 10_000},tor0->h0,{v}")
        rows.append(f"{k * 10_000},tor0->h1,{v // 10}")
    (folder / "queue.csv").write_text("\n".join(rows) + "\n")

    # Buffer: tor0 used = 0, 1000, ..., 9000 (a) or twice that (b): p50 4000/8000, p99 9000/18000.
    rows = ["time_ns,switch,used_bytes"]
    for k in range(10):
        rows.append(f"{k * 10_000},tor0,{k * 1000 * (2 if b else 1)}")
    (folder / "buffer.csv").write_text("\n".join(rows) + "\n")

    # Link: a sends 25000 bytes per 10 us on a 25 Gb/s port: utilization 0.8 over any window;
    # b sends 31250 per 10 us: 1.0.
    per = 31_250 if b else 25_000
    rows = ["time_ns,port,tx_bytes"]
    for k in range(11):
        rows.append(f"{k * 10_000},tor0->h0,{k * per}")
        rows.append(f"{k * 10_000},tor0->h1,{k * 1000}")
    (folder / "links.csv").write_text("\n".join(rows) + "\n")

    # Two traced flows (not in fct.csv): a: 10000 and 5000 bytes per 10 us = 8 and 4 Gb/s,
    # Jain = 12^2 / (2 * (64 + 16)) = 0.9; b: 8 and 8 Gb/s, Jain 1.
    rows = ["time_ns,flow_id,cwnd_bytes,rate_bps,rtt_ns,acked_bytes"]
    for k in range(11):
        rows.append(f"{k * 10_000},100,90000,8e9,{'' if k == 0 else 30000},{k * 10_000}")
        rows.append(f"{k * 10_000},101,45000,4e9,30000,{k * (10_000 if b else 5_000)}")
    (folder / "flows.csv").write_text("\n".join(rows) + "\n")
    return folder
