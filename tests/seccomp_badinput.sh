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

plan=14
. "$srcdir/tests/tap.sh"
one_line=1 # failures (exit 1) say what is wrong in one line

echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [' >"$tmp/bad.json"
echo '{"names": ["read"]}' >"$tmp/notprofile.json"
echo "not a trace" >"$tmp/text.zst"

echo "1..$plan"
expect_exit "no trace" 2 "^seccomp-gen: no trace" "$sg"
expect_exit "unknown option" 2 "Try" "$sg" --bogus "$sample"
expect_exit "bad --format" 2 "^seccomp-gen: --format: 'xml'" "$sg" -f xml "$sample"
expect_exit "bad --default-action" 2 "^seccomp-gen: --default-action: 'deny'" \
	"$sg" --default-action deny "$sample"
expect_exit "bad --base" 2 "^seccomp-gen: --base: 'docker'" "$sg" --base docker "$sample"
expect_exit "two selectors" 2 "one way" "$sg" -p 1 --comm x "$sample"
expect_exit "--exec without a command" 2 "no command" "$sg" --exec "$sample"
expect_exit "command without --exec" 2 "needs --exec" "$sg" "$sample" -- ls
expect_exit "missing trace" 1 "^seccomp-gen: .*missing.zst" "$sg" "$tmp/missing.zst"
expect_exit "not a trace" 1 "^seccomp-gen: .*text.zst" "$sg" "$tmp/text.zst"
expect_exit "pid not in the trace lists those there" 1 \
	"no process 999999 in the trace; it has: [0-9]* (" "$sg" -p 999999 "$sample"
expect_exit "comm not in the trace lists those there" 1 \
	"no process matches --comm nosuchname; the trace has: [0-9]* (" \
	"$sg" --comm nosuchname "$sample"
expect_exit "--merge: broken JSON" 1 "bad.json: not JSON: line 2:" \
	"$sg" --merge "$tmp/bad.json" --comm workload "$sample"
expect_exit "--merge: not a profile" 1 "notprofile.json: not a seccomp profile" \
	"$sg" --merge "$tmp/notprofile.json" --comm workload "$sample"
