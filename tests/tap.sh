# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the shell tests (after they set `plan`): TAP lines, and the rule
# for tests that need root to record: skipped where they cannot run, failed
# under TRACETAPE_REQUIRE_BPF=1 (as .ci/run sets), because CI can run them.
# check and expect_exit keep the command's output in "$tmp", which the
# test makes.

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { # name, [file whose tail to show]
	n=$((n + 1))
	echo "not ok $n - $1"
	[ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/# /' "$2" | tail -15
	return 0
}
expect() { # name, file to show, test...
	name=$1 show=$2
	shift 2
	if "$@"; then ok "$name"; else fail "$name" "$show"; fi
}

# A command that must succeed; its output is shown if it does not.
check() { # name, command...
	name=$1
	shift
	if "$@" >"$tmp/check.out" 2>&1; then ok "$name"; else fail "$name" "$tmp/check.out"; fi
}

# A command that must exit with STATUS and say PATTERN (grep) on stderr;
# for the statuses the test lists in one_line (as one_line="1 2"), in one
# line. Its stdout and stderr are left in $tmp/out and $tmp/err.
expect_exit() { # name, status, pattern, command...
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$name: exit $got, want $want" "$tmp/err"
	elif ! grep -q -- "$pat" "$tmp/err"; then
		fail "$name: stderr lacks '$pat'" "$tmp/err"
	elif case " ${one_line:-} " in *" $want "*) true ;; *) false ;; esac &&
		[ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		fail "$name: more than one line on stderr" "$tmp/err"
	else
		ok "$name"
	fi
}

# One test skipped for a missing tool or file: never a failure.
skip() { # name, reason
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# One test that needs root to record, skipped (or failed, in CI) for reason.
skip_bpf() { # name, reason
	n=$((n + 1))
	if [ "${TRACETAPE_REQUIRE_BPF:-}" = 1 ]; then
		echo "not ok $n - $1 # $2, and TRACETAPE_REQUIRE_BPF=1"
	else
		echo "ok $n - $1 # SKIP $2"
	fi
}

# The rest of the plan's tests skipped (or failed, in CI) for reason; exits.
skip_all() { # what, reason
	while [ "$n" -lt "$plan" ]; do
		skip_bpf "$1" "$2"
	done
	exit 0
}

# Wait until a rec started in the background records into TRACE (its
# .partial file appears once the programs are attached), at most 60 s:
# a loaded CI machine can take seconds to load them, more than any sleep.
wait_recording() { # trace
	i=0
	while [ ! -e "$1.partial" ] && [ ! -e "$1" ] && [ "$i" -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# Wait until FILE (a tool's stderr) says TEXT, at most 30 s ("listening on"
# from tcpdump).
wait_for_text() { # file, text
	i=0
	while ! grep -qs "$2" "$1" && [ "$i" -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
