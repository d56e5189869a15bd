#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --alerts (TAP): rules files with their errors, and a workload of
# harmless dangerous actions raising exactly the expected alerts (needs root
# to record; skipped without it, failed with TRACETAPE_REQUIRE_BPF=1).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze
rec=$builddir/record/rec
sample=$srcdir/samples/workload.zst

plan=18
. "$srcdir/tests/tap.sh"
one_line="1 2 3" # every error, and the alerts' count, in one line
rules() { printf '%s\n' "$@" >"$tmp/r.yaml"; }

echo "1..$plan"
expect_exit "built-in rules, a clean trace: no alerts" 0 "0 alerts" "$an" "$sample" --alerts
expect_exit "samples/alerts.yaml loads" 0 "alerts" "$an" "$sample" --alerts "$srcdir/samples/alerts.yaml"
rules "rules:" "  - id: x" "    severity: urgent" "    message: m" "    syscalls: read"
expect_exit "bad severity: file:line:column" 2 "r.yaml:3:15: severity: expected info" "$an" "$sample" --alerts "$tmp/r.yaml"
rules "rules:" "  - id: x" "    severity: low" "    message: m" "    syscalls: [read, nosuchcall]"
expect_exit "unknown syscall: file:line:column" 2 "r.yaml:5:22: syscalls: unknown syscall or category 'nosuchcall'" "$an" "$sample" --alerts "$tmp/r.yaml"
rules "rules:" "  - id: x" "    severity: low" "    message: m" "    pathh: /etc/*"
expect_exit "unknown key" 2 "r.yaml:5:5: unknown key 'pathh'" "$an" "$sample" --alerts "$tmp/r.yaml"
rules "rules:" "  - id: x" "    path: /etc/*"
expect_exit "new rule without severity" 2 "r.yaml:2:5: rule 'x' needs a severity and a message" "$an" "$sample" --alerts "$tmp/r.yaml"
rules "rules:" "  - id: x" "    severity: low" "    message: m"
expect_exit "new rule without conditions" 2 "r.yaml:2:5: rule 'x' is not a built-in one and has no conditions" "$an" "$sample" --alerts "$tmp/r.yaml"
rules "rules:" "  - id: x" "    severity: low" "    message: m" "    args: [{index: 9, equals: 1}]"
expect_exit "argument index out of range" 2 "r.yaml:5:20: index: expected a number up to 5" "$an" "$sample" --alerts "$tmp/r.yaml"
rules "rules:" "  - id: [x" "    severity: low"
expect_exit "YAML syntax error" 2 "r.yaml:3:" "$an" "$sample" --alerts "$tmp/r.yaml"
expect_exit "missing rules file" 1 "nosuch.yaml: No such file" "$an" "$sample" --alerts="$tmp/nosuch.yaml"
expect_exit "--fail-on: bad severity" 2 "--fail-on: expected info" "$an" "$sample" --alerts --fail-on bad
expect_exit "--fail-on without --alerts" 2 "--fail-on goes with --alerts" "$an" "$sample" --fail-on high

# a rule of one's own on the sample: its failed opens of /nonexistent/...
rules "rules:" "  - id: missing-file" "    severity: low" "    message: opens of what is not there" \
	"    syscalls: [open, openat]" "    path: /nonexistent/*" "    result: failure"
"$an" "$sample" --alerts "$tmp/r.yaml" --fail-on low >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st -eq 3 ] && [ "$(grep -c ' low      missing-file workload\[' "$tmp/out")" -eq 2 ]; then
	ok "own rule on the sample: 2 alerts, exit 3 with --fail-on low"
else
	fail "own rule on the sample: exit $st" "$tmp/err"; sed 's/^/# /' "$tmp/out"
fi

if [ "$(id -u)" -ne 0 ]; then
	for t in "dangerous workload: exactly the expected alerts" "--json agrees" \
		"--fail-on critical: exit 3" "harmless workload: no alerts, exit 0" \
		"other spellings of the path"; do
		skip_bpf "$t" "needs root to record"
	done
	exit 0
fi

mkdir "$tmp/etc"
rules "rules:" "  - id: fake-shadow" "    severity: critical" "    message: write to the test's fake shadow file" \
	"    syscalls: [open, openat, creat]" "    path: '*/etc/fake-shadow'" "    write: true" \
	"  - id: perf-event-open" "    enabled: false"
"$rec" -q -o "$tmp/d.zst" -- "$builddir/tests/danger" --sensitive "$tmp/etc/fake-shadow" 2>"$tmp/err"
"$an" "$tmp/d.zst" --alerts "$tmp/r.yaml" >"$tmp/out" 2>"$tmp/err"
got=$(awk '{print $3}' "$tmp/out" | sort | tr '\n' ' ')
want="fake-shadow mount ptrace unshare-namespace "
if [ "$got" = "$want" ]; then
	ok "dangerous workload: exactly the expected alerts"
else
	fail "dangerous workload: got '$got', want '$want'" "$tmp/err"; sed 's/^/# /' "$tmp/out"
fi
"$an" "$tmp/d.zst" --alerts "$tmp/r.yaml" --json >"$tmp/json" 2>"$tmp/err"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
got = sorted(a["rule"] for a in d["alerts"])
assert got == ["fake-shadow", "mount", "ptrace", "unshare-namespace"], got
assert d["counts"]["critical"] == 1 and d["counts"]["high"] == 2 and d["counts"]["medium"] == 1, d["counts"]
assert all(a["comm"] == "danger" and a["event"] for a in d["alerts"])
' "$tmp/json" 2>"$tmp/err"; then
	ok "--json agrees"
else
	fail "--json agrees" "$tmp/err"
fi
expect_exit "--fail-on critical: exit 3" 3 "4 alerts (critical 1, high 2, medium 1" "$an" "$tmp/d.zst" --alerts "$tmp/r.yaml" --fail-on critical
"$rec" -q -o "$tmp/n.zst" -- "$builddir/tests/danger" --none 2>"$tmp/err"
expect_exit "harmless workload: no alerts, exit 0" 0 "0 alerts" "$an" "$tmp/n.zst" --alerts "$tmp/r.yaml" --fail-on info

# The same file by other spellings: //, /./ and dir/.. are no way around a
# rule (its path is matched once made canonical).
mkdir "$tmp/x"
"$rec" -q -o "$tmp/e.zst" -- sh -c "'$builddir/tests/danger' --sensitive '$tmp/etc//fake-shadow' &&
	'$builddir/tests/danger' --sensitive '$tmp/etc/./fake-shadow' &&
	'$builddir/tests/danger' --sensitive '$tmp/x/../etc/fake-shadow'" 2>"$tmp/err"
"$an" "$tmp/e.zst" --alerts "$tmp/r.yaml" >"$tmp/out" 2>"$tmp/err"
expect "other spellings of the path: 3 fake-shadow alerts ($(grep -c ' fake-shadow ' "$tmp/out"))" \
	"$tmp/out" test "$(grep -c ' fake-shadow ' "$tmp/out")" = 3
