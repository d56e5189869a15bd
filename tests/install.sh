#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Packaging (TAP): make install into a DESTDIR puts the four tools, their man
# pages (named as the tools are, so --program-prefix applies to both), the
# examples, a bash completion per tool and the Wireshark dissector (found by
# tshark -G plugins) under the prefix; the unit names the installed rec;
# make uninstall removes them all. The completion: bash
# sources it, `complete -p` knows each tool, and simulated COMP_WORDS
# complete options (from the tool's --help) and option values.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
comp=$builddir/tools/completion/tracetape
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
plan=14
. "$srcdir/tests/tap.sh"

echo "1..$plan"
# The installed names, as make's $(transform) made them for the completion.
names=$(sed -n 's/^complete .* -F _tracetape //p' "$comp" 2>/dev/null)
set -- $names
rec=${1:-} an=${2:-} csv=${3:-} sg=${4:-}
check "the completion names the four tools ($names)" \
	sh -c 'case "$1/$2/$3/$4" in *rec/*analyze/*csv-export/*seccomp-gen) exit 0;; esac; exit 1' \
	sh "$rec" "$an" "$csv" "$sg"

make -s -C "$builddir" install DESTDIR="$tmp/root" >"$tmp/install.log" 2>&1
st=$?
(cd "$tmp/root" && find . -type f | sort) >"$tmp/files"
sed 's/^/# /' "$tmp/files"
[ $st -eq 0 ] || sed 's/^/# /' "$tmp/install.log" | tail -10
has() { grep -q "$1" "$tmp/files"; }
check "make install: exit 0" test $st -eq 0
check "the tools in bin/" sh -c 'for t; do grep -q "/bin/$t\$" "$0" || exit 1; done' \
	"$tmp/files" "$rec" "$an" "$csv" "$sg"
check "their man pages, named as the tools are" sh -c 'grep -q "/man8/$1.8\$" "$0" &&
	grep -q "/man1/$2.1\$" "$0" && grep -q "/man1/$3.1\$" "$0" && grep -q "/man1/$4.1\$" "$0"' \
	"$tmp/files" "$rec" "$an" "$csv" "$sg"
check "the examples: rec.yaml, alerts.yaml, tracetape-rec.service, tracetape-serve.service" sh -c '
	for f in rec.yaml alerts.yaml tracetape-rec.service tracetape-serve.service; do
		grep -q "/share/tracetape/examples/$f\$" "$0" || exit 1
	done' "$tmp/files"
check "a bash completion per tool" sh -c 'for t; do
	grep -q "/bash-completion/completions/$t\$" "$0" || exit 1; done' "$tmp/files" "$rec" "$an" "$csv" "$sg"
unit=$(grep '/tracetape-rec.service$' "$tmp/files" | head -1)
bin=$(grep "/bin/$rec\$" "$tmp/files" | head -1)
check "the unit's ExecStart is the installed rec (${bin#.})" \
	grep -q "^ExecStart=${bin#.} " "$tmp/root/${unit#./}"
unit=$(grep '/tracetape-serve.service$' "$tmp/files" | head -1)
bin=$(grep "/bin/$an\$" "$tmp/files" | head -1)
check "the serve unit's ExecStart is the installed analyze (${bin#.})" \
	grep -q "^ExecStart=${bin#.} --serve " "$tmp/root/${unit#./}"
# The dissector, named as the tools are, in the global Lua plugin folder
# that WIRESHARK_PLUGIN_DIR names. Wireshark ignores that variable when run
# as root, so root runs tshark as nobody.
lua=$(grep "/lib.*/wireshark/plugins/[^/]*tracetape\.lua\$" "$tmp/files" | head -1)
check "the dissector in the Wireshark plugin folder, named as the tools are (${lua#.})" \
	sh -c 'case "$1" in */plugins/"$2") exit 0;; esac; exit 1' \
	sh "$lua" "${rec%%rec*}tracetape${rec#*rec}.lua"
if command -v tshark >/dev/null && [ -n "$lua" ]; then
	as_user=
	if [ "$(id -u)" -eq 0 ]; then
		as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
		chmod -R a+rX "$tmp"
	fi
	$as_user env HOME="$tmp" WIRESHARK_PLUGIN_DIR="$tmp/root/${lua%/*}" tshark -G plugins \
		>"$tmp/plugins" 2>&1
	grep tracetape "$tmp/plugins" | sed 's/^/# /'
	check "tshark -G plugins finds it there" grep -q "lua script.*/${lua##*/}\$" "$tmp/plugins"
else
	skip "tshark -G plugins finds it there" "no tshark, or nothing installed"
fi
make -s -C "$builddir" uninstall DESTDIR="$tmp/root" >"$tmp/uninstall.log" 2>&1
check "make uninstall removes every file" sh -c '[ $(find "$0" -type f | wc -l) -eq 0 ]' "$tmp/root"

# The completion, on the built tools under their installed names.
mkdir "$tmp/bin"
ln -s "$builddir/record/rec" "$tmp/bin/$rec"
ln -s "$builddir/analyze/analyze" "$tmp/bin/$an"
ln -s "$builddir/tools/csv-export" "$tmp/bin/$csv"
ln -s "$builddir/tools/seccomp-gen" "$tmp/bin/$sg"
complete_words() { # words...: what the completion offers for the last one
	PATH="$tmp/bin:$PATH" bash --norc -c '. "$0" || exit 1; COMP_WORDS=("$@");
		COMP_CWORD=$(($# - 1)); _tracetape; echo "${COMPREPLY[*]}"' "$comp" "$@" 2>&1
}
out=$(PATH="$tmp/bin:$PATH" bash --norc -c '. "$0" && for t; do complete -p "$t"; done' "$comp" \
	"$rec" "$an" "$csv" "$sg" 2>&1)
echo "$out" | sed 's/^/# /'
check "bash sources it; complete -p knows each tool" \
	test "$(echo "$out" | grep -c -- '-F _tracetape ')" -eq 4
out=$(complete_words "$rec" --conf)
echo "# $rec --conf: $out"
check "$rec --conf completes to --config" test "$out" = --config
out=$(complete_words "$an" --format pro)
o2=$(complete_words "$csv" --with-c)
echo "# $an --format pro: $out; $csv --with-c: $o2"
check "option values and options: --format prometheus, --with-container" \
	test "$out" = prometheus -a "$o2" = --with-container
