#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the seed corpora in tests/fuzz/corpus/ from samples/ and from
# what the tools make of them. Run from a built tree: tests/fuzz/seeds.sh
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src}
c=$src/tests/fuzz/corpus
rm -rf "$c"
mkdir -p "$c/trace_file" "$c/trace_records" "$c/rec_config" "$c/merge_json" "$c/pcapng" "$c/parquet" \
	"$c/alert_rules" "$c/views"

for s in "$src"/samples/*.zst; do
	b=$(basename "$s" .zst)
	cp "$s" "$c/trace_file/$b" # no .zst: .gitignore leaves those out
	# a recorder killed mid-chunk: no trailer, index or seek table
	head -c $(($(wc -c <"$s") * 2 / 3)) "$s" >"$c/trace_file/$b-cut"
	# records: flags (1: with index and seek table), records per chunk
	{ printf '\001\004'; zstd -q -d -c "$s"; } >"$c/trace_records/$b-indexed"
	{ printf '\000\001'; zstd -q -d -c "$s"; } >"$c/trace_records/$b-linear"
	{ printf '\001\004'; zstd -q -d -c "$s"; } >"$c/views/$b"
	"$build/tools/seccomp-gen" "$s" -o "$c/merge_json/$b.json" 2>/dev/null
	"$build/tools/seccomp-gen" "$s" --args --base runc -o "$c/merge_json/$b-args.json" 2>/dev/null
done

# views: traces of hostile field values from the tests' generators (escapes,
# a comm with no NUL, depth 65535, lost packets; 20 distinct long paths)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/tests/hostile/mktrace" "$tmp/h.zst" "$tmp/marker"
{ printf '\001\002'; zstd -q -d -c "$tmp/h.zst"; } >"$c/views/hostile-strings"
"$build/tests/hostile/mkbig" "$tmp/b.zst" 20 1200
{ printf '\000\010'; zstd -q -d -c "$tmp/b.zst"; } >"$c/views/many-long-paths"

cp "$src/samples/rec.yaml" "$c/rec_config/rec.yaml"
printf 'monitors: [syscall, exec, packet]\nfilters:\n  pids: [1, 2]\n  comms: [bash]\n  users: [root, 0]\n' \
	>"$c/rec_config/filters.yaml"
printf 'output: {file: t.zst, rotate_size: 10M, rotate_count: 3}\nlevel: -3\n' >"$c/rec_config/output.yaml"
printf -- '---\nduration: 1.5\n...\n---\nlevel: 3\n' >"$c/rec_config/two-docs.yaml"
printf '&a [x]\nsyscalls: *a\n' >"$c/rec_config/alias.yaml"

cp "$src/samples/alerts.yaml" "$c/alert_rules/alerts.yaml"
cat >"$c/alert_rules/every-key.yaml" <<'YAML'
rules:
  - id: shell
    severity: low
    message: an interactive root shell
    event: exec
    path: ["/bin/*sh", "/usr/bin/*sh"]
    interactive: true
    uid: 0
    cgroup: "/system.slice/*"
    container: false
  - id: masked
    severity: critical
    message: "mprotect \u0007 exec"
    syscalls: mprotect
    args: [{index: 2, mask: 4}, {index: 0, equals: 0x1000}]
    result: failure
    enabled: true
YAML

cat >"$c/merge_json/rules.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
 "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"],
 "syscalls": [
  {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
  {"names": ["socket"], "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 10, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
  {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_MASKED_EQ"}]},
  {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
  {"names": ["ptrace"], "action": "SCMP_ACT_KILL"},
  {"names": ["nosuchcall\u00e9\ud83d\ude00"], "action": "SCMP_ACT_ALLOW"}
 ]}
JSON

# pcapng: options, comment length, origlen - caplen, time, comment, packet
python3 - "$c/pcapng" <<'PY'
import struct, sys
d = sys.argv[1]
def seed(name, opts, comment, extra, ts, pkt):
    open(f"{d}/{name}", "wb").write(struct.pack("<BHHQ", opts, len(comment), extra, ts) + comment + pkt)
sll2 = struct.pack(">HHIHBB8s", 0x0800, 0, 2, 1, 4, 0, b"")
ip = bytes.fromhex("4500003c1c4640004006b1e6c0a80001c0a800c7")
seed("tcp", 15, b"pid=1234 tid=1240 comm=curl uid=1000 cgroup=/user.slice", 0, 1700000000123456789 << 1, sll2 + ip)
seed("bare", 0, b"", 0, 0, b"")
seed("snapped", 3, b"pid=? comm=?", 1400, 1 << 1, sll2 + ip[:7])
seed("escape", 1, b"comm=\x1b]0;x\x07 cgroup=/\xff\xfe", 0, 99, b"\x00" * 3)
PY
# parquet: columns, rows per group, (kind, flags) per column, then rows
python3 - "$c/parquet" <<'PY'
import struct, sys
d = sys.argv[1]
def seed(name, group, cols, rows):
    b = bytes([len(cols) - 1, group - 1]) + b"".join(bytes([k, f]) for k, f in cols)
    for row in rows:
        for (k, f), v in zip(cols, row):
            if v is None:
                b += b"\x01"
            elif k in (6, 7):
                b += b"\x00" + bytes([len(v)]) + v
            else:
                b += b"\x00" + struct.pack("<q", v)
    open(f"{d}/{name}", "wb").write(b)
every = [(k, 1 | (6 << 1) if k == 5 else 1) for k in range(8)]
seed("every-kind", 2, every, [
    [1, -2**31, 2**32 - 1, -2**63, -1, 1795304837293218, b"argv 'x'", b"openat"],
    [None] * 8,
    [0, 2**31 - 1, 0, 2**63 - 1, 0, -5, b"", b""],
    [1, 7, 7, 7, 7, 7, b"\x1b[2J\xff", b"openat"]])
seed("names", 255, [(7, 0)], [[n] for n in [b"read", b"write", b"read", b"close"] * 40])
seed("no-rows", 1, [(1, 0), (6, 1)], [])
PY
echo "seeds.sh: $(find "$c" -type f | wc -l) seeds in $c"
