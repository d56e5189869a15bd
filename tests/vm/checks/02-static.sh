# SPDX-License-Identifier: GPL-2.0-or-later
# TT_VM_STATIC=1 only (/init runs it then): the machine holds no shared
# library and no dynamic loader, the tools say they are linked statically,
# and rec resolves -u and -Z names from /etc/passwd and /etc/group with no
# NSS at all: -u nobody records, an unknown name is refused, and with
# -Z nobody the trace is owned by nobody (on a kernel where rec -Z can
# record at all: on 5.10 setting up the ring buffers fails with EPERM once
# rec has dropped its privileges, in the shared build too, so that
# assertion is skipped there).
. /checks/lib.sh

libs=$(find / -xdev \( -name '*.so' -o -name '*.so.*' \) 2>/dev/null | head -5)
is "no shared library and no loader in the initramfs" "$libs" ""
for t in "$REC" "$ANALYZE" "$CSV" "$TT/tools/seccomp-gen"; do
	"$t" --version >version 2>&1
	check "$(basename "$t") runs and says it is linked statically" grep -q "linked statically" version
done
# (not out: /init keeps the check's output in ./out)
mkdir traces && chown nobody:nogroup traces
"$REC" -q -m exec,syscall -u nobody -o traces/u.zst -- true 2>u.err
st=$?
is "rec -u nobody exits 0" "$st" 0
[ "$st" = 0 ] || diag u.err 5
"$REC" -q -m exec -u ttnosuchuser -o traces/n.zst -- true 2>nouser.err
st=$?
check "-u with a name /etc/passwd lacks: exit 2, named" \
	sh -c '[ "$1" = 2 ] && grep -q "unknown user .ttnosuchuser." nouser.err' sh "$st"
"$REC" -q -m exec,syscall -Z nobody -o traces/z.zst -- true 2>z.err
st=$?
if [ "$st" != 0 ] && grep -q "ring buffer consumer: Operation not permitted" z.err; then
	echo "ok - -Z nobody: the trace is owned by 65534:65534 # SKIP rec -Z cannot record on $(uname -r): its ring buffers fail with EPERM once it is nobody"
else
	is "-Z nobody: rec exits 0, the trace is owned by 65534:65534" "$st $(stat -c %u:%g traces/z.zst 2>&1)" "0 65534:65534"
	[ "$st" = 0 ] || diag z.err 5
fi
