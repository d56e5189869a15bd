# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks for the database tests (tests/db_*.sh), one per subcommand:

summary DBOUT CSVDIR...: DBOUT holds "trace_id<TAB>syscall<TAB>calls<TAB>errors"
  lines an engine counted; each CSVDIR holds one trace's csv-export --with-host
  files and summary.json, its analyze --summary --json. The counts must be
  the same, exactly, for every trace and syscall.
rows DBOUT CSV COLUMN...: DBOUT is the CSV's table read back as CSV (those
  columns, in any order); their values must equal the file's (an empty
  field read back as NULL, which the dump writes empty).
"""
import csv
import glob
import json
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


def main():
    err = summary(sys.argv[2], sys.argv[3:]) if sys.argv[1] == "summary" else \
        rows(sys.argv[2], sys.argv[3], sys.argv[4:])
    if err:
        print(err)
        return 1
    return 0


sys.exit(main())
