"""Frames built byte for byte as core/wire/format.cc's finish_frame() builds them, and a classic
pcap writer, so the Wireshark dissector can be tested without a backend."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

UDP_PORT = 50000
FLAG_LAST, FLAG_ECE, FLAG_RTX, FLAG_INT = 0x01, 0x02, 0x04, 0x08
DATA, ACK, NACK, CNP, PROBE, PROBE_REPLY = 1, 2, 3, 4, 5, 6
MAX_HOPS = 5


def checksum(data: bytes) -> int:
    """RFC 1071 over `data` (odd length padded with a zero byte)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


@dataclass
class Segment:
    type: int = DATA
    flags: int = 0
    flow_id: int = 0
    seq: int = 0
    ack: int = 0
    ts_ns: int = 0
    payload: bytes = b""
    n_hops: int = 0
    overflow: int = 0
    hops: list = field(default_factory=list)  # (qlen, tx_bytes, ts_ns, rate_mbps)


def node_mac(i: int) -> bytes:
    return bytes([0x02, 0x00]) + i.to_bytes(4, "big")


def node_ip(i: int) -> int:
    return 0x0A000000 + i + 1


def build_frame(seg: Segment, src: int = 1, dst: int = 0, src_port: int = 49200, ecn: int = 2,
                corrupt_checksum: bool = False) -> bytes:
    th = struct.pack("!BBBBIQQQHH", 1, seg.type, seg.flags, 0, seg.flow_id, seg.seq, seg.ack,
                     seg.ts_ns, len(seg.payload), 0)
    assert len(th) == 36
    csum = checksum(th + seg.payload)
    if corrupt_checksum:
        csum ^= 0x5555
    th = th[:34] + struct.pack("!H", csum)
    int_region = b""
    if seg.flags & FLAG_INT:
        slots = list(seg.hops) + [(0, 0, 0, 0)] * (MAX_HOPS - len(seg.hops))
        int_region = struct.pack("!BBH", seg.n_hops, seg.overflow, 0) + b"".join(
            struct.pack("!IIII", *h) for h in slots)
        assert len(int_region) == 84
    udp_len = 8 + len(th) + len(int_region) + len(seg.payload)
    udp = struct.pack("!HHHH", src_port, UDP_PORT, udp_len, 0)
    ip = bytearray(struct.pack("!BBHHHBBHII", 0x45, ecn, 20 + udp_len, 0, 0x4000, 64, 17, 0,
                               node_ip(src), node_ip(dst)))
    ip[10:12] = struct.pack("!H", checksum(bytes(ip)))
    eth = node_mac(dst) + node_mac(src) + struct.pack("!H", 0x0800)
    frame = eth + bytes(ip) + udp + th + int_region + seg.payload
    return frame + b"\0" * max(0, 60 - len(frame))


def write_pcap(path, frames, start_ns: int = 1_000_000):
    """Classic pcap (microsecond timestamps), link type 1 (Ethernet)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for k, fr in enumerate(frames):
            t_us = (start_ns + k * 1000) // 1000
            f.write(struct.pack("<IIII", t_us // 1_000_000, t_us % 1_000_000, len(fr), len(fr)))
            f.write(fr)
