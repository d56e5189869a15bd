#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP, in a build configured with --enable-static-tools: the four tools are
# static executables (ldd: "not a dynamic executable") whose --version says
# so, and rec resolves -u and -Z names from /etc/passwd and /etc/group with
# no NSS module: in a mount namespace whose nsswitch.conf names only a
# module that does not exist, a user that only that passwd file holds is
# found, filtered (the trace's uids=) and become: the trace is created as
# that user, through the supplementary group /etc/group gives it (the only
# one that may write the output folder). These need root to record.
set -u
plan=11
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/tests/tap.sh"
echo "1..$plan"

for t in record/rec analyze/analyze tools/csv-export tools/seccomp-gen; do
	ldd "$builddir/$t" >"$tmp/ldd" 2>&1
	expect "ldd $t: not a dynamic executable" "$tmp/ldd" grep -q "not a dynamic executable" "$tmp/ldd"
done
for t in record/rec analyze/analyze tools/csv-export tools/seccomp-gen; do
	"$builddir/$t" --version >"$tmp/version" 2>&1
	expect "$t --version: linked statically" "$tmp/version" grep -q "linked statically" "$tmp/version"
done

REC=$builddir/record/rec
[ "$(id -u)" -eq 0 ] || skip_all "-u and -Z by name" "needs root to record"
command -v unshare >/dev/null || skip_all "-u and -Z by name" "no unshare"
# A user and group of its own in copies of the files, bind-mounted over
# /etc's in a private mount namespace; NSS could not find it there.
{ cat /etc/passwd; echo "ttstatic:x:4242:4243::/nonexistent:/bin/false"; } >"$tmp/passwd"
{ cat /etc/group; echo "ttstatic:x:4243:"; echo "ttextra:x:4244:someone,ttstatic"; } >"$tmp/group"
printf 'passwd: ttnomodule\ngroup: ttnomodule\n' >"$tmp/nsswitch.conf"
chmod 755 "$tmp"
mkdir "$tmp/out" && chown 0:4244 "$tmp/out" && chmod 770 "$tmp/out"
unshare -m sh -c '
	mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group &&
	mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf || exit 99
	"$2" -q -m exec,syscall -u ttstatic -Z ttstatic -o "$1/out/t.zst" -- true' sh "$tmp" "$REC" 2>"$tmp/rec.err"
st=$?
[ $st -eq 99 ] && skip_all "-u and -Z by name" "cannot bind-mount over /etc in a mount namespace"
if [ $st -ne 0 ] && grep -q "permission\|BPF\|kernel" "$tmp/rec.err"; then
	skip_all "-u and -Z by name" "rec could not record: $(head -1 "$tmp/rec.err")"
fi
expect "rec -u ttstatic -Z ttstatic, names only /etc/passwd holds: exit 0" "$tmp/rec.err" test $st -eq 0
zstd -dc "$tmp/out/t.zst" 2>/dev/null | strings >"$tmp/header"
expect "-u resolved ttstatic to uid 4242 (uids= in the trace's options)" "$tmp/header" \
	grep -qx "uids=4242" "$tmp/header"
stat -c %u:%g "$tmp/out/t.zst" >"$tmp/owner" 2>&1
expect "-Z became ttstatic with group ttextra: the trace is owned by 4242:4243" "$tmp/owner" \
	grep -qx 4242:4243 "$tmp/owner"
