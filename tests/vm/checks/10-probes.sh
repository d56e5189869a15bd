# SPDX-License-Identifier: GPL-2.0-or-later
# BPF on kernel functions: kprobe, kretprobe, fentry and fexit each attach to
# vfs_read and count exactly the reads made (tests/vm/probe.c prints the TAP).
. /checks/lib.sh

"$TT/tests/vm/probe" 100
