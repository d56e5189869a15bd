# SPDX-License-Identifier: GPL-2.0-or-later
# TT_VM_STATIC=1 only (/init runs it then): the machine holds no shared
# library and no dynamic loader, the tools say they are linked statically,
# and rec resolves -u and -Z names from /etc/passwd and /etc/group with no
# NSS at all: its trace is owned by nobody.
. /checks/lib.sh

libs=$(find / -xdev \( -name '*.so' -o -name '*.so.*' \) 2>/dev/null | head -5)
is "no shared library and no loader in the initramfs" "$libs" ""
for t in "$REC" "$ANALYZE" "$CSV" "$TT/tools/seccomp-gen"; do
	"$t" --version >version 2>&1
	check "$(basename "$t") runs and says it is linked statically" grep -q "linked statically" version
done
# (not out: /init keeps the check's output in ./out)
mkdir traces && chown nobody:nogroup traces
"$REC" -q -m exec,syscall -u nobody -Z nobody -o traces/t.zst -- true 2>rec.err
st=$?
is "rec -u nobody -Z nobody exits 0" "$st" 0
[ "$st" = 0 ] || diag rec.err 5
is "-Z nobody: the trace is owned by 65534:65534" "$(stat -c %u:%g traces/t.zst 2>&1)" 65534:65534
"$REC" -q -m exec -u ttnosuchuser -o traces/n.zst -- true 2>nouser.err
st=$?
check "-u with a name /etc/passwd lacks: exit 2, named" \
	sh -c '[ "$1" = 2 ] && grep -q "unknown user .ttnosuchuser." nouser.err' sh "$st"
