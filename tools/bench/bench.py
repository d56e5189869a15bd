#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tracetape's benchmark: the cost of recording, against strace, perf trace
and bpftrace, on the same workloads, interleaved (A B C A B C ...) so that
machine noise falls on every tracer alike; medians and ratios to untraced.

    tools/bench/bench.py [--runs N] [--out FILE] [--smoke]
    tools/bench/bench.py --readers TRACE [--runs N]

Run as root from the build tree (make bench does). --smoke is a one-second
pass over every workload with untraced and rec only, for `make check`.
--readers times only the readers (analyze --top, csv-export, at -j 1 and
-j nproc) on a trace already recorded, and needs no root.
"""

import argparse
import datetime
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("top_builddir", os.getcwd())
REC = os.path.join(BUILD, "record/rec")
ANALYZE = os.path.join(BUILD, "analyze/analyze")
CSV_EXPORT = os.path.join(BUILD, "tools/csv-export")
WORKLOADS_BIN = os.path.join(BUILD, "tools/bench/bench-workloads")

# name, argv after the binary, ops in a full run, divisor of ops under strace
WORKLOADS = [
    ("getppid loop", ["getppid"], 5_000_000, 100),
    ("file churn", ["files"], 300_000, 20),
    ("process churn", ["procs"], 1_500, 5),
    ("loopback TCP", ["tcp"], 100_000, 10),
    ("tar of /usr/include", ["cmd", "tar cf - /usr/include 2>/dev/null | wc -c >/dev/null"], 1, 1),
]

# Targets of issue 4 (2-core machine, median of interleaved runs).
TARGET_GETPPID = 2.5
TARGET_FILTERED = 1.8
TARGET_TAR = 1.3
TARGET_BYTES = 6.0
TARGET_ANALYZE = 20e6
TARGET_CSV = 3e6
TARGET_RSS_MIB = 64


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def parse_ns(out, what):
    m = re.search(r"^(\d+) ([0-9.]+)$", out, re.M)
    if not m:
        raise RuntimeError(f"{what}: no timing line in output:\n{out[-2000:]}")
    return float(m.group(2))


REC_SUMMARY = re.compile(
    r"rec: (\d+) events .*?, (\d+) lost, .*?rec: used ([0-9.]+) s CPU, (-?\d+) MiB of memory",
    re.S)


class Tracer:
    """One way of running a workload; run() returns (ns per op, extras)."""

    name = "?"

    def __init__(self, tmp):
        self.tmp = tmp

    def out(self, tag):
        return os.path.join(self.tmp, f"{self.name}-{tag}")


class Untraced(Tracer):
    name = "untraced"

    def run(self, argv, tag):
        p = run(argv)
        return parse_ns(p.stdout, self.name), {}


class Rec(Tracer):
    name = "rec"

    def run(self, argv, tag):
        path = self.out(tag) + ".zst"
        p = run([REC, "-o", path, "--"] + argv)
        if p.returncode != 0:
            raise RuntimeError(f"rec failed: {p.stderr[-2000:]}")
        m = REC_SUMMARY.search(p.stderr)
        events, lost, cpu, mem = (int(m.group(1)), int(m.group(2)), float(m.group(3)),
                                  int(m.group(4))) if m else (0, 0, 0.0, 0)
        size = os.path.getsize(path)
        return parse_ns(p.stdout, self.name), {
            "events": events, "lost": lost, "bytes": size, "cpu": cpu, "mem": mem, "file": path}


class RecFlight(Tracer):
    """rec --flight: the compressed chunks kept in a ring in memory, no trigger, nothing written."""

    name = "rec --flight 64M"

    def run(self, argv, tag):
        p = run([REC, "--flight", "64M", "-o", self.out(tag).replace(" ", "_") + ".zst", "--"]
                + argv)
        if p.returncode != 0:
            raise RuntimeError(f"rec --flight failed: {p.stderr[-2000:]}")
        m = REC_SUMMARY.search(p.stderr)
        events, lost, cpu, mem = (int(m.group(1)), int(m.group(2)), float(m.group(3)),
                                  int(m.group(4))) if m else (0, 0, 0.0, 0)
        return parse_ns(p.stdout, self.name), {
            "flight_events": events, "lost": lost, "cpu": cpu, "mem": mem}


class RecFiltered(Tracer):
    """rec attached system-wide but filtering the workload out (--comm)."""

    name = "rec filtered out"

    def run(self, argv, tag):
        path = self.out(tag).replace(" ", "_") + ".zst"
        rec = subprocess.Popen([REC, "-q", "--comm", "no-such-comm", "-o", path],
                               stderr=subprocess.PIPE, text=True)
        # Attached once the file exists (the first chunk is written at start).
        for _ in range(100):
            if os.path.exists(path + ".partial") or rec.poll() is not None:
                break
            time.sleep(0.05)
        try:
            p = run(argv)
        finally:
            rec.send_signal(signal.SIGINT)
            rec.wait()
        return parse_ns(p.stdout, self.name), {}


class PerfTrace(Tracer):
    name = "perf trace record"

    def run(self, argv, tag):
        path = self.out(tag).replace(" ", "_") + ".data"
        p = run(["perf", "trace", "record", "-q", "-o", path, "--"] + argv)
        stats = run(["perf", "report", "-i", path, "--stats"]).stdout
        m = re.search(r"SAMPLE events:\s+(\d+)", stats)
        lost = re.search(r"LOST events:\s+(\d+)", stats)
        # perf trace record writes enter and exit samples: events are pairs.
        events = int(m.group(1)) // 2 if m else 0
        return parse_ns(p.stdout, self.name), {
            "events": events, "lost": int(lost.group(1)) if lost else 0,
            "bytes": os.path.getsize(path), "file": path}


class Strace(Tracer):
    name = "strace -f"

    def run(self, argv, tag):
        path = self.out(tag).replace(" ", "_") + ".txt"
        p = run(["strace", "-f", "-o", path] + argv)
        with open(path, "rb") as f:
            events = sum(1 for _ in f)
        return parse_ns(p.stdout, self.name), {"events": events, "lost": 0,
                                               "bytes": os.path.getsize(path)}


class Bpftrace(Tracer):
    name = "bpftrace count"

    def run(self, argv, tag):
        prog = "tracepoint:raw_syscalls:sys_enter /pid == cpid/ { @n = count(); }"
        # bpftrace -c splits its command on spaces, with no shell quoting.
        script = os.path.join(self.tmp, "bpftrace-run.sh")
        with open(script, "w") as f:
            f.write("exec " + shlex.join(argv) + "\n")
        p = run(["bpftrace", "-e", prog, "-c", f"/bin/sh {script}"])
        return parse_ns(p.stdout, self.name), {}


STORM_CALLS = 4_000_000
TARGET_REC_NS = 60
CAP_QUOTA_US = 12500  # 1/8 of a core per 100 ms period


class CpuCap:
    """A cgroup that caps rec's CPU at 1/8 of a core, and the root cgroup a
    command moves itself back to: on a machine with few cores, the storm
    outside the cap makes as many events per consumer core as a 16-core one
    does (tools/bench/GAPS.md). cgroup v1's cpu controller, or v2's cpu.max."""

    def __init__(self):
        self.path = None
        v1 = "/sys/fs/cgroup/cpu"
        v2 = "/sys/fs/cgroup"
        try:
            if os.path.exists(os.path.join(v1, "cpu.cfs_quota_us")):
                self.path, self.root = os.path.join(v1, "tracetape-bench-cap"), v1
                os.makedirs(self.path, exist_ok=True)
                self._write("cpu.cfs_period_us", "100000")
                self._write("cpu.cfs_quota_us", str(CAP_QUOTA_US))
            elif "cpu" in open(os.path.join(v2, "cgroup.controllers")).read().split():
                self.path, self.root = os.path.join(v2, "tracetape-bench-cap"), v2
                os.makedirs(self.path, exist_ok=True)
                self._write("cpu.max", f"{CAP_QUOTA_US} 100000")
        except OSError as e:
            print(f"bench.py: no CPU cap ({e}); skipping the capped runs", file=sys.stderr)
            self.path = None

    def _write(self, name, value):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(value)

    def wrap(self, argv):
        """argv run inside the cap."""
        return ["/bin/sh", "-c", f'echo $$ > {self.path}/cgroup.procs && exec "$@"', "sh"] + argv

    def outside(self, argv):
        """argv run back in the root cgroup."""
        return ["/bin/sh", "-c", f'echo $$ > {self.root}/cgroup.procs && exec "$@"', "sh"] + argv

    def remove(self):
        if self.path:
            try:
                os.rmdir(self.path)
            except OSError:
                pass


def rec_storm(tmp, tag, t, n, cap=None):
    """rec -m syscall on a storm of t x n getppid(): (ns/call, events, lost, rec CPU s)."""
    path = os.path.join(tmp, f"storm-{tag}.zst")
    storm = [WORKLOADS_BIN, "storm", str(t), str(n)]
    argv = [REC, "-m", "syscall", "-o", path, "--"] + (cap.outside(storm) if cap else storm)
    p = run(cap.wrap(argv) if cap else argv)
    if p.returncode != 0:
        raise RuntimeError(f"rec failed: {p.stderr[-2000:]}")
    m = REC_SUMMARY.search(p.stderr)
    os.unlink(path)
    return (parse_ns(p.stdout, "storm"), int(m.group(1)), int(m.group(2)), float(m.group(3)))


def scaling(tmp, smoke, sustain_s):
    """The storm at T = 1, 2, 4, 8, 16 (and nproc) processes, 4 M calls in
    all: untraced, under rec, and under rec capped at 1/8 core; then a
    sustained storm at T = nproc, uncapped and capped."""
    ncpu = os.cpu_count()
    ts = sorted({1, 2, 4, 8, 16, ncpu})
    total = 40_000 if smoke else STORM_CALLS
    cap = None if smoke else CpuCap()
    rows = []
    try:
        for t in ts:
            n = total // t
            base = parse_ns(run([WORKLOADS_BIN, "storm", str(t), str(n)]).stdout, "storm")
            ns, events, lost, cpu = rec_storm(tmp, f"{t}", t, n)
            row = {"t": t, "base": base, "ns": ns, "events": events, "lost": lost, "cpu": cpu}
            if cap and cap.path:
                row["capped"] = rec_storm(tmp, f"{t}-cap", t, n, cap)
            rows.append(row)
            print(f"bench: storm T={t:<3} untraced {base:7.1f} ns/call, rec {ns:7.1f} ns/call, "
                  f"{lost:,} lost" + (f", capped {row['capped'][2]:,} lost" if "capped" in row
                                      else ""), file=sys.stderr)
        sustained = []
        seconds = 1.0 if smoke else sustain_s
        at_ncpu = next(r for r in rows if r["t"] == ncpu)
        n = int(seconds * 1e9 / max(at_ncpu["ns"], 1))  # calls per process
        sustained.append(("uncapped",) + rec_storm(tmp, "sustain", ncpu, n))
        if cap and cap.path:
            sustained.append(("rec capped at 1/8 core",) + rec_storm(tmp, "sustain-cap", ncpu, n, cap))
    finally:
        if cap:
            cap.remove()
    return rows, sustained, seconds


def scaling_report(storm_rows, storm_sustained, storm_seconds, calls):
    """The scaling table and the sustained runs, as markdown."""
    lines = []
    w = lines.append
    ncpu = os.cpu_count()
    w(f"\n## Scaling: a getppid storm of T processes, {calls:,} calls in all, `rec -m syscall`\n")
    w(f"This machine has {ncpu} CPUs: with T > {ncpu} the processes share them, and each "
      "one's ns per call counts the time it waited. Capped: rec in a cgroup limited to 1/8 of "
      "a core (cgroup v1 `cpu.cfs_quota_us` 12500 per 100000, or v2 `cpu.max`), the storm "
      "outside it; on a machine with few cores this makes as many events per consumer core "
      "as a 16-core machine does (GAPS.md).\n")
    w("| T | untraced ns/call | rec ns/call | events | lost | rec CPU ns/event | capped: events | capped: lost | capped: rec CPU ns/event |")
    w("|---|---|---|---|---|---|---|---|---|")
    for r in storm_rows:
        c = r.get("capped")
        capped = (f"{c[1]:,} | {c[2]:,} | {c[3] * 1e9 / max(c[1], 1):.0f}" if c else "- | - | -")
        w(f"| {r['t']} | {r['base']:.0f} | {r['ns']:.0f} | {r['events']:,} | {r['lost']:,} | "
          f"{r['cpu'] * 1e9 / max(r['events'], 1):.0f} | {capped} |")
    w(f"\n- Sustained, T = {ncpu} for about {storm_seconds:.0f} s:")
    for label, ns_s, ev_s, lost_s, cpu_s in storm_sustained:
        share = lost_s / max(ev_s + lost_s, 1) * 100
        w(f"  - {label}: {ev_s:,} events, **{lost_s:,} lost** ({share:.3f}%), "
          f"{ns_s:.0f} ns/call, rec CPU {cpu_s * 1e9 / max(ev_s, 1):.0f} ns/event")
    return "\n".join(lines)


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}"


def human(v):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if v >= scale:
            return f"{v / scale:.1f}{unit}"
    return f"{v:.0f}"


def level_sweep(traces, tmp, levels=(-3, -1, 1, 3)):
    """Compress each rec trace's records again at several zstd levels, in
    1 MiB blocks as rec cuts them: CPU ns and bytes per event at each."""
    import resource
    rows = []
    for label, ex in traces:
        raw = os.path.join(tmp, "sweep.raw")
        with open(raw, "wb") as f:
            subprocess.run(["zstd", "-q", "-dc", ex["file"]], stdout=f, check=True)
        for level in levels:
            arg = f"--fast={-level}" if level < 0 else f"-{level}"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            p = subprocess.run(["zstd", "-q", arg, "-B1048576", "-c", raw], stdout=subprocess.PIPE)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            n = max(ex["events"], 1)
            rows.append((label, level, len(p.stdout) / n, cpu * 1e9 / n))
        os.unlink(raw)
    return rows


def offline(rec_file, perf_file, events, tmp, runs=1):
    """Throughput of the readers on the getppid recordings (page cache warm):
    analyze --top and csv-export with one thread and with one per CPU, the
    median of runs interleaved rounds."""
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    nproc = os.cpu_count() or 1
    csvs = tempfile.mkdtemp(dir=tmp)
    jobs = []  # label, argv maker (a fresh output directory each run), n

    def once(argv):
        t = time.monotonic()
        p = subprocess.run(argv, **quiet)
        return time.monotonic() - t, p.returncode == 0

    def csv_argv(j):
        def make():
            out = tempfile.mkdtemp(dir=csvs)
            subprocess.run(["sync"])  # the last run's CSVs written back first
            return [CSV_EXPORT, rec_file, "-j", str(j), "-d", out]
        return make

    for j in sorted({1, nproc}):
        if os.path.exists(ANALYZE):
            jobs.append((f"analyze --top -j {j}",
                         lambda j=j: [ANALYZE, rec_file, "--top", "-j", str(j)], events))
        if os.path.exists(CSV_EXPORT):
            jobs.append((f"csv-export -j {j}", csv_argv(j), events))
    if perf_file and shutil.which("perf"):
        # Output to /dev/null: perf script prints hundreds of MB.
        jobs.append(("perf script", lambda: ["perf", "script", "-i", perf_file], events))
        jobs.append(("perf trace -i", lambda: ["perf", "trace", "-i", perf_file], events))
    times = {label: [] for label, _, _ in jobs}
    ok = {label: True for label, _, _ in jobs}
    for _, make, _ in jobs:
        subprocess.run(make(), **quiet)  # warm the page cache
    for _ in range(runs):
        for label, make, _ in jobs:
            dt, good = once(make())
            times[label].append(dt)
            ok[label] &= good
            for d in os.listdir(csvs):  # hundreds of MB each run
                shutil.rmtree(os.path.join(csvs, d), ignore_errors=True)
    rows = []
    for label, _, n in jobs:
        dt = statistics.median(times[label])
        rows.append((label, n / dt if ok[label] and dt > 0 else 0.0, ok[label], dt))
    return rows


def readers_only(args):
    """--readers TRACE: the readers' table alone, for a trace at hand."""
    out = subprocess.run([ANALYZE, args.readers, "--top", "-j", "1"], capture_output=True,
                         text=True)
    m = re.search(r"^Events:\s+(\d+)", out.stdout, re.M)
    if out.returncode or not m:
        print(f"bench.py: {args.readers}: not readable by analyze", file=sys.stderr)
        return 1
    events = int(m.group(1))
    tmp = tempfile.mkdtemp(prefix="tracetape-bench-")
    try:
        readers = offline(args.readers, None, events, tmp, args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"# {args.readers}: {events:,} events; {machine()}; median of {args.runs} rounds")
    print("| reader | events/s | time |")
    print("|---|---|---|")
    for label, rate, good, dt in readers:
        print(f"| {label} | {human(rate) if good else 'failed'} | {dt:.2f} s |")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--out", default=None, help="write the report here (default: stdout)")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, untraced and rec only")
    ap.add_argument("--readers", metavar="TRACE", default=None,
                    help="time only the readers on TRACE (no root needed)")
    ap.add_argument("--sustain", type=float, default=30.0,
                    help="seconds of the zero-loss run (default 30)")
    ap.add_argument("--scaling-only", action="store_true",
                    help="only the storm scaling table, to stdout (for a machine with many cores)")
    args = ap.parse_args()

    if args.readers:
        return readers_only(args)
    if os.geteuid() != 0:
        print("bench.py: must run as root (rec loads BPF programs)", file=sys.stderr)
        return 77 if args.smoke else 1
    tmp = tempfile.mkdtemp(prefix="tracetape-bench-")
    if args.scaling_only:
        try:
            rows, sustained, seconds = scaling(tmp, False, args.sustain)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"Machine: {machine()}")
        print(scaling_report(rows, sustained, seconds, STORM_CALLS))
        return 0
    files_dir = os.path.join(tmp, "files")
    os.mkdir(files_dir)
    tracers = [Untraced, Rec, RecFlight, RecFiltered]
    if not args.smoke:
        for cls, tool in ((PerfTrace, "perf"), (Strace, "strace"), (Bpftrace, "bpftrace")):
            if shutil.which(tool):
                tracers.append(cls)
            else:
                print(f"bench.py: {tool} not installed; skipping it", file=sys.stderr)
    tracers = [t(tmp) for t in tracers]
    runs = 1 if args.smoke else args.runs
    started = datetime.datetime.now().astimezone()
    results = {}  # (workload, tracer) -> [ns]
    extras = {}   # (workload, tracer) -> last extras

    try:
        # One untimed pass first: page cache, dentries, binaries.
        run([WORKLOADS_BIN] + WORKLOADS[-1][1])
        run([WORKLOADS_BIN, "files", "1000", files_dir])
        for r in range(runs):
            for wname, wargv, ops, strace_div in WORKLOADS:
                n = ops
                if args.smoke:
                    n = max(1, ops // 200)
                for t in tracers:
                    m = n // strace_div if isinstance(t, Strace) else n
                    if wargv[0] == "cmd":
                        argv = [WORKLOADS_BIN] + wargv
                        run(argv)  # the page cache as every tracer finds it
                    else:
                        argv = [WORKLOADS_BIN, wargv[0], str(max(m, 1))]
                        if wargv[0] == "files":
                            argv.append(files_dir)
                    ns, ex = t.run(argv, f"{wargv[0]}-{r}")
                    results.setdefault((wname, t.name), []).append(ns)
                    if ex:
                        extras[(wname, t.name)] = ex
                        if r < runs - 1 and "file" in ex:
                            os.unlink(ex["file"])  # only the last round's are read again
                    print(f"bench: round {r + 1}/{runs} {wname:14} {t.name:18} {ns:12.1f} ns/op",
                          file=sys.stderr)

        # Zero loss at the loop's full rate for --sustain seconds, default buffer.
        rec_ns = statistics.median(results[("getppid loop", "rec")])
        seconds = 1.0 if args.smoke else args.sustain
        n = int(seconds * 1e9 / rec_ns)
        ns, sustain = Rec(tmp).run([WORKLOADS_BIN, "getppid", str(n)], "sustain")

        # rec's CPU for a recording of one call: loading the programs,
        # reading /proc, exiting. Not per event: the getppid loop's CPU
        # per event is also given beyond it.
        startup = statistics.median(
            Rec(tmp).run([WORKLOADS_BIN, "getppid", "1"], f"startup-{i}")[1]["cpu"] for i in range(3))

        getppid = extras.get(("getppid loop", "rec"), {})
        perf = extras.get(("getppid loop", "perf trace record"), {})
        readers = offline(getppid["file"], perf.get("file"), getppid.get("events", 0), tmp,
                          1 if args.smoke else 3)
        sweep = level_sweep([(w, extras[(w, "rec")]) for w, *_ in WORKLOADS
                             if (w, "rec") in extras], tmp)
        storm_rows, storm_sustained, storm_seconds = scaling(tmp, args.smoke, args.sustain)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in results.items()}
    lines = []
    w = lines.append
    w("# tracetape benchmark results\n")
    w(f"- Date: {started:%Y-%m-%d %H:%M %Z}")
    w(f"- Machine: {machine()}")
    w(f"- Command: `{' '.join(['tools/bench/bench.py'] + sys.argv[1:])}` (via `make bench`), "
      f"{runs} interleaved round{'s' if runs != 1 else ''}, medians")
    w("- Workloads: tools/bench/bench_workloads.c, timed from inside the workload, so tracer "
      "start-up and shutdown do not count. strace runs fewer operations (per-op figures).\n")
    w("## Cost on the traced workload (ns per operation; ratio to untraced)\n")
    names = [t.name for t in tracers]
    w("| workload | " + " | ".join(names) + " |")
    w("|---" * (len(names) + 1) + "|")
    for wname, *_ in WORKLOADS:
        base = med[(wname, "untraced")]
        cells = []
        for t in names:
            v = med.get((wname, t))
            cells.append(f"{v:,.0f} ({v / base:.2f}x)" if v else "-")
        w(f"| {wname} | " + " | ".join(cells) + " |")
    w("\n## Events, loss and size on disk (last round)\n")
    w("| workload | tracer | events | lost | bytes/event |")
    w("|---|---|---|---|---|")
    for (wname, t), ex in extras.items():
        if "events" in ex:
            bpe = ex["bytes"] / ex["events"] if ex["events"] else 0
            w(f"| {wname} | {t} | {ex['events']:,} | {ex['lost']:,} | {bpe:.1f} |")
    rec_ns_ev = max(getppid.get("cpu", 0) - startup, 0) * 1e9 / max(getppid.get("events", 1), 1)
    w("\n## rec's own footprint (getppid loop, last round)\n")
    w(f"- CPU: {getppid.get('cpu', 0):.2f} s for {getppid.get('events', 0):,} events "
      f"({getppid.get('cpu', 0) * 1e9 / max(getppid.get('events', 1), 1):.0f} ns/event all in; "
      f"{rec_ns_ev:.0f} ns/event beyond the {startup:.2f} s a recording of one call takes: "
      f"loading the programs, reading /proc, exiting)")
    w(f"- Memory besides the ring buffer (anonymous RSS at exit): {getppid.get('mem', 0)} MiB")
    flight = extras.get(("getppid loop", "rec --flight 64M"), {})
    if flight.get("flight_events"):
        w(f"- With --flight 64M (chunks kept in memory, no trigger, nothing written): CPU "
          f"{flight['cpu']:.2f} s for {flight['flight_events']:,} events "
          f"({flight['cpu'] * 1e9 / flight['flight_events']:.0f} ns/event), {flight['lost']:,} "
          f"lost, {flight['mem']} MiB besides the ring buffer (the 64M ring included)")
    w(f"\n## Sustained rate\n\n- getppid loop for {seconds:.0f} s ({n:,} calls at "
      f"{ns:.0f} ns/call), default buffer: {sustain['events']:,} events, "
      f"**{sustain['lost']:,} lost**")
    w(scaling_report(storm_rows, storm_sustained, storm_seconds,
                     STORM_CALLS if not args.smoke else 40_000))
    w("\n## zstd level (each rec trace's records compressed again in 1 MiB blocks)\n")
    w("| workload | level | bytes/event | compression CPU ns/event |")
    w("|---|---|---|---|")
    for label, level, bpe_l, ns_l in sweep:
        w(f"| {label} | {level} | {bpe_l:.2f} | {ns_l:.0f} |")
    w("\n## Readers (getppid trace, page cache warm)\n")
    w("| reader | events/s | time |")
    w("|---|---|---|")
    for label, rate, ok, dt in readers:
        w(f"| {label} | {human(rate) if ok else 'failed'} | {dt:.2f} s |")

    rate = {label: r for label, r, ok, _ in readers if ok}
    nproc = os.cpu_count() or 1  # the targets are for the default -j
    g = med[("getppid loop", "rec")] / med[("getppid loop", "untraced")]
    f = med[("getppid loop", "rec filtered out")] / med[("getppid loop", "untraced")]
    tar = med[("tar of /usr/include", "rec")] / med[("tar of /usr/include", "untraced")]
    bpe = getppid["bytes"] / getppid["events"] if getppid.get("events") else 99
    t16 = next((r for r in storm_rows if r["t"] == 16), storm_rows[-1])
    storm_last_lost = t16["capped"][2] if "capped" in t16 else t16["lost"]
    # the 30 s storm at T = nproc: capped where the machine is small (the proxy)
    sus_label, _, sus_events, sus_lost, _ = storm_sustained[-1] if storm_sustained else ("", 0, 0, 0, 0)
    sus_pct = 100.0 * sus_lost / max(sus_events + sus_lost, 1)
    targets = [
        ("getppid loop under rec", f"<= {TARGET_GETPPID}x", f"{g:.2f}x", g <= TARGET_GETPPID),
        ("getppid loop, filtered out", f"<= {TARGET_FILTERED}x", f"{f:.2f}x", f <= TARGET_FILTERED),
        ("zero loss at full rate", "0 lost", f"{sustain['lost']:,} lost", sustain["lost"] == 0),
        ("rec CPU per syscall event (getppid loop, beyond start-up)", f"<= {TARGET_REC_NS} ns",
         f"{rec_ns_ev:.0f} ns",
         rec_ns_ev <= TARGET_REC_NS),
        (f"storm at T = {t16['t']}" + (", rec capped at 1/8 core" if "capped" in t16 else ""),
         "0 lost",
         f"{storm_last_lost:,} lost", storm_last_lost == 0),
        (f"{storm_seconds:.0f} s storm at T = nproc" + (f", {sus_label}" if sus_label.startswith("rec capped") else ""),
         "<= 0.01% lost", f"{sus_lost:,} lost ({sus_pct:.3f}%)" if storm_sustained else "not run",
         bool(storm_sustained) and sus_pct <= 0.01),
        ("bytes per syscall event", f"<= {TARGET_BYTES}", f"{bpe:.2f}", bpe <= TARGET_BYTES),
        ("tar cf - /usr/include \\| wc -c under rec", f"<= {TARGET_TAR}x", f"{tar:.2f}x", tar <= TARGET_TAR),
        (f"analyze --top (-j {nproc})", f">= {human(TARGET_ANALYZE)} ev/s",
         human(rate.get(f"analyze --top -j {nproc}", 0)),
         rate.get(f"analyze --top -j {nproc}", 0) >= TARGET_ANALYZE),
        (f"csv-export (-j {nproc})", f">= {human(TARGET_CSV)} rows/s",
         human(rate.get(f"csv-export -j {nproc}", 0)),
         rate.get(f"csv-export -j {nproc}", 0) >= TARGET_CSV),
        ("rec memory besides the ring", f"<= {TARGET_RSS_MIB} MiB", f"{getppid.get('mem', 0)} MiB",
         0 <= getppid.get("mem", 0) <= TARGET_RSS_MIB),
    ]
    w("\n## Targets\n")
    w("| target | wanted | measured | met |")
    w("|---|---|---|---|")
    for name, want, got, ok in targets:
        w(f"| {name} | {want} | {got} | {'yes' if ok else '**no**'} |")
    report = "\n".join(lines) + "\n"
    # Kept beside this script and appended: the profiles behind missed
    # targets and the binaries' sizes (by hand: shared and static builds,
    # not timed here), the columnar export's sizes (columnar.sh).
    for kept in ("GAPS.md", "SIZES.md", "COLUMNAR.md"):
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), kept)
        if os.path.exists(path) and not args.smoke:
            with open(path) as f:
                report += "\n" + f.read()
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(report)
    else:
        sys.stdout.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
