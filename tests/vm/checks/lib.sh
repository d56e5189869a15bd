# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by every check. A check runs in its own empty directory under /tmp,
# prints "ok - WHAT" or "not ok - WHAT" per assertion (the host numbers
# them) and "# ..." diagnostics, and exits 0 once it has reported; any other
# exit status is itself reported as a failure by /init.
REC=$TT/record/rec
ANALYZE=$TT/analyze/analyze
CSV=$TT/tools/csv-export
WORKLOAD=$TT/tests/workload
# The libc of u:LIBC:FUNCTION probes: the host's, carried at its path, or
# with TT_VM_STATIC=1 (no libc.so) the static func_prog's own copy.
LIBC=libc
[ -n "${TT_STATIC:-}" ] && LIBC=$TT/tests/func_prog

# is WHAT GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		echo "# got '$2', want '$3'"
	fi
}

# check WHAT COMMAND...: ok when COMMAND succeeds.
check() {
	what=$1
	shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fi
}

# diag FILE: a file's last lines as diagnostics (a log after a failure).
diag() {
	tail -n "${2:-20}" "$1" | sed 's/^/# /'
}

# The pid of the first successful exec of PROGRAM in a trace.
exec_pid() {
	"$ANALYZE" "$1" --events | grep -m 1 -F "+++ exec \"$2\" [" | sed 's/^[^[]*\[\([0-9]*\)\/.*/\1/'
}

# wait_recording LOG PID: until rec (PID, started with -v, its stderr in
# LOG) says it records, at most 30 s: under TCG loading the programs takes
# seconds. Returns at once when rec has exited (it gave up).
wait_recording() {
	for _ in $(seq 150); do
		grep -q 'recording to' "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
