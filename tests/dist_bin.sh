#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP, in a build configured with --enable-static-tools: make dist-bin's
# tarball holds the static tools, their man pages, a bash completion per
# tool, the examples with the systemd unit, and INSTALL; unpacked into an
# empty folder, its rec records a workload (exactly its getppid calls, as
# its analyze counts them) and its csv-export and seccomp-gen read the
# trace, with an empty environment. Recording needs root.
set -u
plan=10
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/tests/tap.sh"
echo "1..$plan"

make -s -C "$builddir" dist-bin >"$tmp/make.log" 2>&1
st=$?
tarball=$(sed -n 's/^dist-bin: \(.*\.tar\.gz\)$/\1/p' "$tmp/make.log")
expect "make dist-bin: exit 0, names the tarball ($tarball)" "$tmp/make.log" \
	test $st -eq 0 -a -f "$builddir/$tarball"
case "$tarball" in
*-x86_64-linux.tar.gz) ok "named PACKAGE-VERSION-x86_64-linux.tar.gz" ;;
*) fail "named PACKAGE-VERSION-x86_64-linux.tar.gz: $tarball" ;;
esac
mkdir "$tmp/empty"
tar -xzf "$builddir/$tarball" -C "$tmp/empty" 2>"$tmp/tar.err"
mv "$builddir/$tarball" "$tmp/" # not left in the build tree
d=$tmp/empty/${tarball%.tar.gz}
(cd "$d" 2>/dev/null && find . -type f | sort) >"$tmp/files"
sed 's/^/# /' "$tmp/files"
has_all() { for f; do grep -qx "./$f" "$tmp/files" || return 1; done; }
expect "the four tools in bin/" "$tmp/tar.err" \
	has_all bin/rec bin/analyze bin/csv-export bin/seccomp-gen
expect "their man pages" "$tmp/files" has_all share/man/man8/rec.8 share/man/man1/analyze.1 \
	share/man/man1/csv-export.1 share/man/man1/seccomp-gen.1
expect "a bash completion per tool" "$tmp/files" has_all share/bash-completion/completions/rec \
	share/bash-completion/completions/analyze share/bash-completion/completions/csv-export \
	share/bash-completion/completions/seccomp-gen
expect "the examples and the systemd unit, and INSTALL" "$tmp/files" has_all INSTALL \
	share/tracetape/examples/rec.yaml share/tracetape/examples/alerts.yaml \
	share/tracetape/examples/tracetape-rec.service
for t in rec analyze csv-export seccomp-gen; do ldd "$d/bin/$t"; done >"$tmp/ldd" 2>&1
expect "ldd: each is not a dynamic executable" "$tmp/ldd" \
	test "$(grep -c 'not a dynamic executable' "$tmp/ldd")" -eq 4

[ "$(id -u)" -eq 0 ] || skip_all "the tarball's rec records" "needs root to record"
cd "$tmp/empty" || exit 1
env -i "$d/bin/rec" -q -o t.zst -- "$builddir/tests/workload" --getppid 777 2>"$tmp/rec.err"
st=$?
if [ $st -ne 0 ] && grep -q "permission\|BPF\|kernel" "$tmp/rec.err"; then
	skip_all "the tarball's rec records" "rec could not record: $(head -1 "$tmp/rec.err")"
fi
env -i "$d/bin/analyze" t.zst --summary -e getppid >"$tmp/summary" 2>&1
expect "its rec records the workload, its analyze counts 777 getppid" "$tmp/summary" \
	sh -c '[ $1 -eq 0 ] && awk "\$NF == \"getppid\" { n = \$4 } END { exit n != 777 }" "$2"' \
	sh $st "$tmp/summary"
env -i "$d/bin/csv-export" t.zst -m syscall -o - >"$tmp/csv" 2>&1
expect "its csv-export reads the trace: 777 getppid rows" "$tmp/csv" \
	test "$(grep -c ',getppid,' "$tmp/csv")" -eq 777
env -i "$d/bin/seccomp-gen" t.zst -f list >"$tmp/list" 2>&1
expect "its seccomp-gen makes the workload's allowlist, getppid in it" "$tmp/list" \
	grep -q '^getppid' "$tmp/list"
