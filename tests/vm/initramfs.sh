#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the VM's initramfs: static busybox, the built tools at their
# build-tree paths under /tt, the shared libraries they load, /init and the
# checks, and for each KERNEL_DIR (kernel.sh's) its modules under
# /modules/RELEASE/, so that one initramfs boots every kernel of the matrix.
# With TT_VM_STATIC=1 every binary must be static (configure
# --enable-static-tools) and no shared library goes in: a bare machine.
# Usage: initramfs.sh BUILDDIR SRCDIR OUTPUT.cpio.gz [KERNEL_DIR...]
set -eu

build=${1:?usage: initramfs.sh BUILDDIR SRCDIR OUTPUT}
src=${2:?}
out=${3:?}
shift 3
# The binaries the checks run, relative to the build tree.
TOOLS="record/rec analyze/analyze tools/csv-export tools/seccomp-gen tests/workload tests/func_prog tests/vm/probe"

busybox=$(command -v busybox || true)
# ldd fails on a static binary: the VM has no libraries busybox could use.
if [ -z "$busybox" ] || ldd "$busybox" >/dev/null 2>&1; then
	echo "initramfs.sh: a static busybox is needed: apt-get install busybox-static" >&2
	exit 1
fi
root=$out.root
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/etc" "$root/tt" "$root/checks"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"

for t in $TOOLS; do
	if [ ! -x "$build/$t" ]; then
		echo "initramfs.sh: $build/$t is not built (make check-vm builds it)" >&2
		exit 1
	fi
	if [ "${TT_VM_STATIC:-}" = 1 ] && ldd "$build/$t" >/dev/null 2>&1; then
		echo "initramfs.sh: TT_VM_STATIC=1, but $t is linked dynamically (./configure --enable-static-tools)" >&2
		exit 1
	fi
	mkdir -p "$root/tt/$(dirname "$t")"
	cp "$build/$t" "$root/tt/$t"
done
# Every library at the path the host's loader resolved it to, and the loader.
[ "${TT_VM_STATIC:-}" = 1 ] || for t in $TOOLS; do ldd "$build/$t"; done |
	sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' | sort -u |
	while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done

# .ko up to 6.1, .ko.xz from 6.12 on (busybox insmod loads both as they are).
for k in "$@"; do
	release=$(cat "$k/release")
	mkdir -p "$root/modules/$release"
	for m in "$k"/modules/*.ko "$k"/modules/*.ko.xz; do
		if [ -e "$m" ]; then cp "$m" "$root/modules/$release/"; fi
	done
done
cp "$src/tests/vm/init" "$root/init"
cp "$src"/tests/vm/checks/*.sh "$root/checks/"
chmod +x "$root/init"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

if [ "${TT_VM_STATIC:-}" = 1 ] && [ -n "$(find "$root" -name '*.so' -o -name '*.so.*')" ]; then
	echo "initramfs.sh: TT_VM_STATIC=1, but a shared library is in the initramfs" >&2
	exit 1
fi
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out.new"
mv "$out.new" "$out"
rm -rf "$root"
