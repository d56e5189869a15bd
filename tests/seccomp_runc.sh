#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# seccomp-gen's OCI profiles under a real runtime (TAP): record programs with
# rec, generate each one's profile with the default options, put it into an
# OCI bundle's linux.seccomp and run the program with `runc run`. It must
# start and give the output it gave when recorded (the runc base is in by
# default), a syscall it never made must be denied with EPERM, and the bare
# list (--base none) must stop the container before the program starts, as
# it did before the base was the default. Needs root (rec, runc) and runc.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
rec=$builddir/record/rec
sg=$builddir/tools/seccomp-gen
prog=$builddir/tests/seccomp_prog
plan=14

. "$srcdir/tests/tap.sh"

echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "seccomp-gen profiles under runc" "needs root to record and run runc"
# Where runc is missing or cannot run containers, the tests are skipped even
# under TRACETAPE_REQUIRE_BPF=1: that is the runtime's limit, not BPF's.
skip_runc() { # reason
	while [ "$n" -lt "$plan" ]; do
		skip "seccomp-gen profiles under runc" "$1"
	done
	exit 0
}
command -v runc >/dev/null 2>&1 || skip_runc "runc is not installed (tools/install-deps.sh)"
command -v python3 >/dev/null 2>&1 || skip_runc "python3 writes the bundles and is not installed"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data" "$tmp/state"
seq 1 2000 >"$tmp/data/in.txt"

# A read-only root of the host's own /usr and /etc, with the test programs
# at /t and the data at /data (runc cannot pivot_root into the host's /).
root=$tmp/rootfs
mkdir -p "$root/usr" "$root/etc" "$root/proc" "$root/dev" "$root/data" "$root/t" "$root/tmp"
binds="/usr:/usr /etc:/etc $tmp/data:/data $(dirname "$prog"):/t"
for d in bin sbin lib lib32 lib64 libx32; do
	if [ -L "/$d" ]; then
		ln -s "$(readlink "/$d")" "$root/$d"
	elif [ -d "/$d" ]; then
		mkdir "$root/$d"
		binds="$binds /$d:/$d"
	fi
done

# bundle NAME PROFILE-OR-EMPTY ARGS...: $tmp/NAME.bundle/config.json
bundle() {
	b=$tmp/$1.bundle
	rm -rf "$b"
	mkdir -p "$b"
	runc spec --bundle "$b" || return 1
	name=$1 profile=$2
	shift 2
	python3 - "$b/config.json" "$root" "$profile" "$binds" "$@" <<'PY'
import json, sys
path, root, profile, binds, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
s = json.load(open(path))
s["root"] = {"path": root, "readonly": True}
s["process"]["terminal"] = False
s["process"]["args"] = args
s["process"]["cwd"] = "/"
s["mounts"] = [m for m in s["mounts"] if m["destination"] in ("/proc", "/dev")]
s["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                    "options": ["nosuid", "nodev"]})
for pair in binds.split():
    src, dst = pair.split(":")
    s["mounts"].append({"destination": dst, "type": "bind", "source": src,
                        "options": ["rbind", "ro"]})
if profile:
    s["linux"]["seccomp"] = json.load(open(profile))
json.dump(s, open(path, "w"), indent=1)
PY
}

run_in() { # name, container id suffix: runs the bundle; stdout, stderr to $tmp/NAME.*
	timeout 60 runc --root "$tmp/state" run --bundle "$tmp/$1.bundle" "tt-sg-$$-$1-$2" \
		</dev/null >"$tmp/$1.$2.out" 2>"$tmp/$1.$2.err"
}

# Can runc run a container here at all?
if ! bundle probe "" true >"$tmp/probe.err" 2>&1 || ! run_in probe 0; then
	why=$(cat "$tmp/probe.err" "$tmp/probe.0.err" 2>/dev/null | grep . | tail -1)
	skip_runc "runc cannot run a container here: ${why:-no message}"
fi

code='import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
sql="create table t(x); insert into t values (1),(2),(3); select sum(x) from t;"

record() { # name: the program as the host runs it, under rec
	case $1 in
	gzip) set -- gzip -c "$tmp/data/in.txt" ;;
	python) set -- python3 -c "$code" ;;
	prog) set -- "$prog" ;;
	sqlite) set -- sqlite3 :memory: "$sql" ;;
	esac
	"$rec" -q -o "$tmp/$p.zst" -- "$@" </dev/null
}

bundle_for() { # name: the same program as the container sees it
	case $1 in
	gzip) set -- gzip -c /data/in.txt ;;
	python) set -- python3 -c "$code" ;;
	prog) set -- /t/seccomp_prog ;;
	sqlite) set -- sqlite3 :memory: "$sql" ;;
	esac
	bundle "$p" "$tmp/$p.json" "$@"
}

for p in gzip python prog sqlite; do
	if [ $p = sqlite ] && ! command -v sqlite3 >/dev/null 2>&1; then
		for t in recorded profile runs; do skip "sqlite3: $t" "sqlite3 is not installed"; done
		continue
	fi
	record $p >"$tmp/$p.rec.out" 2>"$tmp/$p.rec.err"
	st=$?
	expect "$p: recorded with rec (exit $st)" "$tmp/$p.rec.err" [ "$st" -eq 0 ]
	"$sg" "$tmp/$p.zst" -o "$tmp/$p.json" 2>"$tmp/$p.sg.err"
	st=$?
	expect "$p: profile with the default options says it added the runc base" "$tmp/$p.sg.err" \
		sh -c "[ $st -eq 0 ] && grep -q '^seccomp-gen: added the runc base' '$tmp/$p.sg.err'"
	bundle_for $p >/dev/null 2>&1
	run_in "$p" 1
	st=$?
	expect "$p: runs under runc with its profile, same output (exit $st)" "$tmp/$p.1.err" \
		sh -c "[ $st -eq 0 ] && cmp -s '$tmp/$p.rec.out' '$tmp/$p.1.out'"
done

# A syscall the program never made is denied inside the container.
bundle deny "$tmp/prog.json" /t/seccomp_prog --ptrace >/dev/null 2>&1
run_in deny 1
st=$?
expect "prog --ptrace under runc with its profile: ptrace gets EPERM (exit $st)" \
	"$tmp/deny.1.err" sh -c "[ $st -eq 1 ] && grep -q 'ptrace: Operation not permitted' '$tmp/deny.1.err'"

# The bare list is what the traces saw, and runc cannot reach exec with it.
"$sg" -q --base none "$tmp/gzip.zst" -o "$tmp/bare.json" 2>"$tmp/bare.err"
bundle bare "$tmp/bare.json" gzip -c /data/in.txt >/dev/null 2>&1
run_in bare 1
st=$?
expect "--base none: runc stops before gzip starts (exit $st)" "$tmp/bare.1.err" \
	sh -c "[ $st -ne 0 ] && [ ! -s '$tmp/bare.1.out' ]"
