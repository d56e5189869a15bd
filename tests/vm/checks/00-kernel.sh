# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel under test: a different one from the build host's, with what rec
# and the function monitor need (BTF, tracefs, ftrace, kprobes).
. /checks/lib.sh

host=$(sed -n 's/.*tt\.host=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "# kernel $(uname -r) (binaries built on $host)"
check "a different kernel from the build host's" [ "$(uname -r)" != "$host" ]
check "the kernel has BTF (/sys/kernel/btf/vmlinux)" [ -s /sys/kernel/btf/vmlinux ]
check "tracefs is mounted (syscall formats readable)" \
	[ -r /sys/kernel/tracing/events/syscalls/sys_enter_openat/format ]

# The function monitor resolves globs against this list.
funcs=/sys/kernel/tracing/available_filter_functions
check "available_filter_functions is readable and lists vfs_read" grep -qx 'vfs_read' "$funcs"
echo "# $(wc -l <"$funcs") traceable kernel functions"

# A kprobe through tracefs, independent of BPF: it must fire on reads. (dd:
# busybox cat uses sendfile, which does not go through vfs_read.)
events=/sys/kernel/tracing/kprobe_events
if echo 'p:tt/vfs_read_probe vfs_read' >>"$events"; then
	echo 1 >/sys/kernel/tracing/events/tt/vfs_read_probe/enable
	sh -c 'echo $$ >/tmp/dd.pid; exec dd if=/proc/version of=/dev/null bs=1 count=10 2>/dev/null'
	echo 0 >/sys/kernel/tracing/events/tt/vfs_read_probe/enable
	# By pid: a comm the tracer did not save shows as <...>.
	hits=$(grep -c "^ *[^ ]*-$(cat /tmp/dd.pid) .* vfs_read_probe: " /sys/kernel/tracing/trace)
	all=$(grep -c ' vfs_read_probe: ' /sys/kernel/tracing/trace)
	echo '-:tt/vfs_read_probe' >>"$events"
	check "a tracefs kprobe on vfs_read fires for each of dd's 10 reads ($hits, $all in all)" \
		[ "$hits" -ge 10 ]
else
	echo "not ok - a tracefs kprobe on vfs_read can be created"
fi
