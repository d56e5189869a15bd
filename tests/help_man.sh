#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Man pages in step with --help (TAP): every long option an option line of a
# tool's --help names appears in its man page, which has an EXAMPLES section.
# Option lines are the indented ones starting with an option, so the
# examples' options (another tool's, sqlite3's) are not taken for its own.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
plan=8
. "$srcdir/tests/tap.sh"

echo "1..$plan"
for tool in record/rec:rec.8 analyze/analyze:analyze.1 tools/csv-export:csv-export.1 \
	    tools/seccomp-gen:seccomp-gen.1; do
	bin=$builddir/${tool%%:*}
	man=$srcdir/$(dirname "${tool%%:*}")/${tool#*:}
	name=$(basename "$bin")
	# troff writes a hyphen as \- ; the page's text with plain ones.
	text=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$man")
	help=$("$bin" --help 2>&1)
	st=$?
	opts=$(printf '%s\n' "$help" | grep -E '^ {2,}(-[A-Za-z0-9], )?--[a-z]' |
		sed -E 's/^ +(-[A-Za-z0-9], )?(--[a-z][a-z0-9-]*).*/\2/' | sort -u)
	missing=
	for o in $opts; do
		printf '%s\n' "$text" | grep -qE -- "$o([^a-z0-9-]|\$)" || missing="$missing $o"
	done
	if [ "$st" -ne 0 ] || [ -z "$opts" ]; then
		fail "$name --help: exit $st, $(echo $opts | wc -w) options found"
	elif [ -n "$missing" ]; then
		fail "$name: every --help option in ${man#$srcdir/}"
		echo "# missing:$missing"
	else
		ok "$name: every --help option in ${man#$srcdir/} ($(echo $opts | wc -w))"
	fi
	expect "${man#$srcdir/} has EXAMPLES" "" grep -q '^\.SH EXAMPLES' "$man"
done
