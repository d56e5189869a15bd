# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks for the database tests (tests/db_*.sh), one per subcommand:

summary DBOUT CSVDIR...: DBOUT holds "trace_id<TAB>syscall<TAB>calls<TAB>errors"
  lines an engine counted; each CSVDIR holds one trace's csv-export --with-host
  files and summary.json, its analyze --summary --json. The counts must be
  the same, exactly, for every trace and syscall.
rows DBOUT CSV COLUMN...: DBOUT is the CSV's table read back as CSV (those
  columns, in any order); their values must equal the file's (an empty
  field read back as NULL, which the dump writes empty).
containers DBOUT DIR: DBOUT holds "container_id<TAB>syscall<TAB>errno<TAB>n"
  lines (README's errors by container; the host's container_id empty); DIR
  holds one trace's analyze --containers --json (containers.json), --errors
  --json (errors.json) and, for each container, -c ID --errors --json
  (errors.ID.json). Each container's lines must be its -c ID --errors
  by_syscall, the host's the rest of errors.json's, and each container's
  sum its errors in containers.json.
tree DBOUT CSVDIR...: DBOUT holds "trace_id<TAB>line" lines, README's
  process tree ("  comm pid (parent ppid)", two spaces a level); each CSVDIR
  holds one trace's process_*.csv (csv-export --with-host) and tree.json,
  its analyze --tree --json. The processes that did not run at the start
  must be the lines' (pid, ppid, comm), each line one level below its
  parent's line above it, or at the top when its parent is not a line.

query COMMENT: prints README.md's query whose first line, "-- COMMENT...",
  starts with COMMENT, up to the line that ends it (";"): the tests run the
  documented queries themselves.
"""
import collections
import csv
import glob
import json
import re
import sys


def summary(dbout, dirs):
    want = {}
    for d in dirs:
        with open(glob.glob(f"{d}/syscall_*.csv")[0], newline="") as f:
            rows = list(csv.DictReader(f))
        ids = {r["trace_id"] for r in rows}
        if len(ids) != 1:
            return f"{d}: trace_id values {ids}"
        tid = ids.pop()
        for s in json.load(open(f"{d}/summary.json"))["summary"]["syscalls"]:
            want[(tid, s["syscall"])] = (s["calls"], s["errors"])
    got = {}
    for line in open(dbout):
        tid, name, calls, errors = line.rstrip("\n").split("\t")
        got[(tid, name)] = (int(calls), int(errors))
    if got != want:
        diff = sorted(set(got.items()) ^ set(want.items()))[:10]
        return f"{len(got)} (trace, syscall) counts from the engine, {len(want)} from analyze; differ: {diff}"
    return None


def rows(dbout, path, columns):
    with open(path, newline="") as f:
        want = [[r[c] for c in columns] for r in csv.DictReader(f)]
    with open(dbout, newline="") as f:
        got = list(csv.reader(f))
    got.sort()
    want.sort()
    if got != want:
        bad = [(g, w) for g, w in zip(got, want) if g != w][:3]
        return f"{len(got)} rows read back, {len(want)} in the file; first differences: {bad}"
    return None


def containers(dbout, d):
    def by_syscall(path):
        return collections.Counter({(s["syscall"], s["errno"]): s["count"]
                                    for s in json.load(open(path))["by_syscall"]})

    want, rest = {}, by_syscall(f"{d}/errors.json")
    totals = {c["container"]: c["errors"] for c in json.load(open(f"{d}/containers.json"))["containers"]}
    for cid in totals:
        if cid != "host":
            errs = by_syscall(f"{d}/errors.{cid}.json")
            rest -= errs
            want.update({(cid, *k): n for k, n in errs.items()})
    want.update({("", *k): n for k, n in rest.items()})
    got = {}
    for line in open(dbout):
        cid, name, errno, n = line.rstrip("\n").split("\t")
        got[(cid, name, errno)] = int(n)
    if got != want:
        diff = sorted(set(got.items()) ^ set(want.items()))[:10]
        return f"{len(got)} (container, syscall, errno) counts from the engine, {len(want)} from analyze; differ: {diff}"
    sums = collections.Counter()
    for (cid, _, _), n in got.items():
        sums[cid or "host"] += n
    if sums != collections.Counter({c: n for c, n in totals.items() if n}):
        return f"errors per container {dict(sums)}, analyze --containers {totals}"
    return None


def tree(dbout, dirs):
    want = set()
    for d in dirs:
        with open(glob.glob(f"{d}/process_*.csv")[0], newline="") as f:
            tid = {r["trace_id"] for r in csv.DictReader(f)}.pop()
        for p in json.load(open(f"{d}/tree.json"))["processes"]:
            if not p["running_at_start"]:
                want.add((tid, p["pid"], p["ppid"], p["comm"]))
    lines, stack = [], []  # stack: the (trace_id, pid) of the lines above, by depth
    for line in open(dbout):
        tid, text = line.rstrip("\n").split("\t")
        m = re.fullmatch(r"( *)(.*) (\d+) \(parent (\d+)\)", text)
        if not m or len(m[1]) % 2:
            return f"not a line of the tree: {line!r}"
        depth, pid, ppid = len(m[1]) // 2, int(m[3]), int(m[4])
        if depth > len(stack) or (depth and stack[depth - 1] != (tid, ppid)):
            return f"{text!r}: not one level below its parent's line"
        del stack[depth:]
        stack.append((tid, pid))
        lines.append((depth, tid, pid, ppid, m[2]))
    pids = {(t, p) for _, t, p, _, _ in lines}
    for depth, tid, pid, ppid, _ in lines:
        if depth == 0 and (tid, ppid) in pids:
            return f"{pid} at the top, though its parent {ppid} is a line"
    got = {(t, p, pp, c) for _, t, p, pp, c in lines}
    if got != want:
        return f"{len(got)} processes from the engine, {len(want)} from analyze --tree; differ: {sorted(got ^ want)[:10]}"
    return None


def query(comment):
    lines, on = [], False
    for line in open(f"{sys.path[0]}/../README.md"):
        on = on or line.strip().startswith(f"-- {comment}")
        if on:
            lines.append(line.removeprefix("    "))
            if line.rstrip().endswith(";"):
                print("".join(lines), end="")
                return None
    return f"README.md: no query after '-- {comment}'"


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "query":
        err = query(args[0])
    elif cmd == "summary":
        err = summary(args[0], args[1:])
    elif cmd == "rows":
        err = rows(args[0], args[1], args[2:])
    elif cmd == "containers":
        err = containers(args[0], args[1])
    else:
        err = tree(args[0], args[1:])
    if err:
        print(err)
        return 1
    return 0


sys.exit(main())
