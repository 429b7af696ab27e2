-- Wireshark/tshark dissector for the powertcp transport header and INT region.
--
-- Layout (core/wire/format.h, format.cc; network byte order), after Ethernet | IPv4 | UDP dst 50000:
--   transport header, 36 bytes: version u8, type u8, flags u8, reserved u8, flow_id u32,
--     seq u64, ack u64, ts_ns u64, payload_len u16, checksum u16
--   INT region, 84 bytes, present iff flags & 0x08: n_hops u8, overflow u8, reserved u16, then
--     5 hop slots (always reserved; the first n_hops are stamped) of
--     qlen_bytes u32, tx_bytes u32, ts_ns u32, rate_mbps u32
--   payload, payload_len bytes.
-- The checksum covers the transport header (checksum field taken as 0) and the payload, not the
-- INT region (switches rewrite it in place).
--
-- Use:  tshark -X lua_script:analysis/wireshark/powertcp.lua -r capture.pcap -V
--       or copy it to ~/.local/lib/wireshark/plugins/ for the GUI.

local UDP_PORT = 50000
local TRANSPORT_LEN = 36
local INT_HEADER_LEN = 4
local INT_HOP_LEN = 16
local MAX_INT_HOPS = 5
local INT_LEN = INT_HEADER_LEN + MAX_INT_HOPS * INT_HOP_LEN
local VERSION = 1
local FLAG_HAS_INT = 0x08
local KNOWN_FLAGS = 0x0f

local p = Proto("powertcp", "PowerTCP transport")

local types = { [1] = "DATA", [2] = "ACK", [3] = "NACK", [4] = "CNP", [5] = "PROBE", [6] = "PROBE_REPLY" }
local carries_int = { [1] = true, [2] = true }  -- may_carry_int(): DATA and ACK

local f = {
  version     = ProtoField.uint8("powertcp.version", "Version", base.DEC),
  type        = ProtoField.uint8("powertcp.type", "Type", base.DEC, types),
  flags       = ProtoField.uint8("powertcp.flags", "Flags", base.HEX),
  flag_last   = ProtoField.bool("powertcp.flags.last", "Last segment", 8, nil, 0x01),
  flag_ece    = ProtoField.bool("powertcp.flags.ecn_echo", "ECN echo", 8, nil, 0x02),
  flag_rtx    = ProtoField.bool("powertcp.flags.retransmit", "Retransmission", 8, nil, 0x04),
  flag_int    = ProtoField.bool("powertcp.flags.has_int", "INT region present", 8, nil, 0x08),
  reserved    = ProtoField.uint8("powertcp.reserved", "Reserved", base.HEX),
  flow_id     = ProtoField.uint32("powertcp.flow_id", "Flow ID", base.DEC),
  seq         = ProtoField.uint64("powertcp.seq", "Sequence", base.DEC),
  ack         = ProtoField.uint64("powertcp.ack", "Acknowledgment", base.DEC),
  ts_ns       = ProtoField.uint64("powertcp.ts_ns", "Timestamp (ns)", base.DEC),
  payload_len = ProtoField.uint16("powertcp.payload_len", "Payload length", base.DEC),
  checksum    = ProtoField.uint16("powertcp.checksum", "Checksum", base.HEX),
  checksum_ok = ProtoField.bool("powertcp.checksum.good", "Checksum good"),
  int_n_hops  = ProtoField.uint8("powertcp.int.n_hops", "INT hops", base.DEC),
  int_overflow = ProtoField.uint8("powertcp.int.overflow", "INT overflow (hops not recorded)", base.DEC),
  int_reserved = ProtoField.uint16("powertcp.int.reserved", "INT reserved", base.HEX),
  hop         = ProtoField.uint8("powertcp.int.hop", "Hop", base.DEC),
  hop_qlen    = ProtoField.uint32("powertcp.int.qlen_bytes", "Queue length (bytes)", base.DEC),
  hop_tx      = ProtoField.uint32("powertcp.int.tx_bytes", "Tx bytes (cumulative, mod 2^32)", base.DEC),
  hop_ts      = ProtoField.uint32("powertcp.int.ts_ns", "Switch timestamp (ns, mod 2^32)", base.DEC),
  hop_rate    = ProtoField.uint32("powertcp.int.rate_mbps", "Link rate (Mb/s)", base.DEC),
  int_unused  = ProtoField.bytes("powertcp.int.unused", "Unused hop slots"),
  payload     = ProtoField.bytes("powertcp.payload", "Payload"),
}
p.fields = f

local e = {
  truncated = ProtoExpert.new("powertcp.truncated", "Truncated PowerTCP packet", expert.group.MALFORMED, expert.severity.ERROR),
  version   = ProtoExpert.new("powertcp.bad_version", "Unknown transport version", expert.group.MALFORMED, expert.severity.ERROR),
  type      = ProtoExpert.new("powertcp.bad_type", "Unknown packet type", expert.group.MALFORMED, expert.severity.ERROR),
  flags     = ProtoExpert.new("powertcp.bad_flags", "Unknown flags or reserved byte set", expert.group.MALFORMED, expert.severity.ERROR),
  int_type  = ProtoExpert.new("powertcp.int_on_wrong_type", "INT region on a packet type that never carries one", expert.group.MALFORMED, expert.severity.ERROR),
  n_hops    = ProtoExpert.new("powertcp.bad_n_hops", "More INT hops than the 5 reserved", expert.group.MALFORMED, expert.severity.ERROR),
  overflow  = ProtoExpert.new("powertcp.int_overflow", "INT stack was full: hops not recorded", expert.group.SEQUENCE, expert.severity.WARN),
  length    = ProtoExpert.new("powertcp.bad_payload_len", "Payload length disagrees with the UDP length", expert.group.MALFORMED, expert.severity.ERROR),
  checksum  = ProtoExpert.new("powertcp.bad_checksum", "Bad transport checksum", expert.group.CHECKSUM, expert.severity.ERROR),
}
p.experts = e

-- RFC 1071 sum of 16-bit big-endian words of tvb[offset, offset+len), odd byte padded with 0.
local function ones_sum(tvb, offset, len, sum)
  local i = 0
  while i + 1 < len do
    sum = sum + tvb(offset + i, 2):uint()
    i = i + 2
  end
  if i < len then sum = sum + tvb(offset + i, 1):uint() * 256 end
  return sum
end

local function finish(sum)
  while sum > 0xffff do sum = (sum % 0x10000) + math.floor(sum / 0x10000) end
  return 0xffff - sum
end

local function flag_names(fl)
  local n = {}
  if fl % 2 == 1 then n[#n + 1] = "LAST" end
  if math.floor(fl / 2) % 2 == 1 then n[#n + 1] = "ECE" end
  if math.floor(fl / 4) % 2 == 1 then n[#n + 1] = "RTX" end
  if math.floor(fl / 8) % 2 == 1 then n[#n + 1] = "INT" end
  return table.concat(n, ",")
end

function p.dissector(tvb, pinfo, root)
  local len = tvb:len()
  pinfo.cols.protocol = "PowerTCP"
  local tree = root:add(p, tvb(), "PowerTCP transport")
  if len < TRANSPORT_LEN then
    tree:add_proto_expert_info(e.truncated, string.format("%d bytes, header needs %d", len, TRANSPORT_LEN))
    pinfo.cols.info = "PowerTCP [truncated]"
    return len
  end

  local version = tvb(0, 1):uint()
  local ptype = tvb(1, 1):uint()
  local fl = tvb(2, 1):uint()
  local flow = tvb(4, 4):uint()
  local seq = tvb(8, 8):uint64()
  local ack = tvb(16, 8):uint64()
  local plen = tvb(32, 2):uint()
  local has_int = math.floor(fl / FLAG_HAS_INT) % 2 == 1

  local vi = tree:add(f.version, tvb(0, 1))
  if version ~= VERSION then vi:add_proto_expert_info(e.version) end
  local ti = tree:add(f.type, tvb(1, 1))
  if types[ptype] == nil then ti:add_proto_expert_info(e.type) end
  local fi = tree:add(f.flags, tvb(2, 1))
  fi:append_text(" (" .. flag_names(fl) .. ")")
  fi:add(f.flag_last, tvb(2, 1))
  fi:add(f.flag_ece, tvb(2, 1))
  fi:add(f.flag_rtx, tvb(2, 1))
  fi:add(f.flag_int, tvb(2, 1))
  local ri = tree:add(f.reserved, tvb(3, 1))
  if fl > KNOWN_FLAGS or (fl % 16) ~= fl or tvb(3, 1):uint() ~= 0 then ri:add_proto_expert_info(e.flags) end
  tree:add(f.flow_id, tvb(4, 4))
  tree:add(f.seq, tvb(8, 8))
  tree:add(f.ack, tvb(16, 8))
  tree:add(f.ts_ns, tvb(24, 8))
  local li = tree:add(f.payload_len, tvb(32, 2))
  local ci = tree:add(f.checksum, tvb(34, 2))

  local offset = TRANSPORT_LEN
  local int_text = ""
  if has_int then
    if not carries_int[ptype] then tree:add_proto_expert_info(e.int_type) end
    if len < TRANSPORT_LEN + INT_LEN then
      tree:add_proto_expert_info(e.truncated, "INT flag set but the 84-byte INT region is cut short")
      pinfo.cols.info = "PowerTCP [truncated INT]"
      return len
    end
    local it = tree:add(p, tvb(offset, INT_LEN), "INT region")
    local n = tvb(offset, 1):uint()
    local overflow = tvb(offset + 1, 1):uint()
    local ni = it:add(f.int_n_hops, tvb(offset, 1))
    if n > MAX_INT_HOPS then ni:add_proto_expert_info(e.n_hops) end
    local oi = it:add(f.int_overflow, tvb(offset + 1, 1))
    if overflow > 0 then oi:add_proto_expert_info(e.overflow) end
    it:add(f.int_reserved, tvb(offset + 2, 2))
    local shown = math.min(n, MAX_INT_HOPS)
    for i = 0, shown - 1 do
      local h = offset + INT_HEADER_LEN + i * INT_HOP_LEN
      local q, tx, ts, rate = tvb(h, 4):uint(), tvb(h + 4, 4):uint(), tvb(h + 8, 4):uint(), tvb(h + 12, 4):uint()
      local ht = it:add(f.hop, tvb(h, INT_HOP_LEN), i + 1)
      ht:set_text(string.format("Hop %d: qlen %d B, tx %d B, ts %d ns, %d Mb/s", i + 1, q, tx, ts, rate))
      ht:add(f.hop_qlen, tvb(h, 4))
      ht:add(f.hop_tx, tvb(h + 4, 4))
      ht:add(f.hop_ts, tvb(h + 8, 4))
      ht:add(f.hop_rate, tvb(h + 12, 4))
    end
    if shown < MAX_INT_HOPS then
      local h = offset + INT_HEADER_LEN + shown * INT_HOP_LEN
      it:add(f.int_unused, tvb(h, (MAX_INT_HOPS - shown) * INT_HOP_LEN))
    end
    it:append_text(string.format(": %d hop(s)", n) .. (overflow > 0 and string.format(", %d overflowed", overflow) or ""))
    int_text = string.format(" [INT %d hop(s)]", n)
    offset = offset + INT_LEN
  end

  local rest = len - offset
  if rest ~= plen then
    li:add_proto_expert_info(e.length, string.format("payload_len %d, %d bytes follow the headers", plen, rest))
  end
  local body = math.min(math.max(rest, 0), plen)
  if body > 0 then tree:add(f.payload, tvb(offset, body)) end

  -- Checksum: header with the checksum field as zero, then the payload.
  local sum = ones_sum(tvb, 0, 34, 0)
  if body > 0 then sum = ones_sum(tvb, offset, body, sum) end
  local want = finish(sum)
  local got = tvb(34, 2):uint()
  if want == got then
    ci:append_text(" [correct]")
    ci:add(f.checksum_ok, true):set_generated()
  else
    ci:append_text(string.format(" [incorrect, should be 0x%04x]", want))
    ci:add(f.checksum_ok, false):set_generated()
    ci:add_proto_expert_info(e.checksum)
  end

  local tname = types[ptype] or string.format("type %d", ptype)
  local info = string.format("%s flow=%d", tname, flow)
  if ptype == 1 then
    info = info .. string.format(" seq=%s len=%d", tostring(seq), plen)
  elseif ptype == 2 or ptype == 3 then
    info = info .. string.format(" seq=%s ack=%s", tostring(seq), tostring(ack))
  end
  if fl ~= 0 then info = info .. " <" .. flag_names(fl) .. ">" end
  pinfo.cols.info = info .. int_text
  tree:append_text(string.format(", %s, flow %d", tname, flow))
  return len
end

DissectorTable.get("udp.port"):add(UDP_PORT, p)
