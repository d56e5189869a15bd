#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --events against strace, line by line (TAP): tests/strace_prog
# makes each syscall below with fixed arguments, once under strace -f and
# once under rec; the lines between its two markers, for these syscalls,
# must read the same once addresses, pids and timing are set aside. A line
# may differ only as its syscall's entry in `differences` says, each one
# a difference analyze.1 documents ("Differences from strace"). One test a
# syscall; records live, so it needs root. Then the buffers: strace -s 16
# against rec --datasize 16, for the calls of `datacalls`.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
syscalls="openat open access faccessat fcntl lseek ioctl flock dup3 close mkdirat
unlinkat umask pipe2 epoll_create1 epoll_ctl poll eventfd2 socket setsockopt getsockopt
bind listen shutdown connect socketpair mmap mprotect madvise munmap rt_sigprocmask
rt_sigaction kill tgkill wait4 waitid clone prctl personality unshare setns capget
prlimit64 getuid sched_yield mount umount2 futex clock_getres clock_gettime getrandom"
datacalls="read write pread64 pwrite64 sendto recvfrom"
plan=$(($(echo "$syscalls" | wc -w) + $(echo "$datacalls" | wc -w)))
. "$srcdir/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "strace agreement" "needs root to record"
command -v strace >/dev/null || skip_all "strace agreement" "strace not installed"
command -v python3 >/dev/null || skip_all "strace agreement" "python3 not installed"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
prog="$builddir/tests/strace_prog"

strace -f -o "$tmp/strace.txt" "$prog" || skip_all "strace agreement" "strace could not run"
"$builddir/record/rec" -q -m syscall -o "$tmp/t.zst" -- "$prog" ||
	skip_all "strace agreement" "rec could not record"
"$builddir/analyze/analyze" "$tmp/t.zst" --events >"$tmp/events.txt" 2>"$tmp/err" ||
	skip_all "strace agreement" "analyze failed: $(head -1 "$tmp/err")"

cat >"$tmp/compare.py" <<'PY'
import re, sys

# How strace's line becomes ours, where rec does not capture what strace
# shows (the memory an argument points to) or the two print a value
# differently: (syscall, pattern, replacement) on strace's normalised line.
# Each is in analyze.1's "Differences from strace".
differences = [
    # a pointer's contents: rec captures the registers, not the memory
    ("ioctl", r", \[\d+\]\)", ", ADDR)"),
    ("pipe2", r"\(\[\d+, \d+\]", "(ADDR"),
    ("socketpair", r", \[\d+, \d+\]\)", ", ADDR)"),
    ("epoll_ctl", r", \{events=.*\}\) =", ", ADDR) ="),
    ("setsockopt", r", \[\d+\], ", ", ADDR, "),
    ("getsockopt", r", \[\d+\], \[\d+\]\)", ", ADDR, ADDR)"),
    ("rt_sigprocmask", r", \[[A-Z0-9 ]*\], ", ", ADDR, "),
    ("rt_sigaction", r", \{sa_handler=[^}]*\}, ", ", ADDR, "),
    ("wait4", r", \[\{W[^]]*\]\, ", ", ADDR, "),
    ("capget", r"\(\{version=[^}]*\}", "(ADDR"),
    ("prlimit64", r", \{rlim_cur=[^}]*\}\)", ", ADDR)"),
    ("clock_gettime", r", \{tv_sec=[^}]*\}\)", ", ADDR)"),
    ("getrandom", r"\(\"[^\"]*\"(\.\.\.)?, ", "(ADDR, "),
    # rec captures a sockaddr only when the call succeeds
    ("connect", r", \{sa_family=AF_UNIX[^}]*\}, ", ", ADDR, "),
    # mount's file system type is a string rec does not capture
    ("mount", r", \"tmpfs\", ", ", ADDR, "),
    # what strace adds to a result
    ("poll", r" = 0 \(Timeout\)$", " = 0"),
    ("prctl", r"^prctl\(PR_GET_DUMPABLE\) = (\d+) \(\w+\)$", r"prctl(PR_GET_DUMPABLE) = \1"),
    # a number no table names: strace in decimal, ours in hex (never wrong)
    ("kill", r"^kill\(-1, 57005\)", "kill(-1, 0xdead)"),
    # clone's arguments by name in strace, in register order here
    ("clone", r"^clone\(child_stack=NULL, flags=SIGCHLD\)",
     "clone(SIGCHLD, NULL, NULL, NULL, NULL)"),
]

n = int(sys.argv[1])  # tests numbered before these
strace_path, ours_path, wanted = sys.argv[2], sys.argv[3], sys.argv[4:]
ADDR = re.compile(r"\b0x[0-9a-f]{8,}\b")

def between_markers(lines):
    out, on = [], False
    for line in lines:
        if "tracetape-decode-begin" in line[1]:
            on = True
        elif "tracetape-decode-end" in line[1]:
            break
        elif on:
            out.append(line)
    return out

def strace_lines(path):
    """(pid, call) with <unfinished ...> and <... resumed> joined."""
    pending, out = {}, []
    for raw in open(path):
        pid, _, rest = raw.rstrip("\n").partition(" ")
        rest = rest.lstrip()
        if rest.endswith(" <unfinished ...>"):
            pending[pid] = rest[: -len(" <unfinished ...>")]
            continue
        m = re.match(r"<\.\.\. \w+ resumed>\s?(.*)", rest)
        if m:
            rest = pending.pop(pid, "") + m.group(1)
            rest = re.sub(r"\(\s+", "(", rest)
        out.append((pid, re.sub(r"\)\s+= ", ") = ", rest)))
    return out

def our_lines(path):
    out = []
    for raw in open(path):
        m = re.match(r"\S+ .*?\[(\d+)/\d+\] (.*?)(?: <[\d.]+>)?$", raw.rstrip("\n"))
        if m:
            out.append((m.group(1), m.group(2)))
    return out

def normalise(calls, pids):
    """Only the calls of the list; addresses as ADDR, pids as PID1, PID2..."""
    out = []
    for pid, call in calls:
        name = call.split("(", 1)[0]
        if name not in wanted:
            continue
        if pid not in pids:
            pids[pid] = "PID%d" % (len(pids) + 1)
        out.append((name, call))
    result = []
    for name, call in out:
        call = ADDR.sub("ADDR", call)
        for pid, label in pids.items():
            call = re.sub(r"\b%s\b" % pid, label, call)
        result.append((name, call))
    return result

def pid_order(calls):
    pids = {}
    for pid, call in calls:
        if pid not in pids:
            pids[pid] = "PID%d" % (len(pids) + 1)
        m = re.match(r"clone\(.*\) = (\d+)$", call)
        if m and m.group(1) not in pids:
            pids[m.group(1)] = "PID%d" % (len(pids) + 1)
    return pids

st = between_markers(strace_lines(strace_path))
st = [(p, c) for p, c in st if not c.startswith(("---", "+++"))]
ours = between_markers(our_lines(ours_path))
st_n = normalise(st, pid_order(st))
ours_n = normalise(ours, pid_order(ours))

bad = {}   # syscall -> first mismatch
seen = set()
differed = set()  # syscalls a documented difference applied to
for k in range(max(len(st_n), len(ours_n))):
    s = st_n[k] if k < len(st_n) else ("?", "(nothing)")
    o = ours_n[k] if k < len(ours_n) else ("?", "(nothing)")
    name = s[0] if s[0] != "?" else o[0]
    seen.add(name)
    want = s[1]
    for sc, pat, rep in differences:
        if sc == name:
            want = re.sub(pat, rep, want)
    if want != s[1]:
        differed.add(name)
    if want != o[1] and name not in bad:
        bad[name] = "line %d: strace %r, as ours %r; analyze %r" % (k + 1, s[1], want, o[1])

for name in wanted:
    n += 1
    if not st_n or not ours_n:
        print("not ok %d - %s # no lines between the markers: strace %d, analyze %d"
              % (n, name, len(st_n), len(ours_n)))
    elif name not in seen:
        print("ok %d - %s # SKIP not made on this arch" % (n, name))
    elif name in bad:
        print("not ok %d - %s" % (n, name))
        print("# " + bad[name])
    else:
        count = sum(1 for s in st_n if s[0] == name)
        print("ok %d - %s: %d line%s as strace%s" % (n, name, count, "" if count == 1 else "s",
              " but for the documented difference" if name in differed else ""))
PY
# shellcheck disable=SC2086
python3 "$tmp/compare.py" 0 "$tmp/strace.txt" "$tmp/events.txt" $syscalls

# The buffers' first bytes, escaped as strace -s shows them, "..." when cut.
n=$(echo "$syscalls" | wc -w)
if strace -f -s 16 -o "$tmp/strace16.txt" "$prog" &&
	"$builddir/record/rec" -q -m syscall --datasize 16 -o "$tmp/t16.zst" -- "$prog" &&
	"$builddir/analyze/analyze" "$tmp/t16.zst" --events >"$tmp/events16.txt" 2>"$tmp/err"; then
	# shellcheck disable=SC2086
	python3 "$tmp/compare.py" "$n" "$tmp/strace16.txt" "$tmp/events16.txt" $datacalls
else
	for c in $datacalls; do
		n=$((n + 1))
		echo "not ok $n - $c: strace -s 16 or rec --datasize 16 or analyze failed"
	done
fi
