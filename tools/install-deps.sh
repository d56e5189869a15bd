#!/bin/sh
# Install the Debian 12 packages tracetape needs to build, test and benchmark.
# Run as root on a fresh machine; safe to run again.
set -eu

BUILD="build-essential autoconf automake libtool pkg-config clang llvm bpftool
libbpf-dev libelf-dev libzstd-dev libpcap-dev libyaml-dev libseccomp-dev libcriterion-dev
linux-libc-dev zstd libmicrohttpd-dev"
# Used by the test suite and the benchmark to compare against.
TEST="strace chromium python3 sqlite3 runc procps util-linux iproute2 linux-perf bpftrace
tshark tcpdump curl iputils-ping prometheus
qemu-system-x86 busybox-static cpio
valgrind libclang-rt-dev
postgresql clickhouse-server clickhouse-client nodejs"
# DuckDB for the Parquet tests: the npm package ships its own engine binary,
# installed into the checkout (git-ignored), not system-wide.
DUCKDB_NODE_API=1.5.6-r.1

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: must run as root (try: sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark's package asks whether non-root users may capture; the packet tests
# only read files, so answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $BUILD $TEST >/dev/null
# nodejs from Debian has no npm of its own; NodeSource's nodejs does.
command -v npm >/dev/null || apt-get install -y -qq --no-install-recommends npm >/dev/null
top=$(cd "$(dirname "$0")/.." && pwd)
if ! [ -f "$top/.duckdb/node_modules/@duckdb/node-api/package.json" ] ||
   ! grep -q "\"version\": \"$DUCKDB_NODE_API\"" \
	"$top/.duckdb/node_modules/@duckdb/node-api/package.json"; then
	npm install --silent --no-audit --no-fund --prefix "$top/.duckdb" \
		"@duckdb/node-api@$DUCKDB_NODE_API" >/dev/null
fi
echo "install-deps.sh: build and test dependencies installed"
