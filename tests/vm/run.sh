#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot Debian's own kernel under QEMU (TCG) with the built tools in an
# initramfs, run tests/vm/checks/*.sh there, and print their results as TAP.
# make check-vm runs this; see tests/vm/README.md for the knobs below.
set -u

build=${top_builddir:-.}
src=${top_srcdir:-.}
cache=${TT_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tracetape-vm}
# Per check, inside the VM, then for the whole boot.
check_timeout=${TT_VM_CHECK_TIMEOUT:-240} # the func checks attach ~370 probes under TCG
vm_timeout=${TT_VM_TIMEOUT:-900}
work=$build/tests/vm/out
log=$work/serial.log
n=0

result() { # ok|not ok, description, diagnostics...
	n=$((n + 1))
	echo "$1 $n - $2"
	shift 2
	for line in "$@"; do echo "# $line"; done
}
finish() {
	echo "1..$n"
	exit 0
}

mkdir -p "$work"
qemu=$(command -v qemu-system-x86_64 || true)
if [ -z "$qemu" ]; then
	result "not ok" "qemu-system-x86_64 is installed" "apt-get install qemu-system-x86 (tools/install-deps.sh)"
	finish
fi
if ! kernel=${TT_VM_KERNEL:-$("$src/tests/vm/kernel.sh" "$cache")}; then
	result "not ok" "Debian's kernel is downloaded" "see the messages above"
	finish
fi
if ! "$src/tests/vm/initramfs.sh" "$build" "$src" "$work/initrd.gz" "$(dirname "$kernel")/modules"; then
	result "not ok" "the initramfs is built" "see the messages above"
	finish
fi

# KVM hangs on these machines (../shared/notes/kernel.md): TCG only. tt.* on
# the command line are read by /init and the checks.
start=$(date +%s)
timeout -s KILL "$vm_timeout" "$qemu" -accel tcg -m 1024 -smp 2 -nic none \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 tt.timeout=$check_timeout tt.host=$(uname -r)${TT_VM_CHECKS:+ tt.checks=$TT_VM_CHECKS}" \
	-nographic -no-reboot </dev/null >"$log" 2>&1
status=$?
echo "# $(basename "$(dirname "$kernel")") booted and checked in $(($(date +%s) - start)) s (serial log: $log)"

# The checks number nothing: each "ok"/"not ok" gets its number here.
# The console's reset sequences (ESC c, ESC [...) can prefix the first line.
tr -d '\r' <"$log" | sed 's/\x1bc//g; s/\x1b\[[0-9?;]*[A-Za-z]//g' | sed -n 's/^TT: //p' >"$work/results"
while IFS= read -r line; do
	case $line in
	"ok "* | "not ok "*)
		n=$((n + 1))
		echo "$line" | sed "s/^\(\(not \)\{0,1\}ok\) /\1 $n /"
		;;
	"#done") ;;
	*) echo "$line" ;;
	esac
done <"$work/results"
if grep -qx '#done' "$work/results"; then
	result ok "the VM ran every check and powered off"
else
	result "not ok" "the VM ran every check and powered off" "qemu exit status $status; the last lines of $log:"
	tail -n 15 "$log" | tr -d '\r' | sed 's/^/#   /'
fi
finish
