# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the shell tests (after they set `plan`): TAP lines, and the rule
# for tests that need root to record: skipped where they cannot run, failed
# under TRACETAPE_REQUIRE_BPF=1 (as .ci/run sets), because CI can run them.

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

# Every one of the plan's tests skipped (or failed, in CI) for reason; exits.
skip_all() { # what, reason
	i=1
	while [ "$i" -le "$plan" ]; do
		if [ "${TRACETAPE_REQUIRE_BPF:-}" = 1 ]; then
			echo "not ok $i - $1 # $2, and TRACETAPE_REQUIRE_BPF=1"
		else
			echo "ok $i - $1 # SKIP $2"
		fi
		i=$((i + 1))
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
