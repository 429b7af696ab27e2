"""Missing and malformed input: a message naming the file (and column), exit code 2."""

import json
import subprocess
import sys

import pytest

from powertcp_analysis.errors import ResultsError
from powertcp_analysis.results import load_run

PY = "/usr/bin/python3"


def run_tool(root, tool, *args, cwd=None):
    return subprocess.run([PY, str(root / "analysis" / tool), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


def test_fixture_loads_cleanly(run_a):
    r = load_run(run_a)
    assert r.backend == "ns3" and r.algorithm == "powertcp" and r.name == "fixture"
    assert len(r.fct) == 18 and len(r.completed) == 17
    assert r.experiment["transport"]["mtu"] == 1048


def test_missing_file_names_the_file(run_a, root, tmp_path):
    (run_a / "fct.csv").unlink()
    with pytest.raises(ResultsError) as e:
        load_run(run_a)
    assert str(run_a / "fct.csv") in str(e.value) and "missing" in str(e.value)
    out = tmp_path / "out"
    p = run_tool(root, "plot.py", run_a, "--out", out)
    print(p.stderr)
    assert p.returncode == 2
    assert "fct.csv" in p.stderr and "file is missing" in p.stderr
    assert not out.exists()  # nothing half-written


def test_missing_column_names_file_and_column(run_a, root):
    path = run_a / "fct.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(l.rsplit(",", 2)[0] + "," + l.rsplit(",", 1)[1] for l in lines) + "\n")
    with pytest.raises(ResultsError) as e:
        load_run(run_a)
    msg = str(e.value)
    print(msg)
    assert "fct.csv" in msg and "column 'slowdown'" in msg and "missing" in msg
    p = run_tool(root, "compare.py", run_a, run_a)
    assert p.returncode == 2 and "column 'slowdown'" in p.stderr and p.stdout == ""


def test_malformed_value_names_file_column_and_line(run_a):
    path = run_a / "queue.csv"
    lines = path.read_text().splitlines()
    lines[3] = "20000,tor0->h0,lots"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ResultsError) as e:
        load_run(run_a)
    msg = str(e.value)
    assert "queue.csv" in msg and "column 'qlen_bytes'" in msg and "line 4" in msg and "'lots'" in msg


def test_fraction_in_whole_number_column(run_a):
    path = run_a / "links.csv"
    path.write_text(path.read_text().replace("0,tor0->h0,0", "0,tor0->h0,0.5", 1))
    with pytest.raises(ResultsError, match=r"links.csv: column 'tx_bytes': line 2: '0.5' is not a whole number"):
        load_run(run_a)


def test_empty_required_value(run_a):
    path = run_a / "buffer.csv"
    path.write_text("time_ns,switch,used_bytes\n0,,5\n")
    with pytest.raises(ResultsError, match=r"buffer.csv: column 'switch': empty value on line 2"):
        load_run(run_a)


def test_empty_file_and_bad_json_and_missing_meta_key(run_a):
    (run_a / "flows.csv").write_text("")
    with pytest.raises(ResultsError, match=r"flows.csv: file is empty"):
        load_run(run_a)
    (run_a / "flows.csv").write_text("time_ns,flow_id,cwnd_bytes,rate_bps,rtt_ns,acked_bytes\n")
    meta = json.loads((run_a / "meta.json").read_text())
    (run_a / "meta.json").write_text("{not json")
    with pytest.raises(ResultsError, match=r"meta.json: not valid JSON"):
        load_run(run_a)
    del meta["backend"]
    (run_a / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ResultsError, match=r"meta.json: key 'backend' is missing"):
        load_run(run_a)
    meta["backend"] = "ns2"
    (run_a / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ResultsError, match=r"meta.json: key 'backend'"):
        load_run(run_a)


def test_bad_toml_and_missing_folder(run_a, tmp_path):
    (run_a / "experiment.toml").write_text("[cc\nalgorithm=")
    with pytest.raises(ResultsError, match=r"experiment.toml: not valid TOML"):
        load_run(run_a)
    with pytest.raises(ResultsError, match=r"results folder does not exist"):
        load_run(tmp_path / "nope")


def test_inconsistent_rows_warn(run_a):
    path = run_a / "fct.csv"
    lines = path.read_text().splitlines()
    f = lines[1].split(",")
    f[6] = str(int(f[6]) + 1)  # fct_ns no longer end - start, nor slowdown * ideal
    lines[1] = ",".join(f)
    path.write_text("\n".join(lines) + "\n")
    r = load_run(run_a)
    text = "\n".join(r.warnings)
    assert "fct_ns != end_ns - start_ns" in text and "slowdown is not fct_ns/ideal_fct_ns" in text
