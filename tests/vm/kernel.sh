#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetch one kernel of the test matrix from Debian's registry into the cache
# (once) and print the directory that holds it:
#   DIR/vmlinuz, DIR/config, DIR/release (uname -r of that kernel),
#   DIR/modules/ (sch_ingress and cls_bpf, .ko or .ko.xz: rec -i's tc
#   programs need them before tcx; the VM's /init loads them).
# Usage: kernel.sh CACHE_DIR NAME, NAME one of
#   bullseye       bullseye's linux-image-amd64 (5.10)
#   bookworm       bookworm's linux-image-amd64 (6.1)
#   bookworm-6.12  the newest linux-image-6.12.*+deb12-amd64 of bookworm
#   sid            unstable's linux-image-amd64 (split into linux-binary-*,
#                  linux-base-*, linux-modules-* packages since 7.x)
# Each suite is reached through a private apt configuration under
# CACHE_DIR/apt/SUITE (the machine's own apt sources are never touched), with
# the Debian mirror the machine's sources name. Its package lists are
# refreshed when older than a day, so a point release is picked up without an
# update on every run.
set -eu

cache=${1:?usage: kernel.sh CACHE_DIR NAME}
name=${2:?usage: kernel.sh CACHE_DIR NAME}
arch=$(dpkg --print-architecture)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
MODULES="sch_ingress cls_bpf"

die() {
	echo "kernel.sh: $name: $*" >&2
	exit 1
}

case $name in
bullseye | bookworm | sid) suite=$name ;;
bookworm-6.12) suite=bookworm ;;
*) die "unknown kernel (bullseye, bookworm, bookworm-6.12 or sid)" ;;
esac

# "URI SUITE" for each deb source of the machine (deb822 .sources files and
# one-line sources.list), to find its Debian mirror and security mirror.
machine_sources() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
			function flush() { if (deb) for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
				deb = 0; nu = ns = 0 }
			/^[ \t]*$/ { flush(); next }
			/^[ \t]*#/ { next }
			tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
			tolower($1) == "uris:" { for (i = 2; i <= NF; i++) u[++nu] = $i }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) s[++ns] = $i }
			tolower($1) == "enabled:" && tolower($2) == "no" { deb = 0; nu = ns = 0; skip = 1 }
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		sed -n 's/^[ \t]*deb[ \t]\{1,\}\(\[[^]]*\][ \t]*\)\{0,1\}\([^ \t]*\)[ \t]\{1,\}\([^ \t]*\).*/\2 \3/p' "$f"
	done
}
sources=$(machine_sources)
mirror=$(echo "$sources" | awk '$2 !~ /-security$/ && $1 ~ /\/debian\/?$/ { print $1; exit }')
[ -n "$mirror" ] || mirror=$(echo "$sources" | awk '$2 !~ /-security$/ { print $1; exit }')
security=$(echo "$sources" | awk '$2 ~ /-security$/ { print $1; exit }')
[ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list{,.d} to take"

apt_dir=$cache/apt/$suite
set -- -o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=- \
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" \
	-o Dir::State::status=/dev/null -o APT::Architectures="$arch" -o Acquire::Languages=none
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
{
	echo "deb [signed-by=$keyring] $mirror $suite main"
	# Kernel updates between point releases land in SUITE-security.
	if [ "$suite" != sid ] && [ -n "$security" ]; then
		echo "deb [signed-by=$keyring] $security $suite-security main"
	fi
} >"$apt_dir/sources.list.new"
if ! cmp -s "$apt_dir/sources.list.new" "$apt_dir/sources.list" 2>/dev/null; then
	mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
	rm -f "$apt_dir/updated" # the mirror changed: update now
else
	rm -f "$apt_dir/sources.list.new"
fi
# Refresh lists older than a day. apt takes a lock in the lists directory:
# two runs at once wait for each other there, not in a half-written list.
if [ -z "$(find "$apt_dir/updated" -mmin -1440 2>/dev/null)" ]; then
	if apt-get "$@" -q update >"$apt_dir/update.log" 2>&1; then
		touch "$apt_dir/updated"
	elif [ -e "$apt_dir/updated" ]; then
		echo "kernel.sh: $name: apt-get update failed, using the lists of $(date -r "$apt_dir/updated" '+%F %R'):" >&2
		tail -n 3 "$apt_dir/update.log" | sed 's/^/kernel.sh:   /' >&2
	else
		tail -n 5 "$apt_dir/update.log" | sed 's/^/kernel.sh:   /' >&2
		die "apt-get update of $suite from $mirror failed"
	fi
fi

# The versioned kernel package (linux-image-RELEASE), from the meta-package.
depends() { # the packages PACKAGE's candidate depends on, one a line
	apt-cache "$@" depends "$pkg_" 2>/dev/null | sed -n 's/^ *|\{0,1\}Depends: \([^ <>]*\).*/\1/p'
}
case $name in
bookworm-6.12)
	pkg=$(apt-cache "$@" pkgnames linux-image-6.12. 2>/dev/null |
		grep -E "^linux-image-6\.12\.[0-9]+\+deb12-$arch\$" | sort -V | tail -n 1)
	;;
*)
	pkg_=linux-image-$arch
	pkg=$(depends "$@" | grep -E '^linux-image-[0-9]' | head -n 1)
	;;
esac
[ -n "$pkg" ] || die "no kernel package found in $suite (lists in $apt_dir/lists)"

dir=$cache/$pkg
if [ ! -s "$dir/vmlinuz" ] || [ ! -s "$dir/release" ] || [ ! -d "$dir/modules" ]; then
	# Since 7.x (sid) linux-image-RELEASE only depends on the packages with
	# the files: follow the Depends chain through the linux-* packages.
	pkgs=$pkg todo=$pkg
	while [ -n "$todo" ]; do
		next=
		for pkg_ in $todo; do
			for d in $(depends "$@" | grep -E '^linux-(image|binary|base|modules)-[0-9]' || true); do
				case " $pkgs " in *" $d "*) ;; *) pkgs="$pkgs $d" next="$next $d" ;; esac
			done
		done
		todo=$next
	done
	rm -rf "$dir.new"
	mkdir -p "$dir.new/deb" "$dir.new/modules"
	for p in $pkgs; do
		# apt-get download writes into the current directory; as root it
		# warns that _apt cannot write there, which is harmless.
		(cd "$dir.new/deb" && apt-get "$@" -q download "$p" 2>&1 |
			grep -v '^W: Download is performed unsandboxed' >&2) || true
		ls "$dir.new/deb/${p}_"*.deb >/dev/null 2>&1 || die "apt-get download $p (from $suite) failed"
	done
	# Only the kernel image, its config and two modules, wherever the
	# package keeps them (./boot/ up to 6.x, ./usr/lib/modules/RELEASE/ in
	# the split packages): not the hundreds of MB of other modules.
	for deb in "$dir.new"/deb/*.deb; do
		want=$(dpkg-deb --fsys-tarfile "$deb" | tar -t |
			grep -E '(/boot/(vmlinuz|config)-[^/]+|/lib/modules/[^/]+/(vmlinuz|config)|/kernel/net/sched/(sch_ingress|cls_bpf)\.ko(\.xz|\.zst)?)$' || true)
		[ -n "$want" ] || continue
		# shellcheck disable=SC2086 # one path a word; kernel paths have no spaces
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.new" $want
		for f in $want; do
			f=$dir.new/${f#./}
			case $f in
			*/vmlinuz*) mv "$f" "$dir.new/vmlinuz" ;;
			*/config*) mv "$f" "$dir.new/config" ;;
			*.ko.zst) # busybox insmod reads .ko and .ko.xz, not zstd
				zstd -q -d -f "$f" -o "$dir.new/modules/$(basename "$f" .zst)" ;;
			*) mv "$f" "$dir.new/modules/" ;;
			esac
			case $f in */modules/*) basename "$(echo "$f" | sed 's,.*/modules/\([^/]*\)/.*,\1,')" >"$dir.new/release" ;; esac
		done
	done
	[ -s "$dir.new/vmlinuz" ] || die "no vmlinuz in $pkgs"
	[ -s "$dir.new/release" ] || die "no /lib/modules/RELEASE/ in $pkgs"
	for m in $MODULES; do
		ls "$dir.new/modules/$m".ko* >/dev/null 2>&1 || echo "kernel.sh: $name: $pkgs have no $m module" >&2
	done
	rm -rf "$dir.new/deb" "$dir.new/boot" "$dir.new/lib" "$dir.new/usr" "$dir"
	mv "$dir.new" "$dir"
fi
echo "$dir"
