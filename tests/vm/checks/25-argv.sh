# SPDX-License-Identifier: GPL-2.0-or-later
# An exec with one 6000-byte argument among short ones: with --argsize 32768
# it reads back byte for byte (analyze --events and csv-export), and at the
# default argsize (4096) it is cut cleanly: argv_truncated set, the kept text
# an exact prefix of the argv, nothing from other events.
. /checks/lib.sh

# 600 numbered 10-byte blocks ("000000000-000000010-..."): a block out of
# place, repeated or from elsewhere shows in a comparison.
long=$(awk 'BEGIN { for (i = 0; i < 600; i++) printf "%09d-", i * 10 }')
is "the long argument is 6000 bytes" "${#long}" 6000
# /bin/true is busybox: it ignores its arguments and exits 0.
set -- /bin/true short-1 "two words" "$long" x end
full_csv="/bin/true short-1 'two words' $long x end" # csv-export: shell words
full_text="\"/bin/true\", \"short-1\", \"two words\", \"$long\", \"x\", \"end\"" # analyze

# prefix_of TEXT PART: sets prefix to yes, no or empty (PART is)
prefix_of() {
	prefix=no
	[ -z "$2" ] && prefix=empty
	case $1 in "$2"*) [ -n "$2" ] && prefix=yes ;; esac
}

# record NAME [REC OPTIONS]: rec -m exec ... -- the argv above
record() {
	name=$1
	shift
	"$REC" -q -m exec "$@" -o "$name.zst" -- /bin/true short-1 "two words" "$long" x end 2>"$name.err"
	st=$?
	is "$name: rec -m exec ${*:+$* }-- /bin/true ARGS (6000-byte argument) exits 0" "$st" 0
	[ "$st" = 0 ] || diag "$name.err" 5
	"$ANALYZE" "$name.zst" --events 2>/dev/null | grep -F '+++ exec "/bin/true" [' >"$name.events"
	"$ANALYZE" "$name.zst" --events --json 2>/dev/null | grep -F '"type": "exec"' | grep -F '"filename": "/bin/true"' >"$name.json"
	"$CSV" "$name.zst" -m exec -o - 2>/dev/null | awk -F, '$3 == "true"' >"$name.csv"
	is "$name: one exec of /bin/true in the trace" "$(wc -l <"$name.events")" 1
}

# 1. --argsize 32768: the whole argv, exactly.
record whole --argsize 32768
# TIME COMM[PID/TID] +++ exec "FILE" [ARGV] = RET (ppid N, uid N) +++
got=$(sed 's/^[^ ]* [^ ]* //; s/ (ppid [0-9]*, uid [0-9]*) +++$//' whole.events)
want="+++ exec \"/bin/true\" [$full_text] = 0"
is "whole: analyze --events' exec line is ${#want} bytes" "${#got}" "${#want}"
check "whole: analyze --events shows the argv byte for byte" [ "$got" = "$want" ]
csv=$(cut -d, -f8 whole.csv) # the argv column (no comma in this argv)
is "whole: csv-export's argv is ${#full_csv} bytes" "${#csv}" "${#full_csv}"
check "whole: csv-export's argv is the argv byte for byte" [ "$csv" = "$full_csv" ]
check "whole: argv_truncated is false" grep -qF '"argv_truncated": false' whole.json

# 2. The default argsize: cut, flagged, and what is kept is the argv's start.
record cut
check "cut: argv_truncated is true" grep -qF '"argv_truncated": true' cut.json
check "cut: analyze --events ends the argv with ', ...]'" grep -qF ', ...] = 0' cut.events
# The kept text without its last closing quote is a prefix of the full text.
kept=$(sed -n 's/.* +++ exec "\/bin\/true" \[\(.*\)", \.\.\.\] = 0 (ppid .*/\1/p' cut.events)
prefix_of "$full_text" "$kept"
is "cut: analyze's kept argv is an exact prefix of the argv (${#kept} characters)" "$prefix" yes
[ "$prefix" = yes ] || echo "# analyze --events shows: $(cut -c 1-300 cut.events)"
csv=$(cut -d, -f8 cut.csv)
prefix_of "$full_csv" "$csv"
is "cut: csv-export's kept argv is an exact prefix of the argv" "$prefix" yes
[ "$prefix" = yes ] || echo "# csv-export's row: $(cut -c 1-300 cut.csv)"
# The argv's bytes kept: the csv text less the quotes of 'two words' (its
# spaces are the NULs; the cut argument has none); at most the 4096 of
# --argsize, and not far short.
kept_bytes=$((${#csv} - 2))
check "cut: 4000 < kept bytes ($kept_bytes) <= 4096" [ "$kept_bytes" -gt 4000 -a "$kept_bytes" -le 4096 ]
