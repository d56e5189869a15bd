-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- tracetape: a Wireshark post-dissector for the packet label rec writes as
-- each packet's pcapng comment (formats/PCAPNG.md, "The packet label"), so
-- that its parts are typed fields: tracetape.pid > 1000,
-- tracetape.comm == "curl", a column, statistics by process.
--
--   wireshark -X lua_script:tools/wireshark/tracetape.lua web.pcapng
--   tshark -X lua_script:tools/wireshark/tracetape.lua -r web.pcapng \
--       -Y 'tracetape.comm == "curl"' -T fields -e tracetape.pid -e ip.dst
--
-- `make install` puts it in Wireshark's global plugin folder, where both
-- load it without -X. The label is untrusted input: whatever a comment
-- holds, this adds fields or an expert-info warning, never a Lua error.
--
-- The pid and tid come from the label. rec also writes the draft's
-- epb_processid_threadid option on outbound packets, but Wireshark 4.0
-- shows no field for it and a Lua script sees a block's options only
-- through fields, so there is nothing here to prefer it over the label
-- (formats/PCAPNG.md says more).

local tt = Proto("tracetape", "tracetape process label")

local f = tt.fields
f.pid = ProtoField.uint32("tracetape.pid", "Process ID", base.DEC)
f.tid = ProtoField.uint32("tracetape.tid", "Thread ID", base.DEC)
f.uid = ProtoField.uint32("tracetape.uid", "User ID", base.DEC)
f.comm = ProtoField.string("tracetape.comm", "Command")
f.exe = ProtoField.string("tracetape.exe", "Executable")
f.cgroup = ProtoField.string("tracetape.cgroup", "Cgroup")
f.container = ProtoField.string("tracetape.container", "Container")
f.direction = ProtoField.string("tracetape.direction", "Direction")
f.label = ProtoField.string("tracetape.label", "Label")

local ef_malformed = ProtoExpert.new("tracetape.malformed", "Malformed tracetape label",
	expert.group.MALFORMED, expert.severity.WARN)
local ef_unowned = ProtoExpert.new("tracetape.no_owner", "No owning process",
	expert.group.COMMENTS_GROUP, expert.severity.CHAT)
tt.experts = { ef_malformed, ef_unowned }

local comment_field = Field.new("frame.comment")
local direction_field = Field.new("frame.packet_flags_direction")

-- The label's value escapes, undone: \\ and \xHH (two lowercase hex
-- digits). Returns the bytes, or nil and why.
local function unescape(v)
	local out, i, n = {}, 1, #v
	while i <= n do
		local j = v:find("\\", i, true)
		if not j then
			out[#out + 1] = v:sub(i)
			break
		end
		out[#out + 1] = v:sub(i, j - 1)
		local c = v:sub(j + 1, j + 1)
		if c == "\\" then
			out[#out + 1] = "\\"
			i = j + 2
		elseif c == "x" and v:sub(j + 2, j + 3):match("^[0-9a-f][0-9a-f]$") then
			out[#out + 1] = string.char(tonumber(v:sub(j + 2, j + 3), 16))
			i = j + 4
		else
			return nil, "a backslash not followed by \\ or xHH"
		end
	end
	return table.concat(out)
end

-- The length of the well-formed UTF-8 sequence at s[i], 0 if none.
local function utf8_len(s, i)
	local b1, b2, b3, b4 = s:byte(i, i + 3)
	local function cont(b) return b and b >= 0x80 and b <= 0xbf end
	if b1 < 0x80 then return 1 end
	if b1 >= 0xc2 and b1 <= 0xdf then return cont(b2) and 2 or 0 end
	if b1 >= 0xe0 and b1 <= 0xef then
		local lo = (b1 == 0xe0) and 0xa0 or 0x80
		local hi = (b1 == 0xed) and 0x9f or 0xbf
		return (b2 and b2 >= lo and b2 <= hi and cont(b3)) and 3 or 0
	end
	if b1 >= 0xf0 and b1 <= 0xf4 then
		local lo = (b1 == 0xf0) and 0x90 or 0x80
		local hi = (b1 == 0xf4) and 0x8f or 0xbf
		return (b2 and b2 >= lo and b2 <= hi and cont(b3) and cont(b4)) and 4 or 0
	end
	return 0
end

-- Bytes as a string field can hold them: a byte that starts no UTF-8
-- sequence, and NUL, become U+FFFD, as Wireshark shows such bytes in
-- packets. Returns the text and whether anything was replaced.
local function as_text(s)
	local out, i, replaced = {}, 1, false
	while i <= #s do
		local n = utf8_len(s, i)
		if n == 0 or s:byte(i) == 0 then
			out[#out + 1] = "\239\191\189"
			replaced = true
			n = 1
		else
			out[#out + 1] = s:sub(i, i + n - 1)
		end
		i = i + n
	end
	return table.concat(out), replaced
end

local function decimal_u32(v)
	if not (v == "0" or v:match("^[1-9]%d*$")) or #v > 10 then
		return nil
	end
	local n = tonumber(v)
	if n > 4294967295 then
		return nil
	end
	return n
end

-- The keys formats/PCAPNG.md specifies, in the order a label has them, and
-- those this dissector shows (exe=: only when rec knew the executable).
local rank = { pid = 1, tid = 2, comm = 3, exe = 4, uid = 5, cgroup = 6, container = 7 }
local known = { pid = true, tid = true, comm = true, uid = true, cgroup = true,
	container = true, exe = true }

-- The label's fields, or nil and what is wrong. fields.pid is "?" for a
-- packet without an owner; numbers are numbers, strings are bytes.
local function parse(label)
	if label == "pid=? comm=?" then
		return { pid = "?" }
	end
	if label:find("^ ") or label:find(" $") or label:find("  ", 1, true) then
		return nil, "fields not separated by single spaces"
	end
	local fields, order, last = {}, {}, 0
	for word in label:gmatch("[^ ]+") do
		local key, value = word:match("^([a-z_]+)=([^=]*)$")
		if not key then
			return nil, "'" .. word .. "' is not key=value"
		end
		if fields[key] ~= nil then
			return nil, "two " .. key .. "= fields"
		end
		if #order == 0 and key ~= "pid" then
			return nil, "the first field is not pid="
		end
		if rank[key] then
			if rank[key] < last then
				return nil, key .. "= out of order"
			end
			last = rank[key]
		end
		local bytes, why = unescape(value)
		if not bytes then
			return nil, key .. "=: " .. why
		end
		if key == "pid" or key == "tid" or key == "uid" then
			bytes = decimal_u32(value)
			if not bytes then
				return nil, key .. "=" .. value .. " is not a 32-bit decimal number"
			end
		end
		fields[key] = bytes
		order[#order + 1] = key
	end
	for _, key in ipairs({ "pid", "comm", "uid", "cgroup" }) do
		if fields[key] == nil then
			return nil, "no " .. key .. "= field"
		end
	end
	if fields.cgroup ~= "?" and fields.cgroup:sub(1, 1) ~= "/" then
		return nil, "cgroup= is neither ? nor a path"
	end
	fields.order = order
	return fields
end

local function add_string(tree, field, value)
	local text, replaced = as_text(value)
	local item = tree:add(field, text)
	if replaced then
		item:append_text(" (not UTF-8)")
	end
end

function tt.dissector(tvb, pinfo, tree)
	local label
	for _, fi in ipairs({ comment_field() }) do
		local v = fi.value
		if type(v) == "string" and v:sub(1, 4) == "pid=" then
			label = v
			break
		end
	end
	if not label then
		return
	end
	local root = tree:add(tt, tvb(0, 0))
	local fields, why = parse(label)
	if not fields then
		root:add(f.label, (as_text(label)))
		root:add_proto_expert_info(ef_malformed, "Malformed tracetape label: " .. as_text(why))
		return
	end
	local dir = direction_field()
	if dir then
		local d = ({ [1] = "in", [2] = "out" })[dir.value]
		if d then
			root:add(f.direction, d)
		end
	end
	if fields.pid == "?" then
		root:append_text(", no owner")
		root:add_proto_expert_info(ef_unowned,
			"No owning process (a kernel packet, or a socket already closed)")
		return
	end
	root:append_text(string.format(", pid %d", fields.pid))
	root:add(f.pid, fields.pid)
	if fields.tid then
		root:add(f.tid, fields.tid)
	end
	add_string(root, f.comm, fields.comm)
	root:append_text(", " .. as_text(fields.comm))
	if fields.exe then
		add_string(root, f.exe, fields.exe)
	end
	root:add(f.uid, fields.uid)
	add_string(root, f.cgroup, fields.cgroup)
	if fields.container then
		add_string(root, f.container, fields.container)
	end
	for _, key in ipairs(fields.order) do
		if not known[key] then
			root:add(tvb(0, 0), "Unknown field: " .. key .. "=" .. as_text(fields[key]))
		end
	end
end

register_postdissector(tt)
