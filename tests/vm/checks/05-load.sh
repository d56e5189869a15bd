# SPDX-License-Identifier: GPL-2.0-or-later
# rec --check on this kernel: every BPF program a set of recording options
# needs is loaded and attached (then let go), for the defaults and the
# extremes of the options. rec prints "PROGRAM<TAB>MONITOR<TAB>INSNS" per
# program (INSNS: the verifier's verified_insns, or - where the kernel does
# not report it); each line goes to the host as
# "#insns RELEASE OPTIONSET PROGRAM INSNS" for tests/vm/results/insns-*.txt.
. /checks/lib.sh

release=$(uname -r)
tab=$(printf '\t')

# load OPTIONSET WHAT OPTIONS...: one ok/not ok for rec --check OPTIONS.
load() {
	set_=$1 what=$2
	shift 2
	"$REC" --check "$@" >"$set_.out" 2>"$set_.err"
	st=$?
	# Only well-formed lines: three tab-separated fields, a count or -.
	grep -E "^[^${tab} ]+${tab}[^${tab}]+${tab}([0-9]+|-)\$" "$set_.out" >"$set_.progs"
	progs=$(wc -l <"$set_.progs")
	if [ "$st" = 0 ] && [ "$progs" -gt 0 ]; then
		echo "ok - $set_: rec --check $what loads $progs programs"
	else
		echo "not ok - $set_: rec --check $what loads $progs programs and exits $st"
		diag "$set_.err" 3
		[ "$progs" = 0 ] && [ "$st" = 0 ] && echo "# no PROGRAM<TAB>MONITOR<TAB>INSNS line on stdout"
	fi
	while IFS="$tab" read -r prog _ insns; do
		echo "#insns $release $set_ $prog $insns"
	done <"$set_.progs"
}

load defaults "(the defaults)"
load big-sizes "-m syscall,exec,packet --strsize 4096 --argsize 32768 --snaplen 262144" \
	-m syscall,exec,packet --strsize 4096 --argsize 32768 --snaplen 262144
load min-sizes "--strsize 1 --argsize 1 --snaplen 1" --strsize 1 --argsize 1 --snaplen 1
load packet-lo "-m packet -i lo" -m packet -i lo
load rings "--rings 8 --buffer-size 8M" --rings 8 --buffer-size 8M
# Each monitor alone, all of them together, and the cgroup scope (-c with a
# cgroup v2 path, which also attaches cgroup_attach_task's program).
load syscall "-m syscall" -m syscall
load exec "-m exec" -m exec
load packet "-m packet" -m packet
load signal "-m signal" -m signal
load all "-m syscall,exec,packet,func,signal --func vfs_read,u:libc:malloc" \
	-m syscall,exec,packet,func,signal --func "vfs_read,u:$LIBC:malloc"
cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
mkdir -p "${cg:-/sys/fs/cgroup}/tt-scope" 2>/dev/null
load cgroup "-c /tt-scope" -c /tt-scope
load func-uprobe "-m func --func u:libc:malloc" -m func --func "u:$LIBC:malloc"
# The volume controls in the kernel (sys_enter/sys_exit with them pruned in
# or out): each alone, and all three with --max-rate at its maximum.
load errors-only "--errors-only" --errors-only
load slow "--slow --threshold other=0s" --slow --threshold other=0s
load max-rate "--max-rate 1" --max-rate 1
load volume "--errors-only --slow --max-rate 10000000" --errors-only --slow --max-rate 10000000
# rec --datasize (sys_exit with the buffer capture pruned out, at its
# smallest, and at its largest with the largest paths before it).
load datasize-0 "--datasize 0" --datasize 0
load datasize-1 "--datasize 1" --datasize 1
load datasize-max "--datasize 4096 --strsize 4096" --datasize 4096 --strsize 4096
# rec --envsize (sys_exit's failed-exec walk and sched_process_exec's copy
# with the environment pruned out, at its smallest, and at its largest
# after the largest filename and argv).
load envsize-0 "--envsize 0" --envsize 0
load envsize-1 "--envsize 1" --envsize 1
load envsize-max "--envsize 16384 --argsize 32768 --strsize 4096" --envsize 16384 --argsize 32768 --strsize 4096

# The kernel-function backends this kernel has: kprobes (tracefs'
# kprobe_events) and BPF trampolines for fentry (BTF and the arch's
# trampoline code, which every x86-64 kernel since 5.5 has).
if [ -e /sys/kernel/tracing/kprobe_events ]; then
	load func-kprobe "-m func --func vfs_read --func-backend kprobe" -m func --func vfs_read --func-backend kprobe
else
	echo "ok - func-kprobe: rec --check --func-backend kprobe # SKIP no kprobes in this kernel"
fi
if [ -s /sys/kernel/btf/vmlinux ] && grep -q ' arch_prepare_bpf_trampoline$' /proc/kallsyms; then
	load func-fentry "-m func --func vfs_read --func-backend fentry" -m func --func vfs_read --func-backend fentry
else
	echo "ok - func-fentry: rec --check --func-backend fentry # SKIP no BPF trampolines in this kernel"
fi
load func-calls "-m func --func vfs_read --func-mode calls" -m func --func vfs_read --func-mode calls
