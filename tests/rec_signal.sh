#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: the signal monitor, recorded for real. tests/signal_prog sends itself
# SIGUSR1 (caught), kills a child with SIGTERM and has a child segfault,
# catching each SIGCHLD; analyze --events must show each delivery as strace
# does, with the right si_code and pids, and each generation; --top, --json,
# csv-export and an alert rule must see them; -m syscall must record none.
# Needs root to record.
set -u
plan=17
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
. "$srcdir/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "signal monitor" "needs root to record"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
REC=$builddir/record/rec
ANALYZE=$builddir/analyze/analyze
CSV=$builddir/tools/csv-export

"$REC" -q -o "$tmp/t.zst" -- "$builddir/tests/signal_prog" >"$tmp/prog.out" 2>"$tmp/rec.err" ||
	skip_all "signal monitor" "rec could not record: $(head -1 "$tmp/rec.err")"
self=$(awk '$1 == "self" { print $2 }' "$tmp/prog.out")
term=$(awk '$1 == "term" { print $2 }' "$tmp/prog.out")
segv=$(awk '$1 == "segv" { print $2 }' "$tmp/prog.out")
"$ANALYZE" "$tmp/t.zst" --events >"$tmp/events" 2>"$tmp/err"
grep -e ' --- SIG' -e '+++ sent ' "$tmp/events" >"$tmp/sig"

# has NAME PATTERN: one line of the signal lines matches (grep -F).
has() {
	expect "$1" "$tmp/sig" grep -qF -- "$2" "$tmp/sig"
}
has "SIGUSR1 delivered to itself, SI_USER from its own pid" \
	"[$self/$self] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=$self, si_uid=0} ---"
has "SIGUSR1 sent to itself" "[$self/$self] +++ sent SIGUSR1 (SI_USER) to $self = delivered +++"
has "SIGTERM sent to the child" "[$self/$self] +++ sent SIGTERM (SI_USER) to $term = delivered +++"
has "SIGCHLD of the killed child: CLD_KILLED, its pid, SIGTERM" \
	"[$self/$self] --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=$term, si_uid=0, si_status=SIGTERM} ---"
has "SIGCHLD sent by the dying child" "[$term/$term] +++ sent SIGCHLD (CLD_KILLED) to $self = delivered +++"
has "SIGSEGV delivered to the faulting child: SEGV_MAPERR at NULL" \
	"[$segv/$segv] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---"
has "SIGSEGV sent to the faulting thread" \
	"[$segv/$segv] +++ sent SIGSEGV (SEGV_MAPERR) to thread $segv/$segv = delivered +++"
expect "SIGCHLD of the crashed child: CLD_KILLED or CLD_DUMPED, SIGSEGV" "$tmp/sig" \
	grep -qE -- "--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_(KILLED|DUMPED), si_pid=$segv, si_uid=0, si_status=SIGSEGV\} ---" "$tmp/sig"
expect "no delivery to the SIGTERM'd child (it dies in the kernel)" "$tmp/sig" \
	sh -c "! grep -q '\\[$term/$term\\] ---' '$tmp/sig'"
expect "the exits still say what killed the children" "$tmp/events" \
	sh -c "grep -qF '[$term/$term] +++ killed by SIGTERM +++' '$tmp/events' &&
		grep -qF '[$segv/$segv] +++ killed by SIGSEGV' '$tmp/events'"

# --top: the signals table counts each (signal, si_code, event).
"$ANALYZE" "$tmp/t.zst" --top >"$tmp/top" 2>&1
expect "--top counts SIGUSR1 sent once and delivered once" "$tmp/top" \
	sh -c "grep -qE '^SIGUSR1 +SI_USER +sent +1\$' '$tmp/top' &&
		grep -qE '^SIGUSR1 +SI_USER +delivered +1\$' '$tmp/top'"
expect "--top counts two SIGCHLD deliveries" "$tmp/top" \
	sh -c "grep -E '^SIGCHLD +CLD_(KILLED|DUMPED) +delivered +[0-9]+\$' '$tmp/top' |
		awk '{ n += \$4 } END { exit n != 2 }'"

# --json: a delivery's handler (the program's own for SIGUSR1, the default
# action for SIGSEGV) and a generation's target.
"$ANALYZE" "$tmp/t.zst" --events --json >"$tmp/json" 2>&1
expect "--json: signal events with handler, target and result" "$tmp/json" \
	python3 - "$tmp/json" "$self" "$term" "$segv" <<'PY'
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["events"] if e["type"] == "signal"]
self, term, segv = map(int, sys.argv[2:])
usr1 = [e for e in ev if e["signal"] == "SIGUSR1" and e["event"] == "deliver"]
sv = [e for e in ev if e["signal"] == "SIGSEGV" and e["event"] == "deliver"]
kill = [e for e in ev if e["signal"] == "SIGTERM" and e["event"] == "generate"]
assert len(usr1) == 1 and usr1[0]["handler"] > 1 and usr1[0]["si_code"] == "SI_USER", usr1
assert len(sv) == 1 and sv[0]["handler"] == 0 and sv[0]["pid"] == segv, sv
assert len(kill) == 1 and kill[0]["target_pid"] == term and kill[0]["result"] == "delivered", kill
PY

# csv-export: the signal CSV.
mkdir "$tmp/csv"
"$CSV" -d "$tmp/csv" -m signal "$tmp/t.zst" >"$tmp/csv.out" 2>&1
expect "csv-export -m signal: header and rows" "$tmp/csv.out" \
	python3 - "$tmp/csv" "$self" "$term" "$segv" <<'PY'
import csv, glob, sys
(path,) = glob.glob(sys.argv[1] + "/signal_*.csv")
self, term, segv = sys.argv[2:]
rows = list(csv.DictReader(open(path, newline="")))
def one(**kw):
    got = [r for r in rows if all(r[k] == v for k, v in kw.items())]
    assert len(got) == 1, (kw, got)
    return got[0]
one(event="sent", signal="SIGTERM", si_code="SI_USER", pid=self, target_pid=term,
    result="delivered", si_pid=self, si_uid="0")
one(event="delivered", signal="SIGCHLD", si_code="CLD_KILLED", pid=self, si_pid=term,
    si_status="15", target_pid="", result="")
r = one(event="delivered", signal="SIGSEGV", pid=segv)
assert r["si_code"] == "SEGV_MAPERR" and r["handler"] == "SIG_DFL" and r["si_addr"] == "0", r
assert one(event="delivered", signal="SIGUSR1")["handler"].startswith("0x")
PY

# An alert rule on signals.
cat >"$tmp/rules.yaml" <<'EOF2'
rules:
  - id: crash
    severity: high
    message: fault signal
    signals: [SIGSEGV, SIGBUS]
  - id: term-sent
    severity: low
    message: SIGTERM sent
    event: signal-sent
    signals: TERM
EOF2
"$ANALYZE" "$tmp/t.zst" --alerts "$tmp/rules.yaml" >"$tmp/alerts" 2>&1
expect "alert rules fire on a delivered SIGSEGV and a sent SIGTERM, once each" "$tmp/alerts" \
	sh -c "grep -qF 'high     crash signal_prog[$segv/$segv]' '$tmp/alerts' &&
		grep -qF 'low      term-sent signal_prog[$self/$self]' '$tmp/alerts' &&
		grep -q '^analyze: 2 alerts' '$tmp/alerts'"
"$ANALYZE" "$tmp/t.zst" --alerts "$srcdir/samples/alerts.yaml" >"$tmp/alerts2" 2>&1
expect "samples/alerts.yaml's crash rule fires on the segfault" "$tmp/alerts2" \
	grep -qF "crash signal_prog[$segv/$segv]" "$tmp/alerts2"

# -m syscall: no signal monitor, no signal lines.
"$REC" -q -m syscall -o "$tmp/s.zst" -- "$builddir/tests/signal_prog" >/dev/null 2>"$tmp/rec2.err"
"$ANALYZE" "$tmp/s.zst" --events >"$tmp/events2" 2>&1
expect "-m syscall records no signals" "$tmp/events2" \
	sh -c "grep -q 'kill(' '$tmp/events2' && ! grep -qe ' --- SIG' -e '+++ sent' '$tmp/events2'"
