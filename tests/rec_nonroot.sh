#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP: rec as an ordinary user (one this test adds, and removes) with the
# file capabilities rec(8) documents, on a copy of rec: without any, one
# line names what the syscall, exec and signal monitors miss (exit 1);
# with cap_bpf,cap_perfmon alone -m packet names cap_net_admin; with the
# documented sets the syscall and exec monitors record a workload exactly
# and the packet monitor a connection, with no warning, into files owned
# by that user. Needs root (useradd, setcap) and BPF.
set -u
plan=9
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
. "$srcdir/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "rec with file capabilities" "needs root (useradd, setcap)"
for tool in useradd userdel setcap setpriv curl; do
	command -v $tool >/dev/null || skip_all "rec with file capabilities" "no $tool"
done
tmp=$(mktemp -d) || exit 1
user=ttcaps$$
trap 'userdel "$user" 2>/dev/null; rm -rf "$tmp"' EXIT
useradd -M -d /nonexistent -s /bin/sh "$user" || skip_all "rec with file capabilities" "useradd failed"
chmod 755 "$tmp"
cp "$builddir/record/rec" "$builddir/tests/workload" "$tmp/"
mkdir "$tmp/home" && chown "$user" "$tmp/home"
ANALYZE=$builddir/analyze/analyze
REC=$tmp/rec
setcap -r "$REC" 2>/dev/null
# as the user, in the output folder, with the capabilities the file gives
as_user() { (cd "$tmp/home" && setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"); }
one_line="1"

expect_exit "no capabilities: exit 1, the default monitors' cap_bpf,cap_perfmon named" 1 \
	"the syscall, exec and signal monitors need cap_bpf,cap_perfmon (run it as root, or: setcap " \
	as_user "$REC" -o t.zst -- true
check "and no trace written" test ! -e "$tmp/home/t.zst" -a ! -e "$tmp/home/t.zst.partial"

setcap cap_bpf,cap_perfmon+ep "$REC" 2>"$tmp/setcap.err" ||
	skip_all "rec with file capabilities" "setcap failed: $(head -1 "$tmp/setcap.err")"
expect_exit "cap_bpf,cap_perfmon and -m packet: exit 1, cap_net_admin named" 1 \
	"the packet monitor needs cap_net_admin (" as_user "$REC" -m packet -o p.zst -- true

setcap cap_bpf,cap_perfmon,cap_dac_read_search,cap_sys_ptrace+ep "$REC"
as_user "$REC" -m syscall,exec -o t.zst -- "$tmp/workload" --getppid 321 >/dev/null 2>"$tmp/rec.err"
st=$?
if [ $st -ne 0 ] && grep -q "BPF\|kernel" "$tmp/rec.err"; then
	skip_all "rec with file capabilities" "rec could not record: $(head -1 "$tmp/rec.err")"
fi
expect "syscall,exec with $(getcap "$REC" | sed 's/.* //'): exit 0, no warning" "$tmp/rec.err" \
	sh -c '[ $1 -eq 0 ] && ! grep -q "without\|warn\|cannot" "$2"' sh $st "$tmp/rec.err"
"$ANALYZE" "$tmp/home/t.zst" --summary -e getppid >"$tmp/summary" 2>&1
expect "the workload's 321 getppid recorded" "$tmp/summary" \
	awk '$NF == "getppid" { n = $4 } END { exit n != 321 }' "$tmp/summary"
"$ANALYZE" "$tmp/home/t.zst" --events -e execve >"$tmp/events" 2>&1
expect "its exec recorded" "$tmp/events" grep -q "execve(\"$tmp/workload\"" "$tmp/events"
stat -c %U "$tmp/home/t.zst" >"$tmp/owner" 2>&1
expect "the trace is owned by the user ($user)" "$tmp/owner" grep -qx "$user" "$tmp/owner"

# A refused connection to a closed port on lo: its SYN and RST, no netns.
setcap cap_bpf,cap_perfmon,cap_net_admin,cap_sys_ptrace+ep "$REC"
as_user "$REC" -m packet,exec -o p.zst -- curl -s -o /dev/null http://127.0.0.1:9/ >/dev/null 2>"$tmp/pkt.err"
packets=$(sed -n 's/^rec: \([0-9]*\) packets,.*/\1/p' "$tmp/pkt.err")
expect "packet with $(getcap "$REC" | sed 's/.* //'): packets of curl's connection recorded ($packets)" \
	"$tmp/pkt.err" test "${packets:-0}" -ge 2
stat -c %U "$tmp/home/p.pcapng" >"$tmp/owner" 2>&1
expect "the pcapng is owned by the user" "$tmp/owner" grep -qx "$user" "$tmp/owner"
