# SPDX-License-Identifier: GPL-2.0-or-later
# rec -m func on user functions (uprobes) in this kernel: libc's drand48
# (the host's libc, copied into the VM at its path) and a program's own
# functions, counted exactly; and --func-mode calls on drand48. (libc's
# getppid is not it: tests/workload makes raw getppid syscalls.)
. /checks/lib.sh
PROG=$TT/tests/func_prog

# calls of FUNCTION in TRACE, and how it was probed, from analyze --funcs
calls() { "$ANALYZE" "$1" --funcs -n 100000 2>/dev/null | awk -v f="$2" '$1 == f { n = $4 } END { print n + 0 }'; }
probe() { "$ANALYZE" "$1" --funcs -n 100000 2>/dev/null | awk -v f="$2" '$1 == f { print $3 }'; }

"$REC" -q -m func --func "u:$LIBC:drand48" -o libc.zst -- "$PROG" libc 777 >libc.out 2>libc.err
st=$?
is "rec -m func --func u:$LIBC:drand48 -- func_prog libc 777 exits 0" "$st" 0
[ "$st" = 0 ] || diag libc.err 5
is "libc's drand48: exactly 777 calls" "$(calls libc.zst drand48)" 777
echo "# drand48 probed with: $(probe libc.zst drand48)"

"$REC" -q -m func --func "u:$PROG:tt_*" -o own.zst -- "$PROG" calls 1000 >own.out 2>own.err
st=$?
is "rec -m func --func 'u:func_prog:tt_*' -- func_prog calls 1000 exits 0" "$st" 0
[ "$st" = 0 ] || diag own.err 5
is "the program's own functions: tt_leaf 2000 calls, tt_outer 1000" \
	"$(calls own.zst tt_leaf)/$(calls own.zst tt_outer)" 2000/1000

"$REC" -q -m func,exec --func "u:$LIBC:drand48" --func-mode calls -o calls.zst -- "$PROG" libc 300 >calls.out 2>calls.err
pid=$(exec_pid calls.zst "$PROG")
"$CSV" calls.zst -m func -o - -p "$pid" 2>>calls.err | tr -d '\r' >calls.csv
is "calls mode: 300 drand48 entries" "$(grep -c ',drand48,[0-9]*,entry,' calls.csv)" 300
is "calls mode: and 300 returns with their durations" "$(grep -c ',drand48,[0-9]*,return,[0-9]' calls.csv)" 300
[ "$(grep -c ',drand48,' calls.csv)" = 600 ] || diag calls.err 5
