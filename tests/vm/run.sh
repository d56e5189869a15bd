#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot each kernel of the matrix (Debian's, fetched by kernel.sh) under QEMU
# (TCG) with the built tools in one initramfs, run tests/vm/checks/*.sh in
# each, and print their results as TAP, then a table check x kernel.
# make check-vm runs this; see tests/vm/README.md for the knobs below.
set -u

build=${top_builddir:-.}
src=${top_srcdir:-.}
cache=${TT_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tracetape-vm}
kernels=${TT_VM_KERNELS:-bullseye,bookworm,bookworm-6.12,sid}
# Per check, inside the VM, then for each boot.
check_timeout=${TT_VM_CHECK_TIMEOUT:-240} # the func checks attach ~370 probes under TCG
vm_timeout=${TT_VM_TIMEOUT:-900}
work=$build/tests/vm/out
# TT_VM_STATIC=1: the static tools, no shared library in the initramfs.
static=
[ "${TT_VM_STATIC:-}" = 1 ] && static=1
results=$src/tests/vm/results
n=0

result() { # ok|not ok, description, diagnostics...
	n=$((n + 1))
	echo "$1 $n - $2"
	shift 2
	for line in "$@"; do echo "# $line"; done
}

mkdir -p "$work"
rm -f "$work"/cells "$work"/insns-* "$work"/matrix.txt
# cells: one line per kernel and row: KERNEL ROW PASSED FAILED SECONDS
cell() { echo "$1 $2 $3 $4 ${5:--}" >>"$work/cells"; }

# The rows of the table: the checks this run selects (TT_VM_CHECKS).
checks=
for c in "$src"/tests/vm/checks/[0-9]*.sh; do
	c=$(basename "$c" .sh)
	if [ -z "${TT_VM_CHECKS:-}" ] || echo ",$TT_VM_CHECKS," | grep -q ",$c,"; then
		checks="$checks $c"
	fi
done

qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || result "not ok" "qemu-system-x86_64 is installed" "apt-get install qemu-system-x86 (tools/install-deps.sh)"

# Every kernel first (a download that fails is a failed test), so that one
# initramfs holds the modules of all of them.
booted=
for k in $(echo "$kernels" | tr , ' '); do
	if dir=$("$src/tests/vm/kernel.sh" "$cache" "$k" 2>"$work/kernel-$k.err"); then
		echo "$dir" >"$work/dir-$k"
		booted="$booted $k"
		cell "$k" download 1 0
		sed 's/^/# /' "$work/kernel-$k.err" # apt's download lines, warnings
	else
		result "not ok" "[$k] the kernel is downloaded from Debian's registry" "kernel.sh $k:"
		sed 's/^/#   /' "$work/kernel-$k.err"
		cell "$k" download 0 1
	fi
done
release() { cat "$(cat "$work/dir-$1")/release"; }
short() { release "$1" | sed 's/-amd64$//'; } # 6.1.0-57, 7.2.13+deb14

initrd=$work/initrd.gz
# shellcheck disable=SC2046 # one kernel directory a word
if [ -n "$booted" ] && ! "$src/tests/vm/initramfs.sh" "$build" "$src" "$initrd" \
	$(for k in $booted; do cat "$work/dir-$k"; done); then
	result "not ok" "the initramfs is built" "see the messages above"
	booted=
fi
[ -n "$qemu" ] || booted=

for k in $booted; do
	dir=$(cat "$work/dir-$k")
	rel=$(short "$k")
	log=$work/serial-$k.log
	# KVM hangs on the development and CI machines (a guest with
	# -accel kvm never boots, though /dev/kvm exists): TCG only, and
	# one thread: multi-threaded TCG Oopses (int3) in the syscall tracepoints
	# of 7.x while they are patched. tt.* are read by /init and the checks.
	start=$(date +%s)
	timeout -s KILL "$vm_timeout" "$qemu" -accel tcg,thread=single -m 1024 -smp 2 -nic none \
		-kernel "$dir/vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 tt.timeout=$check_timeout tt.host=$(uname -r)${TT_VM_CHECKS:+ tt.checks=$TT_VM_CHECKS}${static:+ tt.static=1}" \
		-nographic -no-reboot </dev/null >"$log" 2>&1
	status=$?
	echo "# [$rel] $k ($(basename "$dir")) booted and checked in $(($(date +%s) - start)) s (serial log: $log)"

	# The checks number nothing: each "ok"/"not ok" gets its number and the
	# kernel and check names here. The firmware's "Booting from ROM.." and
	# the console's reset sequences (ESC c, ESC [...) prefix the first line,
	# and a kernel message can too: "TT: " is looked for anywhere in a line.
	tr -d '\r' <"$log" | sed 's/\x1bc//g; s/\x1b\[[0-9?;]*[A-Za-z]//g' |
		awk '{ i = index($0, "TT: "); if (i) print substr($0, i + 4) }' >"$work/results-$k"
	check='' pass=0 fail=0
	while IFS= read -r line; do
		case $line in
		"#check "*)
			check=${line#\#check } pass=0 fail=0
			;;
		"#end "*)
			# shellcheck disable=SC2086 # #end NAME STATUS SECONDS
			set -- $line
			cell "$k" "$2" $pass $fail "$4"
			check=
			;;
		"#insns "*) echo "${line#\#insns }" >>"$work/insns-$k" ;;
		"#done") ;;
		"ok "* | "not ok "*)
			case $line in ok*) pass=$((pass + 1)) ;; *) fail=$((fail + 1)) ;; esac
			status_=${line%% - *} what=${line#* - }
			n=$((n + 1))
			echo "$status_ $n - [$rel] ${check:+$check: }$what"
			;;
		*) echo "$line" ;;
		esac
	done <"$work/results-$k"
	if [ -n "$check" ]; then
		fail=$((fail + 1))
		result "not ok" "[$rel] $check: the check finished (the VM stopped in it)"
		cell "$k" "$check" $pass $fail
	fi
	if grep -qx '#done' "$work/results-$k"; then
		result ok "[$rel] the VM ran every check and powered off"
		cell "$k" boot 1 0 "$(($(date +%s) - start))"
	else
		result "not ok" "[$rel] the VM ran every check and powered off" "qemu exit status $status; the last lines of $log:"
		tail -n 15 "$log" | tr -d '\r' | sed 's/^/#   /'
		cell "$k" boot 0 1 "$(($(date +%s) - start))"
	fi

	# 05-load's verified instruction counts: a report kept in the repository
	# (tests/vm/results/insns-KERNEL.txt), rewritten when 05-load ran.
	if grep -qx '#check 05-load' "$work/results-$k"; then
		{
			echo "# rec --check on Debian's $(basename "$dir") ($(release "$k")): the"
			echo "# verified instruction count of each BPF program per option set of"
			echo "# tests/vm/checks/05-load.sh ('-': not reported). make check-vm writes it."
			echo "# RELEASE OPTIONSET PROGRAM INSNS"
			LC_ALL=C sort -k2,2 -k3,3 "$work/insns-$k" 2>/dev/null ||
				echo "# none: rec --check loaded nothing here (05-load's results say why)"
		} >"$work/insns-$k.txt"
		if mkdir -p "$results" 2>/dev/null && cp "$work/insns-$k.txt" "$results/insns-$k.txt.new" 2>/dev/null; then
			mv "$results/insns-$k.txt.new" "$results/insns-$k.txt"
		fi
	fi
done

# The table: rows the checks, columns the kernels; ok, FAIL(n) or - (not run).
{
	echo "host $(uname -r): not booted (make check covers it)"
	[ -n "$static" ] && echo "initramfs: static tools, no shared library (TT_VM_STATIC=1)"
	echo "kernels:"
	for k in $(echo "$kernels" | tr , ' '); do
		if [ -e "$work/dir-$k" ]; then
			echo "  $k = $(release "$k") ($(basename "$(cat "$work/dir-$k")"))"
		else
			echo "  $k = (not downloaded)"
		fi
	done
	echo
	table() { # FIELD: the cells' column 3/4 (results) or 5 (seconds)
		awk -v kernels="$kernels" -v rels="$rels" -v rows="download boot$checks" -v what="$1" '
			FILENAME == "-" { next }
			{ key = $1 SUBSEP $2; pass[key] += $3; fail[key] += $4; secs[key] = $5; seen[key] = 1 }
			END {
				nk = split(kernels, ks, ","); nr = split(rows, rs, " "); split(rels, rl, " ")
				w = 14; printf "%-24s", "check"
				for (i = 1; i <= nk; i++) printf " %-" w "s", ks[i]
				printf "\n%-24s", ""
				for (i = 1; i <= nk; i++) printf " %-" w "s", rl[i]
				printf "\n"
				for (r = 1; r <= nr; r++) {
					line = sprintf("%-24s", rs[r])
					for (i = 1; i <= nk; i++) {
						key = ks[i] SUBSEP rs[r]
						if (!seen[key]) c = "-"
						else if (what == "secs") c = secs[key] "s"
						else if (fail[key]) c = "FAIL(" fail[key] ")"
						else c = "ok"
						line = line sprintf(" %-" w "s", c)
					}
					print line
				}
			}' "$work/cells" 2>/dev/null
	}
	[ -e "$work/cells" ] || : >"$work/cells"
	rels=
	for k in $(echo "$kernels" | tr , ' '); do
		if [ -e "$work/dir-$k" ]; then rels="$rels $(short "$k")"; else rels="$rels ?"; fi
	done
	echo "results (ok, FAIL(failed assertions), - not run):"
	table results
	echo
	echo "seconds per check:"
	table secs | grep -v '^download'
	echo
	echo "largest verified instruction count per program (05-load, rec --check):"
	for k in $(echo "$kernels" | tr , ' '); do
		[ -e "$work/insns-$k" ] && sed "s/^/$k /" "$work/insns-$k"
	done | awk -v kernels="$kernels" '
		{ p[$4] = 1; key = $1 SUBSEP $4
		  if ($5 ~ /^[0-9]+$/ && (!(key in max) || max[key] == "-" || $5 + 0 > max[key] + 0)) max[key] = $5
		  else if (!(key in max)) max[key] = $5 }
		END {
			nk = split(kernels, ks, ",")
			n = 0; for (q in p) names[++n] = q
			if (!n) { print "  (none: no program was reported)"; exit }
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (names[j] < names[i]) { t = names[i]; names[i] = names[j]; names[j] = t }
			printf "%-32s", "program"; for (i = 1; i <= nk; i++) printf " %-14s", ks[i]; printf "\n"
			for (j = 1; j <= n; j++) {
				printf "%-32s", names[j]
				for (i = 1; i <= nk; i++) { key = ks[i] SUBSEP names[j]; printf " %-14s", (key in max) ? max[key] : "-" }
				printf "\n"
			}
		}'
} >"$work/matrix.txt"
sed 's/^/# /' "$work/matrix.txt"
echo "# (also in $work/matrix.txt)"
echo "1..$n"
