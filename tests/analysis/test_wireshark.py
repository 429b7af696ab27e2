"""The Lua dissector (analysis/wireshark/powertcp.lua), run by tshark on pcaps of
(1) frames built in Python per core/wire/format.h, (2) frames written by the core's own C++
writer (wire_pcap_writer.cc, compiled here), (3) optionally a real capture:
POWERTCP_PCAP=/path/to/backend.pcap (e.g. from the ns-3 backend)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pcap_frames import (ACK, CNP, DATA, FLAG_ECE, FLAG_INT, FLAG_LAST, FLAG_RTX, NACK, PROBE,
                         Segment, build_frame, write_pcap)

TSHARK = shutil.which("tshark")
pytestmark = pytest.mark.skipif(TSHARK is None, reason="tshark is not installed (apt-get install tshark)")

FIELDS = ["frame.number", "powertcp.type", "powertcp.flags", "powertcp.flow_id", "powertcp.seq",
          "powertcp.ack", "powertcp.ts_ns", "powertcp.payload_len", "powertcp.checksum.good",
          "powertcp.int.n_hops", "powertcp.int.overflow", "powertcp.int.qlen_bytes",
          "powertcp.int.tx_bytes", "powertcp.int.ts_ns", "powertcp.int.rate_mbps",
          "_ws.expert.message"]


def tshark(root, pcap, *args):
    p = subprocess.run([TSHARK, "-n", "-X", f"lua_script:{root / 'analysis/wireshark/powertcp.lua'}",
                        "-r", str(pcap), *args], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "Lua" not in p.stderr and "rror" not in p.stderr, p.stderr
    return p.stdout


def fields(root, pcap):
    out = tshark(root, pcap, "-T", "fields", "-E", "separator=|",
                 *[a for f in FIELDS for a in ("-e", f)])
    rows = [dict(zip(FIELDS, line.split("|"))) for line in out.splitlines()]
    print("\n".join(out.splitlines()))
    return rows


def test_python_built_frames(root, tmp_path):
    payload = bytes(range(256)) * 4 + b"x"  # odd length: checksum padding
    frames = [
        build_frame(Segment(DATA, FLAG_INT, 7, 1000, 0, 123456789, payload, 2, 0,
                            [(1500, 4_000_000_000, 4_294_967_295, 25_000), (0, 77, 88, 100_000)])),
        build_frame(Segment(ACK, FLAG_INT | FLAG_ECE, 7, 1000, 2025, 123456789, b"", 5, 3,
                            [(i * 100, i, i * 10, 25_000) for i in range(5)]), src=0, dst=1),
        build_frame(Segment(NACK, 0, 8, 5, 2**40 + 3, 1)),
        build_frame(Segment(CNP, 0, 9)),
        build_frame(Segment(PROBE, 0, 11, ts_ns=2**63 + 5)),
        build_frame(Segment(DATA, FLAG_LAST | FLAG_RTX, 10, 2**40, 0, 5, b"abc"), corrupt_checksum=True),
    ]
    pcap = tmp_path / "py.pcap"
    write_pcap(pcap, frames)
    r = fields(root, pcap)
    assert len(r) == 6
    d = r[0]
    assert (d["powertcp.type"], d["powertcp.flags"], d["powertcp.flow_id"], d["powertcp.seq"],
            d["powertcp.ts_ns"], d["powertcp.payload_len"], d["powertcp.checksum.good"]) == \
        ("1", "0x08", "7", "1000", "123456789", "1025", "1")
    assert d["powertcp.int.n_hops"] == "2" and d["powertcp.int.overflow"] == "0"
    assert d["powertcp.int.qlen_bytes"] == "1500,0"
    assert d["powertcp.int.tx_bytes"] == "4000000000,77"
    assert d["powertcp.int.ts_ns"] == "4294967295,88"
    assert d["powertcp.int.rate_mbps"] == "25000,100000"
    a = r[1]
    assert (a["powertcp.type"], a["powertcp.flags"], a["powertcp.ack"]) == ("2", "0x0a", "2025")
    assert a["powertcp.int.qlen_bytes"] == "0,100,200,300,400"
    assert a["powertcp.int.ts_ns"] == "0,10,20,30,40"
    assert a["powertcp.int.overflow"] == "3" and "INT stack was full" in a["_ws.expert.message"]
    assert (r[2]["powertcp.type"], r[2]["powertcp.ack"], r[2]["powertcp.int.n_hops"]) == ("3", str(2**40 + 3), "")
    assert (r[3]["powertcp.type"], r[3]["powertcp.flow_id"]) == ("4", "9")
    assert (r[4]["powertcp.type"], r[4]["powertcp.ts_ns"]) == ("5", str(2**63 + 5))
    bad = r[5]
    assert bad["powertcp.checksum.good"] == "0" and "Bad transport checksum" in bad["_ws.expert.message"]
    assert all(x["powertcp.checksum.good"] == "1" for x in r[:5])

    summary = tshark(root, pcap)
    assert "DATA flow=7 seq=1000 len=1025 <INT> [INT 2 hop(s)]" in summary
    assert "ACK flow=7 seq=1000 ack=2025 <ECE,INT> [INT 5 hop(s)]" in summary
    assert "DATA flow=10 seq=1099511627776 len=3 <LAST,RTX>" in summary
    detail = tshark(root, pcap, "-V", "-Y", "frame.number == 2")
    for i in range(1, 6):
        assert f"Hop {i}: qlen {(i - 1) * 100} B" in detail
    assert "PowerTCP transport, ACK, flow 7" in detail


def test_truncated_and_malformed(root, tmp_path):
    good = build_frame(Segment(DATA, FLAG_INT, 1, 0, 0, 0, b"", 6, 0, []))  # n_hops 6 > 5
    short = build_frame(Segment(DATA, 0, 2))[:14 + 20 + 8 + 20]  # header cut at 20 bytes
    pcap = tmp_path / "bad.pcap"
    write_pcap(pcap, [good, short])
    r = fields(root, pcap)
    assert "More INT hops than the 5 reserved" in r[0]["_ws.expert.message"]
    assert r[1]["_ws.expert.message"] != ""  # tshark or the dissector reports the cut


def compile_core_writer(root, tmp_path):
    cxx = shutil.which("c++") or shutil.which("g++")
    if cxx is None:
        pytest.skip("no C++ compiler to build wire_pcap_writer.cc")
    exe = tmp_path / "wire_pcap_writer"
    here = Path(__file__).resolve().parent
    subprocess.run([cxx, "-std=c++20", "-O0", f"-I{root / 'core'}", str(here / "wire_pcap_writer.cc"),
                    str(root / "core/wire/format.cc"), str(root / "core/wire/checksum.cc"),
                    "-o", str(exe)], check=True)
    return exe


def test_frames_from_the_core_writer(root, tmp_path):
    exe = compile_core_writer(root, tmp_path)
    pcap = tmp_path / "core.pcap"
    subprocess.run([str(exe), str(pcap)], check=True)
    r = fields(root, pcap)
    assert len(r) == 4
    d, a, n, pfc = r
    assert (d["powertcp.type"], d["powertcp.flow_id"], d["powertcp.seq"], d["powertcp.ts_ns"],
            d["powertcp.payload_len"], d["powertcp.checksum.good"]) == ("1", "42", "4000", "987654321", "1000", "1")
    assert d["powertcp.int.n_hops"] == "2"
    assert d["powertcp.int.qlen_bytes"] == "12000,0"
    assert d["powertcp.int.tx_bytes"] == "4294967000,5000"
    assert d["powertcp.int.ts_ns"] == "1000,2000"
    assert d["powertcp.int.rate_mbps"] == "25000,100000"
    assert (a["powertcp.type"], a["powertcp.flags"], a["powertcp.ack"], a["powertcp.checksum.good"]) == \
        ("2", "0x0a", "5000", "1")
    # 7 pushes onto 5 slots: 5 recorded, 2 counted as overflow.
    assert a["powertcp.int.n_hops"] == "5" and a["powertcp.int.overflow"] == "2"
    assert a["powertcp.int.qlen_bytes"] == "0,1000,2000,3000,4000"
    assert (n["powertcp.type"], n["powertcp.ack"], n["powertcp.checksum.good"]) == ("3", "123456789012", "1")
    assert pfc["powertcp.type"] == ""  # PFC pause: not ours
    assert "Pause" in tshark(root, pcap, "-Y", "frame.number == 4")


@pytest.mark.skipif(not os.environ.get("POWERTCP_PCAP"),
                    reason="set POWERTCP_PCAP to a backend's capture to check it too")
def test_real_capture(root):
    pcap = Path(os.environ["POWERTCP_PCAP"])
    total = tshark(root, pcap, "-Y", "udp.dstport == 50000", "-T", "fields", "-e", "frame.number")
    assert total.strip(), f"{pcap}: no packets to UDP port 50000"
    undissected = tshark(root, pcap, "-Y", "udp.dstport == 50000 && !powertcp.version",
                         "-T", "fields", "-e", "frame.number")
    assert undissected.strip() == "", f"frames not dissected: {undissected.split()[:10]}"
    errors = tshark(root, pcap, "-Y", "powertcp && _ws.expert.severity >= 8388608",
                    "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message")
    assert errors.strip() == "", f"frames with errors:\n{errors[:2000]}"
    print(f"{pcap}: {len(total.split())} PowerTCP frames dissected without errors")
