#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Paths and fds from the trace's own state (TAP): the sensitive-file rule
# is not evaded by other spellings of the path (//, /./, .. from another
# cwd, a cwd-relative name, openat on a directory fd, fchdir); a relative
# name whose cwd the trace lacks still alerts, saying so; --fd-names names
# a file's and a socket's fds as strace -y does; a process running before
# rec has its cwd and fds from each file's prologue, also in a later file
# read alone. Needs root to record: skipped without it, failed with
# TRACETAPE_REQUIRE_BPF=1.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
tmp=$(mktemp -d) || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
an=$builddir/analyze/analyze
rec=$builddir/record/rec
py=/usr/bin/python3 # not a wrapper script (pyenv's), which a deleted cwd upsets
[ -x "$py" ] || py=$(command -v python3 || true)

plan=16
. "$srcdir/tests/tap.sh"
echo "1..$plan"
expect_exit "--fd-names without --events or --alerts" 2 "--fd-names goes with --events or --alerts" \
	"$an" "$srcdir/samples/workload.zst" --summary --fd-names
[ "$(id -u)" -eq 0 ] || skip_all "recorded workload" "needs root to record"
[ -n "$py" ] || skip_all "recorded workload" "needs python3"

mkdir -p "$tmp/etc" "$tmp/x"
: >"$tmp/etc/fake-shadow"
cat >"$tmp/evade.py" <<'PY'
import os, socket, sys
d = sys.argv[1]
W = os.O_WRONLY
def touch(path, dirfd=None):
    fd = os.open(path, W, dir_fd=dirfd)
    os.write(fd, b"x")
    os.close(fd)
touch("fake-shadow")                       # cwd: rec's prologue says it
touch(d + "/etc//fake-shadow")
touch(d + "/etc/./fake-shadow")
os.chdir(d + "/x"); touch("../etc/fake-shadow")
os.chdir(d + "/etc"); touch("fake-shadow")
os.chdir("/")
dfd = os.open(d + "/etc", os.O_RDONLY | os.O_DIRECTORY)
touch("fake-shadow", dirfd=dfd)            # openat(dfd, "fake-shadow")
os.fchdir(dfd); touch("fake-shadow")
os.close(dfd)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0)); srv.listen(1)
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
c.connect(srv.getsockname())
a, peer = srv.accept()
c.send(b"hi"); a.recv(2)
fd = os.open("/etc/hostname", os.O_RDONLY); os.read(fd, 1); os.close(fd)
PY
cd "$tmp/etc" || exit 1 # the relative name's file exists where python starts
"$rec" -q -o "$tmp/p.zst" -- "$py" "$tmp/evade.py" "$tmp" 2>"$tmp/err"
cd / || exit 1
printf '%s\n' "rules:" "  - id: fake-shadow" "    severity: critical" \
	"    message: write to the test's fake shadow file" "    syscalls: [open, openat, creat]" \
	"    path: '*/etc/fake-shadow'" "    write: true" >"$tmp/r.yaml"
"$an" "$tmp/p.zst" --alerts "$tmp/r.yaml" >"$tmp/out" 2>"$tmp/err"
alerts() { grep ' fake-shadow ' "$tmp/out" | grep -F -- "$1" | grep -c -F -- "$2"; }
expect "seven writes, seven alerts ($(grep -c ' fake-shadow ' "$tmp/out"))" "$tmp/out" \
	test "$(grep -c ' fake-shadow ' "$tmp/out")" = 7
expect "//: the canonical path" "$tmp/out" \
	test "$(alerts '/etc//fake-shadow"' "(path $tmp/etc/fake-shadow)")" = 1
expect "/./: the canonical path" "$tmp/out" \
	test "$(alerts '/etc/./fake-shadow"' "(path $tmp/etc/fake-shadow)")" = 1
expect "../ from another cwd: resolved from the cwd" "$tmp/out" \
	test "$(alerts '"../etc/fake-shadow"' "(path $tmp/etc/fake-shadow)")" = 1
expect "the cwd rec found, chdir, openat on a dirfd, fchdir: a bare name resolved" "$tmp/out" \
	test "$(alerts '"fake-shadow", O_WRONLY' "(path $tmp/etc/fake-shadow)")" = 4

"$an" "$tmp/p.zst" --events --fd-names -p "$(awk '/fake-shadow/ {print; exit}' "$tmp/out" |
	sed 's/.*\[\([0-9]*\)\/.*/\1/')" >"$tmp/ev" 2>"$tmp/err"
expect "--fd-names: a read names its file" "$tmp/ev" \
	grep -q 'read([0-9]*</etc/hostname>, ' "$tmp/ev"
expect "--fd-names: the open's result is named" "$tmp/ev" \
	grep -q 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC) = [0-9]*</etc/hostname>' "$tmp/ev"
expect "--fd-names: openat's dirfd is named" "$tmp/ev" \
	grep -q "openat([0-9]*<$tmp/etc>, \"fake-shadow\"" "$tmp/ev"
expect "--fd-names: sockets by protocol and ends" "$tmp/ev" \
	sh -c "grep -q 'connect([0-9]*<TCP>, {sa_family=AF_INET' '$tmp/ev' &&
		grep -q 'sendto([0-9]*<TCP:\[->127.0.0.1:[0-9]*\]>, ' '$tmp/ev' &&
		grep -q 'recvfrom([0-9]*<TCP:\[127.0.0.1:[0-9]*->127.0.0.1:[0-9]*\]>, ' '$tmp/ev'"

# A cwd the trace cannot give (deleted before rec started: no FD record of
# it): the bare name may still be the file, and the alert says relative.
mkdir "$tmp/gone"
(cd "$tmp/gone" && rmdir "$tmp/gone" &&
	"$rec" -q -o "$tmp/g.zst" -- "$py" -c 'import os
try: os.open("fake-shadow", os.O_WRONLY)
except OSError: pass' 2>"$tmp/err")
"$an" "$tmp/g.zst" --alerts "$tmp/r.yaml" >"$tmp/out" 2>"$tmp/err"
expect "cwd unknown: the rule still matches, the alert says the path is relative" "$tmp/out" \
	test "$(alerts '"fake-shadow", O_WRONLY' 'a relative path: its directory is not in the trace')" = 1
expect "cwd unknown: no built-in rule takes in every relative name (/root/.ssh/*)" "$tmp/out" \
	test "$(grep -c ' sensitive-write ' "$tmp/out")" = 0

# A process running before rec: its cwd and fds come from the prologue's
# FD records, which every file restates (read again from /proc), so that a
# later file read alone still names them. (An event from before a file's
# start that reached it late is not named by its prologue: the rotation
# here waits for the first read's batch.)
cat >"$tmp/pre.py" <<'PY'
import os, sys, time
d = sys.argv[1]
def wait(name):
    while not os.path.exists(d + "/" + name):
        time.sleep(0.05)
os.chdir(d + "/etc")
keep = os.open("/etc/hostname", os.O_RDONLY)
open(d + "/ready", "w").close()
wait("go")
os.read(keep, 1)
fd = os.open("fake-shadow", os.O_WRONLY); os.close(fd)
open(d + "/done1", "w").close()
wait("go2")                                # rec has started its next file
os.read(keep, 1)
PY
mkdir "$tmp/pre"
"$py" "$tmp/pre.py" "$tmp" &
ppid=$!
i=0
while [ ! -e "$tmp/ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
"$rec" -q -o "$tmp/pre/t.zst" -p $ppid 2>"$tmp/rec.err" &
rpid=$!
wait_recording "$tmp/pre/t.zst"
sleep 0.5
: >"$tmp/go"
i=0
while [ ! -e "$tmp/done1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
# The read's batch ships within 0.2 s: then a rotation (SIGUSR1) puts the
# second read in the next file, well after its start.
sleep 0.5
kill -USR1 $rpid
wait_recording "$tmp/pre/t.1.zst"
sleep 0.5
: >"$tmp/go2"
wait $ppid
kill -INT $rpid
wait $rpid
"$an" "$tmp/pre" --alerts "$tmp/r.yaml" >"$tmp/out" 2>"$tmp/err"
expect "before rec: the cwd from the prologue resolves a relative path" "$tmp/out" \
	test "$(alerts '"fake-shadow", O_WRONLY' "(path $tmp/etc/fake-shadow)")" = 1
named=0 bare=0
for f in "$tmp"/pre/*.zst; do
	"$an" "$f" --events --fd-names -p $ppid -e read >"$tmp/ev" 2>"$tmp/err"
	named=$((named + $(grep -c 'read([0-9]*</etc/hostname>, ' "$tmp/ev")))
	bare=$((bare + $(grep -c 'read([0-9]*, ' "$tmp/ev")))
done
expect "before rec: each file alone names the fd opened before ($named named, $bare bare)" \
	"$tmp/rec.err" test "$named" = 2 -a "$bare" = 0
expect "before rec: the reads are in two files" "$tmp/rec.err" \
	test "$(for f in "$tmp"/pre/*.zst; do "$an" "$f" --events -p $ppid -e read 2>/dev/null |
		grep -c 'read('; done | grep -c '^1$')" = 2

# A recording that leaves out the calls that take names away (rec -e
# without close): no name at all, rather than one that may be stale.
"$rec" -q -e openat,read -o "$tmp/e.zst" -- cat /etc/hostname >/dev/null 2>"$tmp/err"
"$an" "$tmp/e.zst" --events --fd-names >"$tmp/ev" 2>"$tmp/err"
expect "rec -e openat,read: reads of /etc/hostname shown, fds not named" "$tmp/ev" \
	sh -c "grep -q 'read([0-9]*, 0x[0-9a-f]*, 131072) = [1-9]' '$tmp/ev' && ! grep -q '[0-9]<' '$tmp/ev'"
