#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# TAP, in a build configured with --enable-static-tools: the image of
# tools/dist-bin/Containerfile run as its documented `docker run` line
# says. No container engine runs on the development and CI machines, so
# the test builds what the engine would: the image's root from the
# Containerfile's COPY lines (the static rec alone), and an OCI bundle for
# runc from the run line itself (its --cap-add on Docker's default set,
# --pid=host, --cgroupns=host, its -v mounts, the image's entrypoint and the
# line's arguments; /var/lib/tracetape becomes a temporary folder). The
# container must record the host: a workload started on the host after rec,
# its exact getppid count. The same line without BPF and PERFMON must stop
# with one line naming them. Needs root and runc.
set -u
plan=6
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
. "$srcdir/tests/tap.sh"
echo "1..$plan"
[ "$(id -u)" -eq 0 ] || skip_all "the Containerfile's image under runc" "needs root (runc, rec)"
skip_runc() { # reason: the runtime's limit, not BPF's, so never a failure
	while [ "$n" -lt "$plan" ]; do skip "the Containerfile's image under runc" "$1"; done
	exit 0
}
command -v runc >/dev/null || skip_runc "runc is not installed (tools/install-deps.sh)"
command -v python3 >/dev/null || skip_runc "python3 writes the bundle and is not installed"
tmp=$(mktemp -d) || exit 1
id=ttrec$$
trap 'runc kill $id KILL 2>/dev/null; runc delete -f $id 2>/dev/null; rm -rf "$tmp"' EXIT
cf=$srcdir/tools/dist-bin/Containerfile

# The image: FROM scratch and its COPY lines, bin/TOOL being the built tool.
rootfs=$tmp/rootfs
mkdir -p "$rootfs"
grep -qx 'FROM scratch' "$cf"
expect "the Containerfile starts FROM scratch" "$cf" test $? -eq 0
grep '^COPY ' "$cf" | while read -r _ from to; do
	case $from in
	bin/rec) src=$builddir/record/rec ;;
	bin/*) src=$builddir/tools/${from#bin/} ;;
	*) src=$srcdir/$from ;;
	esac
	mkdir -p "$rootfs$(dirname "$to")" && cp "$src" "$rootfs$to"
done
(cd "$rootfs" && find . -type f) >"$tmp/files"
expect "the image holds the static rec alone" "$tmp/files" \
	sh -c '[ "$(cat "$1")" = ./rec ] && ldd "$2/rec" 2>&1 | grep -q "not a dynamic executable"' \
	sh "$tmp/files" "$rootfs"

# The run line: the comment's lines from "docker run" to the first without
# a trailing backslash, one line.
sed -n '/^#   docker run /,/[^\\]$/p' "$cf" | sed 's/^#[[:space:]]*//; s/\\$//' | tr '\n' ' ' >"$tmp/line"
echo "# run line: $(cat "$tmp/line")"
mkdir "$tmp/traces"

# bundle NAME [CAP-TO-DROP...]: $tmp/NAME/config.json from the run line
bundle() {
	b=$tmp/$1
	shift
	mkdir -p "$b" && runc spec --bundle "$b" &&
		python3 - "$b/config.json" "$rootfs" "$cf" "$tmp/line" "$tmp/traces" "$@" <<'PY'
import json, re, shlex, sys
path, rootfs, cf, linefile, traces = sys.argv[1:6]
drop = set(sys.argv[6:])
words = shlex.split(open(linefile).read())[2:]  # past "docker run"
docker_default = ["CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID",
                  "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL",
                  "AUDIT_WRITE"]
caps, mounts, nons, args, image = list(docker_default), [], set(), [], None
i = 0
while i < len(words):
    w = words[i]
    if image is not None:
        args.append(w)
    elif w.startswith("--cap-add="):
        caps.append(w.split("=", 1)[1])
    elif w == "-v":
        i += 1
        parts = words[i].replace("/var/lib/tracetape", traces).split(":")
        mounts.append({"destination": parts[1], "type": "bind", "source": parts[0],
                       "options": ["rbind"] + (["ro"] if parts[2:] == ["ro"] else [])})
    elif w == "--pid=host":
        nons.add("pid")
    elif w == "--cgroupns=host":
        nons.add("cgroup")
    elif w in ("-d", "--rm", "--security-opt", "--name") or w.startswith("--name="):
        if w in ("--security-opt", "--name"):
            i += 1  # seccomp=unconfined: the bundle has no seccomp filter
    elif w.startswith("-"):
        sys.exit("run line: unknown option " + w)
    else:
        image = w
    i += 1
entry = cmd = []
for l in open(cf):
    m = re.match(r"(ENTRYPOINT|CMD) (\[.*\])", l)
    if m and m.group(1) == "ENTRYPOINT":
        entry = json.loads(m.group(2))
    elif m:
        cmd = json.loads(m.group(2))
c = json.load(open(path))
c["root"] = {"path": rootfs, "readonly": True}
c["process"]["terminal"] = False
c["process"]["args"] = entry + (args or cmd)
c["process"]["user"] = {"uid": 0, "gid": 0}
caps = ["CAP_" + x for x in caps if x not in drop]
c["process"]["capabilities"] = {k: caps for k in ("bounding", "effective", "permitted")}
c["process"]["noNewPrivileges"] = True
ns = c["linux"]["namespaces"]
c["linux"]["namespaces"] = [n for n in ns if n["type"] not in nons]
dests = {m["destination"] for m in mounts}
c["mounts"] = [m for m in c["mounts"] if m["destination"] not in dests] + mounts
c["linux"].pop("maskedPaths", None)  # Docker masks /proc/kcore and such; rec reads none
json.dump(c, open(path, "w"), indent=1)
PY
}

if ! bundle rec >"$tmp/bundle.err" 2>&1; then
	fail "the run line makes an OCI bundle" "$tmp/bundle.err"
	skip_all "the Containerfile's image under runc" "no bundle"
fi
ok "the run line makes an OCI bundle ($(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["process"]["args"]))' "$tmp/rec/config.json"))"
runc run --bundle "$tmp/rec" "$id" >"$tmp/run.out" 2>"$tmp/run.err" &
runner=$!
i=0
while [ ! -e "$tmp/traces/trace.zst.partial" ] && [ $i -lt 600 ] && kill -0 $runner 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -e "$tmp/traces/trace.zst.partial" ]; then
	wait $runner
	if grep -q "runc\|container_linux\|nsexec\|mount" "$tmp/run.err"; then
		skip_runc "runc cannot run this container here: $(head -1 "$tmp/run.err")"
	fi
	skip_all "the Containerfile's image under runc" "rec could not record: $(head -1 "$tmp/run.err")"
fi
"$builddir/tests/workload" --getppid 4321 &
wpid=$!
wait $wpid
sleep 0.3 # rec ships what the CPUs hold every 50 ms
runc kill "$id" TERM
wait $runner
st=$?
sed 's/^/# container: /' "$tmp/run.err"
expect "the container records until SIGTERM, then exits 0" "$tmp/run.err" test $st -eq 0
"$builddir/analyze/analyze" "$tmp/traces/trace.zst" --summary -p $wpid -e getppid >"$tmp/summary" 2>&1
expect "the host's workload, started after rec: its 4321 getppid in the trace" "$tmp/summary" \
	awk '$NF == "getppid" { n = $4 } END { exit n != 4321 }' "$tmp/summary"

runc delete -f "$id" 2>/dev/null
bundle nocaps BPF PERFMON >"$tmp/bundle.err" 2>&1
one_line=1
expect_exit "without BPF and PERFMON: exit 1, one line naming cap_bpf,cap_perfmon" 1 \
	"monitors need cap_bpf,cap_perfmon" runc run --bundle "$tmp/nocaps" "$id"
