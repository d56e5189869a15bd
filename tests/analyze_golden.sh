#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run tests/golden/TESTLIST (TAP). With --regen, write the expected outputs
# instead (after samples/regen.sh has re-recorded the samples).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
regen=${1:-}
list=$srcdir/tests/golden/TESTLIST
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# Outputs show wall-clock times: make them the same everywhere.
TZ=UTC; export TZ

trim() { sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }

plan=$(grep -cv '^[[:space:]]*\(#\|$\)' "$list")
. "$srcdir/tests/tap.sh"
echo "1..$plan"
grep -v '^[[:space:]]*\(#\|$\)' "$list" | while IFS='|' read -r name prog input opts expected; do
	name=$(echo "$name" | trim); prog=$(echo "$prog" | trim)
	input=$(echo "$input" | trim); expected=$(echo "$expected" | trim)
	case $prog in
	analyze) bin=$builddir/analyze/analyze ;;
	csv-export) bin=$builddir/tools/csv-export ;;
	*) fail "$name: unknown program $prog"; continue ;;
	esac
	# Relative paths, so that outputs name the sample the same from any tree.
	# shellcheck disable=SC2086 # options are words
	(cd "$srcdir" && "$bin" samples/"$input" $opts) >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$regen" = --regen ]; then
		cp "$tmp/out" "$srcdir/tests/golden/$expected"
		ok "$name # regenerated"
	elif [ $status -ne 0 ]; then
		fail "$name: exit status $status" "$tmp/err"
	elif ! diff -u "$srcdir/tests/golden/$expected" "$tmp/out" >"$tmp/diff"; then
		fail "$name: output differs from tests/golden/$expected"
		head -40 "$tmp/diff" | sed 's/^/# /'
	else
		ok "$name"
	fi
done
