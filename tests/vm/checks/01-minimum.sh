# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel rec needs: 5.10 or later (the BPF ring buffer, from 5.8, is
# what it checks). Below 5.8 rec must refuse with the reason, in one line,
# before loading anything (exit 1); on every kernel of the matrix (5.10 and
# later) rec --check with the defaults must load.
. /checks/lib.sh

"$REC" --check >check.out 2>check.err
code=$?
release=$(uname -r)
major=${release%%.*}
minor=${release#*.}
minor=${minor%%.*}
if [ "$major" -lt 5 ] || { [ "$major" = 5 ] && [ "$minor" -lt 8 ]; }; then
	is "rec refuses kernel $release (exit 1)" "$code" 1
	check "in one line that names the kernel and what it needs" \
		sh -c "[ \$(wc -l <check.err) = 1 ] && grep -q 'kernel $release is too old: rec needs Linux 5.10 or later' check.err"
	diag check.err 3
else
	is "rec --check loads on kernel $release" "$code" 0
	[ "$code" = 0 ] || diag check.err
fi
