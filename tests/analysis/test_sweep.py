"""Sweep folders (sweep.json from `powertcp sweep`) taken whole by plot and compare."""

import json
import subprocess

import pytest

from fixture_runs import write_run
from powertcp_analysis.errors import ResultsError
from powertcp_analysis.sweep import expand_sweeps, paired_points, sweep_points

PY = "/usr/bin/python3"


def make_sweep(folder, points, variant="a"):
    """points: [(params, complete)]; writes sweep.json as cli/sweep_index.cc does."""
    folder.mkdir(parents=True)
    entries = []
    for i, (params, complete) in enumerate(points):
        d = f"point-{i:03}"
        if complete:
            write_run(folder / d, variant, algorithm=params.get("cc.algorithm", "powertcp"))
        entries.append({"id": i, "dir": d, "params": params,
                        "sets": [f"{k}={v}" for k, v in params.items()],
                        "state": "ok" if complete else "failed", "exit_code": 0 if complete else 2,
                        "reason": "", "log": f"logs/{d}-local.log", "job": ""})
    (folder / "sweep.json").write_text(json.dumps({
        "schema_version": 1, "kind": "powertcp-sweep", "experiment": "/x/exp.toml",
        "backend": "ns3", "sets": [], "vary": [], "keys": list(points[0][0]),
        "executor": "local", "slurm": {"args": "", "time": "", "mem": "", "jobs": []},
        "points": entries}))
    return folder


def run(root, script, *args):
    p = subprocess.run([PY, str(root / "analysis" / script), *map(str, args)],
                       capture_output=True, text=True)
    print(p.stdout, p.stderr)
    return p


def test_expand_keeps_complete_points_in_order(tmp_path):
    s = make_sweep(tmp_path / "s", [({"cc.algorithm": "powertcp", "run.seed": "1"}, True),
                                    ({"cc.algorithm": "powertcp", "run.seed": "2"}, False),
                                    ({"cc.algorithm": "hpcc", "run.seed": "1"}, True)])
    plain = write_run(tmp_path / "plain")
    folders, labels, notes = expand_sweeps([s, plain])
    assert folders == [s / "point-000", s / "point-002", plain]
    assert labels[s / "point-002"] == "cc.algorithm=hpcc run.seed=1"
    assert plain not in labels
    assert len(notes) == 1 and "1 of 3 points not complete" in notes[0] and "point-001 (failed)" in notes[0]


def test_a_point_without_meta_json_is_not_a_result(tmp_path):
    s = make_sweep(tmp_path / "s", [({"run.seed": "1"}, True), ({"run.seed": "2"}, True)])
    (s / "point-001" / "meta.json").unlink()  # what a killed write would leave, were it renamed
    folders, _, notes = expand_sweeps([s])
    assert folders == [s / "point-000"]
    assert notes


def test_broken_index_names_the_file(tmp_path):
    s = tmp_path / "s"
    s.mkdir()
    (s / "sweep.json").write_text("{\"kind\": \"powertcp-sweep\", \"points\": [{\"dir\": \"../x\"}]}")
    with pytest.raises(ResultsError) as e:
        sweep_points(s)
    assert "sweep.json" in str(e.value) and "points[0]" in str(e.value)
    (s / "sweep.json").write_text("{not json")
    with pytest.raises(ResultsError, match="not valid JSON"):
        sweep_points(s)
    empty = make_sweep(tmp_path / "e", [({"run.seed": "1"}, False)])
    with pytest.raises(ResultsError, match="no point of this sweep is complete"):
        expand_sweeps([empty])


def test_pairs_by_parameters_not_by_position(tmp_path):
    a = make_sweep(tmp_path / "a", [({"run.seed": "1"}, True), ({"run.seed": "2"}, True),
                                    ({"run.seed": "3"}, True)])
    b = make_sweep(tmp_path / "b", [({"run.seed": "2"}, True), ({"run.seed": "1"}, True),
                                    ({"run.seed": "3"}, False)], variant="b")
    pairs, notes = paired_points(a, b)
    assert [(qa.folder.name, qb.folder.name) for qa, qb in pairs] == [("point-000", "point-001"),
                                                                      ("point-001", "point-000")]
    assert notes == ["run.seed=3: not complete in both sweeps, left out"]


def test_compare_one_sweep_of_two_points(root, tmp_path):
    s = make_sweep(tmp_path / "s", [({"cc.algorithm": "powertcp"}, True), ({"cc.algorithm": "hpcc"}, True)])
    p = run(root, "compare.py", s)
    assert p.returncode == 0
    assert "cc.algorithm=powertcp" in p.stdout and "cc.algorithm=hpcc" in p.stdout
    assert "slowdown.short.p50" in p.stdout
    three = make_sweep(tmp_path / "t", [({"run.seed": str(i)}, True) for i in range(3)])
    p = run(root, "compare.py", three)
    assert p.returncode == 2 and "3 complete points" in p.stderr


def test_compare_two_sweeps_point_by_point(root, tmp_path):
    a = make_sweep(tmp_path / "sim", [({"run.seed": "1"}, True), ({"run.seed": "2"}, True)])
    b = make_sweep(tmp_path / "testbed", [({"run.seed": "2"}, True), ({"run.seed": "1"}, True)], variant="b")
    p = run(root, "compare.py", a, b)
    assert p.returncode == 0
    assert p.stdout.index("== run.seed=1 ==") < p.stdout.index("== run.seed=2 ==")
    assert "A: sim" in p.stdout and "B: testbed" in p.stdout
    p = run(root, "compare.py", a, b, "--format", "csv")
    lines = p.stdout.splitlines()
    assert lines[0].startswith("point,metric,")
    assert sum(1 for line in lines if line.startswith("point,")) == 1, "one header"
    assert any(line.startswith("run.seed=2,slowdown.short.p50,") for line in lines)
    p = run(root, "compare.py", a, write_run(tmp_path / "plain"))
    assert p.returncode == 2 and "sweep folder compares with another sweep folder only" in p.stderr


def test_plot_a_whole_sweep(root, tmp_path):
    s = make_sweep(tmp_path / "s", [({"cc.algorithm": "powertcp"}, True), ({"cc.algorithm": "hpcc"}, True),
                                    ({"cc.algorithm": "dctcp"}, False)])
    p = run(root, "plot.py", s)
    assert p.returncode == 0
    report = (s / "plots" / "report.md").read_text()
    assert "cc.algorithm=powertcp" in report and "cc.algorithm=hpcc" in report
    assert "points not complete" in p.stderr
