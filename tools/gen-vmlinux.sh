#!/bin/sh
# Regenerate the vendored vmlinux.h from a kernel's BTF, so the build never
# needs /sys/kernel/btf/vmlinux. CO-RE relocations make one header good for
# every kernel of that architecture.
#   tools/gen-vmlinux.sh [BTF_FILE [ARCH]]   (defaults: running kernel, x86)
set -eu
btf=${1:-/sys/kernel/btf/vmlinux}
arch=${2:-x86}
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/bpf/vmlinux/$arch/vmlinux.h"
mkdir -p "$(dirname "$out")"
${BPFTOOL:-bpftool} btf dump file "$btf" format c > "$out.new"
mv -f "$out.new" "$out"
echo "gen-vmlinux.sh: wrote $out from $btf"
