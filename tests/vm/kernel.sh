#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Print the path of a vmlinuz of Debian's current kernel (the package
# linux-image-amd64 depends on), downloading it once into CACHE_DIR, with
# the few modules the checks need beside it in modules/ (the VM's /init
# loads them): clsact and cls_bpf, for rec -i's tc programs before tcx.
# Usage: kernel.sh CACHE_DIR
set -eu

cache=${1:?usage: kernel.sh CACHE_DIR}
arch=$(dpkg --print-architecture)
# Resolved at every run, so a Debian point release is picked up by itself.
pkg=$(apt-cache depends "linux-image-$arch" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1)
if [ -z "$pkg" ]; then
	echo "kernel.sh: apt-cache does not know linux-image-$arch (run apt-get update)" >&2
	exit 1
fi
dir=$cache/$pkg
MODULES="net/sched/sch_ingress.ko net/sched/cls_bpf.ko"
if [ ! -s "$dir/vmlinuz" ] || [ ! -d "$dir/modules" ]; then
	mkdir -p "$dir/deb"
	# apt-get download writes into the current directory; as root it warns
	# that _apt cannot write there, which is harmless.
	(cd "$dir/deb" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) || true
	deb=$(ls "$dir"/deb/*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		echo "kernel.sh: apt-get download $pkg failed" >&2
		exit 1
	fi
	# The kernel image and a few modules: not the package's 390 MB of them.
	mods=
	for m in $MODULES; do mods="$mods ./lib/modules/*/kernel/$m*"; done
	# shellcheck disable=SC2086 # the globs are tar's
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards './boot/vmlinuz-*' './boot/config-*' $mods
	mv "$dir"/boot/vmlinuz-* "$dir/vmlinuz.new"
	mv "$dir"/boot/config-* "$dir/config"
	rm -rf "$dir/modules"
	mkdir "$dir/modules"
	for m in $MODULES; do mv "$dir"/lib/modules/*/kernel/"$m"* "$dir/modules/"; done
	rm -rf "$dir/boot" "$dir/lib"
	rm -rf "$dir/deb"
	mv "$dir/vmlinuz.new" "$dir/vmlinuz"
fi
echo "$dir/vmlinuz"
