#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# seccomp-gen on bad input: exit 1 (2 for usage) and one line naming what is
# wrong; and what it makes of a sample trace without root (TAP).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
sample=$srcdir/samples/workload.zst
sg=$builddir/tools/seccomp-gen

n=0
check() { # name, expected status, pattern in stderr, command...
	name=$1 want=$2 pat=$3
	shift 3
	n=$((n + 1))
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "not ok $n - $name: exit $got, want $want"
		sed 's/^/# /' "$tmp/err"
	elif ! grep -q -- "$pat" "$tmp/err"; then
		echo "not ok $n - $name: stderr lacks '$pat'"
		sed 's/^/# /' "$tmp/err"
	elif [ "$want" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		echo "not ok $n - $name: more than one line on stderr"
		sed 's/^/# /' "$tmp/err"
	else
		echo "ok $n - $name"
	fi
}

echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [' >"$tmp/bad.json"
echo '{"names": ["read"]}' >"$tmp/notprofile.json"
echo "not a trace" >"$tmp/text.zst"

echo "1..14"
check "no trace" 2 "^seccomp-gen: no trace" "$sg"
check "unknown option" 2 "Try" "$sg" --bogus "$sample"
check "bad --format" 2 "^seccomp-gen: --format: 'xml'" "$sg" -f xml "$sample"
check "bad --default-action" 2 "^seccomp-gen: --default-action: 'deny'" \
	"$sg" --default-action deny "$sample"
check "bad --base" 2 "^seccomp-gen: --base: 'docker'" "$sg" --base docker "$sample"
check "two selectors" 2 "one way" "$sg" -p 1 --comm x "$sample"
check "--exec without a command" 2 "no command" "$sg" --exec "$sample"
check "command without --exec" 2 "needs --exec" "$sg" "$sample" -- ls
check "missing trace" 1 "^seccomp-gen: .*missing.zst" "$sg" "$tmp/missing.zst"
check "not a trace" 1 "^seccomp-gen: .*text.zst" "$sg" "$tmp/text.zst"
check "pid not in the trace lists those there" 1 \
	"no process 999999 in the trace; it has: [0-9]* (" "$sg" -p 999999 "$sample"
check "comm not in the trace lists those there" 1 \
	"no process matches --comm nosuchname; the trace has: [0-9]* (" \
	"$sg" --comm nosuchname "$sample"
check "--merge: broken JSON" 1 "bad.json: not JSON: line 2:" \
	"$sg" --merge "$tmp/bad.json" --comm workload "$sample"
check "--merge: not a profile" 1 "notprofile.json: not a seccomp profile" \
	"$sg" --merge "$tmp/notprofile.json" --comm workload "$sample"
