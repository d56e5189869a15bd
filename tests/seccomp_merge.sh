#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# seccomp-gen --merge of a Docker-style profile (TAP): entries with
# includes/excludes are taken only where they apply (capabilities given with
# --cap, the profile's architecture, the running kernel for minKernel), and
# every entry left out for a capability or an undecidable condition is named
# in one line; a call such an entry would allow is then denied under --exec.
# Argument conditions (args) are kept as they are in every output, and hold
# under --exec.
# Needs no root: the sample trace and seccomp(2) with no_new_privs.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
sg=$builddir/tools/seccomp-gen
sample=$srcdir/samples/workload.zst
plan=22

. "$srcdir/tests/tap.sh"

echo "1..$plan"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# As moby's default.json writes them: an archMap for every machine, Go arch
# names, caps, minKernel. The first entry is enough for `unshare -U true`
# but for the unshare itself.
cat >"$tmp/docker.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
 "archMap": [
  {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
  {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
  {"architecture": "SCMP_ARCH_MIPS64", "subArchitectures": ["SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32"]}],
 "syscalls": [
  {"names": ["access", "arch_prctl", "brk", "close", "execve", "exit_group", "futex",
     "getegid", "geteuid", "getgid", "getuid", "getrandom", "mmap", "mprotect", "munmap",
     "newfstatat", "fstat", "openat", "pread64", "prlimit64", "read", "rseq",
     "rt_sigaction", "rt_sigprocmask", "set_robust_list", "set_tid_address", "write",
     "getdents64", "uname", "ioctl", "lseek", "fcntl", "getpid", "statx", "readlink"],
   "action": "SCMP_ACT_ALLOW", "args": [], "comment": "", "includes": {}, "excludes": {}},
  {"names": ["bpf", "mount", "unshare", "setns", "umount2"], "action": "SCMP_ACT_ALLOW",
   "args": [], "comment": "", "includes": {"caps": ["CAP_SYS_ADMIN"]}, "excludes": {}},
  {"names": ["kexec_load"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_BOOT"]}},
  {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
  {"names": ["pivot_root"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "999.0"}},
  {"names": ["s390_runtime_instr"], "action": "SCMP_ACT_ALLOW",
   "includes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"]}},
  {"names": ["sethostname"], "action": "SCMP_ACT_ALLOW",
   "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
  {"names": ["setdomainname"], "action": "SCMP_ACT_ALLOW", "includes": {"labels": ["x"]}}
 ]}
JSON

has() { grep -q "^$1 " "$2"; }

"$sg" -q -f list "$sample" --merge "$tmp/docker.json" >"$tmp/none.list" 2>"$tmp/none.err"
st=$?
expect "merges with no capabilities (exit $st)" "$tmp/none.err" [ "$st" -eq 0 ]
expect "unconditional entries are merged" "$tmp/none.list" has uname "$tmp/none.list"
left=
for c in bpf mount unshare setns umount2 kexec_load; do
	has $c "$tmp/none.list" && left="$left $c"
done
expect "entries needing a capability are left out:$left" "$tmp/none.list" [ -z "$left" ]
expect "each is named in one line, with the --cap to give" "$tmp/none.err" \
	sh -c "grep -q 'docker.json: warning: left out syscalls\[1\] (bpf, mount, unshare and 2 more): it applies only with CAP_SYS_ADMIN (give --cap CAP_SYS_ADMIN' '$tmp/none.err' &&
	       grep -q 'left out syscalls\[2\] (kexec_load): it applies only with CAP_SYS_BOOT' '$tmp/none.err'"
expect "minKernel: taken when the kernel is newer, left out and named otherwise" \
	"$tmp/none.err" sh -c "has() { grep -q \"^\$1 \" '$tmp/none.list'; }; has ptrace && ! has pivot_root &&
	grep -q 'left out syscalls\[4\] (pivot_root): it needs kernel 999.0' '$tmp/none.err'"
expect "another machine's entry is not taken, and not named for its caps" "$tmp/none.list" \
	sh -c "! grep -q '^s390_runtime_instr ' '$tmp/none.list' && ! grep -q s390 '$tmp/none.err'"
expect "excludes.caps: taken when the capability is not held" "$tmp/none.list" \
	has sethostname "$tmp/none.list"
expect "a condition seccomp-gen cannot decide leaves the entry out, named" "$tmp/none.err" \
	sh -c "! grep -q '^setdomainname ' '$tmp/none.list' &&
	grep -q 'left out syscalls\[7\] (setdomainname): seccomp-gen cannot decide its includes.labels' '$tmp/none.err'"

"$sg" -q -f oci --base none "$sample" --merge "$tmp/docker.json" >"$tmp/none.json" 2>/dev/null
expect "archMap: only the profile's own machine's arches" "$tmp/none.json" \
	sh -c "grep -q SCMP_ARCH_X32 '$tmp/none.json' && ! grep -q 'MIPS\|AARCH64' '$tmp/none.json'"

"$sg" -q -f list "$sample" --merge "$tmp/docker.json" --cap sys_admin --cap CAP_SYS_BOOT \
	>"$tmp/caps.list" 2>"$tmp/caps.err"
expect "--cap CAP_SYS_ADMIN,CAP_SYS_BOOT takes those entries, drops excludes" \
	"$tmp/caps.list" sh -c "has() { grep -q \"^\$1 \" '$tmp/caps.list'; }; has unshare &&
	has mount && has kexec_load && ! has sethostname"
"$sg" -q --cap SYS_NOPE "$sample" >/dev/null 2>"$tmp/badcap.err"
st=$?
expect "--cap with no such capability is a usage error (exit $st)" "$tmp/badcap.err" \
	sh -c "[ $st -eq 2 ] && grep -q \"^seccomp-gen: --cap: 'SYS_NOPE' is not a capability\" '$tmp/badcap.err'"

# Argument conditions: Docker's clone flags rule (the trace's own clone
# calls need clone whole), a masked flag, two conditions of one rule, a
# value of the argument --args constrains, and a rule runc would refuse.
cat >"$tmp/cond.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [
  {"names": ["access", "arch_prctl", "brk", "close", "execve", "exit_group", "futex",
     "getegid", "geteuid", "getgid", "getuid", "getrandom", "mmap", "mprotect", "munmap",
     "newfstatat", "fstat", "openat", "pread64", "prlimit64", "read", "rseq",
     "rt_sigaction", "rt_sigprocmask", "set_robust_list", "set_tid_address", "write",
     "getdents64", "uname", "ioctl", "lseek", "fcntl", "getpid", "statx", "readlink"],
   "action": "SCMP_ACT_ALLOW"},
  {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
   "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"]}},
  {"names": ["unshare"], "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 268435456, "valueTwo": 268435456, "op": "SCMP_CMP_MASKED_EQ"}]},
  {"names": ["setpriority"], "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 0, "valueTwo": 0, "op": "SCMP_CMP_EQ"},
            {"index": 2, "value": 10, "valueTwo": 0, "op": "SCMP_CMP_GE"}]},
  {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
  {"names": ["kcmp"], "action": "SCMP_ACT_ALLOW",
   "args": [{"index": 9, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}
 ]}
JSON
"$sg" -q --base none "$sample" --merge "$tmp/cond.json" >"$tmp/cond.oci" 2>"$tmp/cond.err"
st=$?
expect "merges argument conditions (exit $st)" "$tmp/cond.err" [ "$st" -eq 0 ]
# Each entry of syscalls as "names|action|args" with args as index:op:value:valueTwo.
python3 -c '
import json, sys
for e in json.load(open(sys.argv[1]))["syscalls"]:
    a = ",".join("%d:%s:%d:%d" % (c["index"], c["op"], c["value"], c["valueTwo"]) for c in e.get("args", []))
    print(" ".join(e["names"]) + "|" + e["action"] + "|" + a)
' "$tmp/cond.oci" >"$tmp/cond.rules" 2>>"$tmp/cond.err"
expect "a masked flag condition is kept as it is" "$tmp/cond.rules" \
	grep -qx 'unshare|SCMP_ACT_ALLOW|0:SCMP_CMP_MASKED_EQ:268435456:268435456' "$tmp/cond.rules"
expect "two conditions of one rule stay one rule (both must hold)" "$tmp/cond.rules" \
	grep -qx 'setpriority|SCMP_ACT_ALLOW|0:SCMP_CMP_EQ:0:0,2:SCMP_CMP_GE:10:0' "$tmp/cond.rules"
expect "a value of personality stays its rule" "$tmp/cond.rules" \
	grep -qx 'personality|SCMP_ACT_ALLOW|0:SCMP_CMP_EQ:8:0' "$tmp/cond.rules"
expect "Docker's clone rule: clone whole, as the trace saw it called" "$tmp/cond.rules" \
	sh -c "grep '|SCMP_ACT_ALLOW|\$' '$tmp/cond.rules' | grep -qw clone &&
	       ! grep -q '^clone|' '$tmp/cond.rules'"
expect "a rule runc would refuse is left out, named, never widened" "$tmp/cond.err" \
	sh -c "grep -q 'left out a rule allowing kcmp: args\[0\].index is not 0 to 5' '$tmp/cond.err' &&
	       ! grep -qw kcmp '$tmp/cond.rules'"
"$sg" -q -f pfc --base none "$sample" --merge "$tmp/cond.json" >"$tmp/cond.pfc" 2>/dev/null
expect "the filter itself checks the masked flag" "$tmp/cond.pfc" \
	grep -q '\$a0.lo32 & 0x10000000 == 268435456' "$tmp/cond.pfc"

# Under the merged profile, unshare is denied unless --cap says it may be.
command -v unshare >/dev/null 2>&1 || { fail "unshare(1) is not installed"; fail "unshare(1)"; fail "unshare(1)"; exit 0; }
"$sg" -q "$sample" --merge "$tmp/docker.json" --exec -- unshare -U true \
	>/dev/null 2>"$tmp/unshare.err"
st=$?
expect "--exec -- unshare -U true fails with EPERM (exit $st)" "$tmp/unshare.err" \
	sh -c "[ $st -ne 0 ] && grep -q 'Operation not permitted' '$tmp/unshare.err'"
"$sg" -q "$sample" --merge "$tmp/docker.json" --default-action log --exec -- \
	unshare -U true >/dev/null 2>"$tmp/log.err"
expect "log mode: unshare is the one call denied" "$tmp/log.err" \
	sh -c "grep -q 'would have denied: unshare ' '$tmp/log.err' &&
	[ \$(grep -c 'would have denied:' '$tmp/log.err') -eq 1 ]"
if ! unshare -U true 2>/dev/null; then
	ok "with --cap CAP_SYS_ADMIN it runs # SKIP unshare -U fails here without a filter"
	ok "the condition holds under --exec # SKIP unshare -U fails here without a filter"
	exit 0
fi
"$sg" -q "$sample" --merge "$tmp/cond.json" --exec -- unshare -U true >/dev/null 2>"$tmp/c1.err"
st1=$?
"$sg" -q "$sample" --merge "$tmp/cond.json" --exec -- unshare -n true >/dev/null 2>"$tmp/c2.err"
st2=$?
expect "the condition holds under --exec: unshare -U runs, unshare -n is denied ($st1, $st2)" \
	"$tmp/c2.err" sh -c "[ $st1 -eq 0 ] && [ $st2 -ne 0 ] && grep -q 'unshare failed: Operation not permitted' '$tmp/c2.err'"
"$sg" -q "$sample" --merge "$tmp/docker.json" --cap CAP_SYS_ADMIN --exec -- unshare -U true \
	>/dev/null 2>"$tmp/unshare2.err"
st=$?
expect "with --cap CAP_SYS_ADMIN it runs (exit $st)" "$tmp/unshare2.err" [ "$st" -eq 0 ]
