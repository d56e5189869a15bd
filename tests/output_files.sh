#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Files the tools write beside a trace follow the trace's rules (TAP):
# mode 0600, a symlink at the name never followed, an existing file never
# replaced without --force, --force replacing a symlink rather than its
# target, nothing left behind; --force with nothing to replace is a usage
# error. pcapng needs root to record and is skipped without it.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
plan=33
echo "1..$plan"
. "$srcdir/tests/tap.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
sample=$srcdir/samples/workload.zst
umask 022 # the files are 0600 whatever a wider umask says

mode() { stat -c %a "$1"; }
victim_ok() { [ "$(cat "$tmp/victim")" = victim ] && [ "$(mode "$tmp/victim")" = 644 ]; }
no_tmp() { ! ls "$tmp" | grep -q '\.tmp\.'; }

# One tool: $1 name, $2 the option that replaces, $3 the
# message of a refusal; then the command with @OUT@ for the output name.
tool() {
	tname=$1 force=$2 refuse=$3
	shift 3
	run() { # output name, extra option
		out=$1 extra=$2
		shift 2
		set -- $(printf '%s\n' "$@" | sed "s|@OUT@|$out|")
		"$@" $extra >"$tmp/stdout" 2>"$tmp/err"
	}
	echo victim >"$tmp/victim"
	chmod 644 "$tmp/victim"
	rm -f "$tmp/out"
	ln -s "$tmp/victim" "$tmp/out"
	run "$tmp/out" "" "$@"
	st=$?
	expect "$tname: a symlink at the name is not followed (exit $st)" "$tmp/err" \
		sh -c "[ $st -eq 1 ] && [ \"\$(wc -l <'$tmp/err')\" -eq 1 ]"
	expect "$tname: the symlink's target is untouched" "$tmp/err" victim_ok
	rm -f "$tmp/out"
	run "$tmp/out" "" "$@"
	expect "$tname: written mode 0600" "$tmp/err" sh -c "[ \"\$(stat -c %a '$tmp/out')\" = 600 ]"
	cp "$tmp/out" "$tmp/first"
	echo "not ours" >"$tmp/out"
	run "$tmp/out" "" "$@"
	st=$?
	expect "$tname: an existing file is not replaced (exit $st)" "$tmp/err" \
		sh -c "[ $st -eq 1 ] && grep -q '$refuse' '$tmp/err' && [ \"\$(cat '$tmp/out')\" = 'not ours' ]"
	rm -f "$tmp/out"
	ln -s "$tmp/victim" "$tmp/out"
	run "$tmp/out" "$force" "$@"
	expect "$tname: $force replaces the symlink, not its target" "$tmp/err" \
		sh -c "[ ! -L '$tmp/out' ] && cmp -s '$tmp/out' '$tmp/first' && [ \"\$(stat -c %a '$tmp/out')\" = 600 ]"
	expect "$tname: the target is still untouched" "$tmp/err" victim_ok
	echo "not ours" >"$tmp/out"
	run "$tmp/out" "$force" "$@"
	expect "$tname: $force replaces an existing file" "$tmp/err" \
		sh -c "cmp -s '$tmp/out' '$tmp/first'"
	expect "$tname: no temporary file is left" "$tmp/err" no_tmp
}

tool csv-export --force "not replacing it without --force" \
	"$builddir/tools/csv-export" -m syscall -o @OUT@ "$sample"
tool "analyze --html" --force "not replacing it without --force" \
	"$builddir/analyze/analyze" "$sample" --html @OUT@
tool seccomp-gen --force "not replacing it without --force" \
	"$builddir/tools/seccomp-gen" -q "$sample" -o @OUT@

# --force with no file to replace is a usage error: one line, exit 2.
force_alone() {
	tname=$1
	shift
	"$@" >"$tmp/stdout" 2>"$tmp/err"
	st=$?
	expect "$tname: --force alone is a usage error (exit $st)" "$tmp/err" \
		sh -c "[ $st -eq 2 ] && [ \"\$(wc -l <'$tmp/err')\" -eq 1 ] && [ ! -s '$tmp/stdout' ]"
}
force_alone "seccomp-gen without -o" "$builddir/tools/seccomp-gen" -q --force "$sample"
force_alone "analyze without --html" "$builddir/analyze/analyze" --force --summary "$sample"
force_alone "csv-export -o -" "$builddir/tools/csv-export" -m exec -o - --force "$sample"

# pcapng beside a recording: the .partial name and the final name.
if [ "$(id -u)" -ne 0 ] || ! "$builddir/record/rec" -q -m packet -o "$tmp/probe.zst" -- true \
	>/dev/null 2>&1; then
	why="needs root and BPF to record packets"
	for t in 1 2 3 4 5 6; do
		[ "${TRACETAPE_REQUIRE_BPF:-}" = 1 ] && fail "pcapng $t # $why" || ok "pcapng $t # SKIP $why"
	done
	exit 0
fi
rec() { "$builddir/record/rec" -q -m packet -o "$tmp/t.zst" "$@" -- true 2>"$tmp/err"; }
echo victim >"$tmp/victim"
chmod 644 "$tmp/victim"
rm -f "$tmp"/t.*
ln -s "$tmp/victim" "$tmp/t.pcapng.partial"
rec
st=$?
expect "pcapng: a symlink at t.pcapng.partial is refused (exit $st)" "$tmp/err" \
	sh -c "[ $st -eq 1 ] && grep -q 'pcapng.partial exists' '$tmp/err'"
expect "pcapng: the symlink's target is untouched" "$tmp/err" victim_ok
rm -f "$tmp"/t.*
echo "not a capture" >"$tmp/t.pcapng"
rec
st=$?
expect "pcapng: an existing non-pcapng file is not replaced (exit $st)" "$tmp/err" \
	sh -c "[ $st -eq 1 ] && grep -q 'not a pcapng file' '$tmp/err' && grep -q 'not a capture' '$tmp/t.pcapng'"
rm -f "$tmp"/t.*
ln -s "$tmp/victim" "$tmp/t.pcapng"
rec --force
expect "pcapng: --force replaces a symlink at the name, not its target" "$tmp/err" \
	sh -c "[ -f '$tmp/t.pcapng' ] && [ ! -L '$tmp/t.pcapng' ] && [ \"\$(cat '$tmp/victim')\" = victim ]"
expect "pcapng: written mode 0600, as the trace" "$tmp/err" \
	sh -c "[ \"\$(stat -c %a '$tmp/t.pcapng')\" = 600 ] && [ \"\$(stat -c %a '$tmp/t.zst')\" = 600 ]"
rec
expect "pcapng: an older pcapng is replaced, as an older trace is" "$tmp/err" \
	sh -c "[ \$(od -An -tx1 -N4 '$tmp/t.pcapng' | tr -d ' ') = 0a0d0d0a ]"
