#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# analyze --format prometheus and influx (TAP): each output checked against
# its format's rules by an independent parser (promtool is not in Debian's
# small packages: the Prometheus server comes with it), and its numbers
# against --summary's.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
an=$builddir/analyze/analyze
trace=$srcdir/samples/workload.zst
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
plan=8
. "$srcdir/tests/tap.sh"
echo "1..$plan"

"$an" --summary --json "$trace" >"$tmp/summary.json"
"$an" --format prometheus "$trace" >"$tmp/m.prom" 2>"$tmp/m.err"
check "prometheus: exit 0, nothing on stderr" sh -c '[ ! -s "$1" ]' sh "$tmp/m.err"
check "prometheus: exposition format rules" python3 - "$tmp/m.prom" "$tmp/summary.json" <<'PY'
import json, re, sys
name_re = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*$')
label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')
types, helps, seen, samples = {}, set(), [], []
for no, line in enumerate(open(sys.argv[1]), 1):
    line = line.rstrip('\n')
    if line.startswith('# HELP '):
        name = line.split(' ')[2]
        assert name_re.match(name) and name not in helps, (no, line)
        helps.add(name)
        continue
    if line.startswith('# TYPE '):
        _, _, name, kind = line.split(' ')
        assert kind in ('counter', 'gauge', 'histogram', 'summary', 'untyped'), (no, line)
        assert name not in types and name in helps, (no, 'TYPE before samples, once', line)
        types[name] = kind
        continue
    m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$', line)
    assert m, (no, 'bad sample line', line)
    name, labels, value = m.groups()
    float(value)
    labs, rest = {}, labels or ''
    while rest:
        lm = label_re.match(rest)
        assert lm, (no, 'bad labels', rest)
        labs[lm.group(1)] = lm.group(2)
        rest = rest[lm.end():]
    base = re.sub(r'_(bucket|sum|count)$', '', name)
    family = base if types.get(base) == 'histogram' else name
    assert family in types, (no, 'sample before its TYPE', name)
    samples.append((name, labs, float(value)))
# histograms: cumulative buckets ending in +Inf equal to _count
hist = {}
for name, labs, v in samples:
    if name.endswith('_bucket'):
        hist.setdefault(labs['syscall'], []).append((labs['le'], v))
counts = {l['syscall']: v for n, l, v in samples if n == 'tracetape_syscall_duration_seconds_count'}
assert hist, 'no histogram'
for sc, b in hist.items():
    assert b[-1][0] == '+Inf' and b[-1][1] == counts[sc], (sc, b)
    vals = [v for _, v in b]
    assert vals == sorted(vals), ('not cumulative', sc, b)
    les = [float(le) for le, _ in b[:-1]]
    assert les == sorted(les), ('le not increasing', sc)
# the counts agree with --summary
summ = json.load(open(sys.argv[2]))
def rows(o):
    if isinstance(o, dict):
        if 'syscall' in o and 'calls' in o:
            yield o
        for v in o.values():
            yield from rows(v)
    elif isinstance(o, list):
        for v in o:
            yield from rows(v)
want = {r['syscall']: r['calls'] for r in rows(summ) if r['syscall'] != 'total'}
got = {}
for name, labs, v in samples:
    if name == 'tracetape_syscalls_total':
        got[labs['syscall']] = got.get(labs['syscall'], 0) + v
assert want and got == want, (got, want)
assert any(n == 'tracetape_lost_events_total' for n, _, _ in samples)
assert any(n == 'tracetape_syscall_errors_total' and l['errno'] == 'ENOENT' for n, l, _ in samples)
PY

"$an" --format influx "$trace" >"$tmp/m.lp" 2>"$tmp/i.err"
check "influx: exit 0, nothing on stderr" sh -c '[ ! -s "$1" ]' sh "$tmp/i.err"
check "influx: line protocol rules, counts agree with --summary" python3 - "$tmp/m.lp" "$tmp/summary.json" <<'PY'
import json, re, sys
def split_unescaped(s, sep):
    out, cur, i = [], '', 0
    while i < len(s):
        if s[i] == '\\' and i + 1 < len(s):
            cur += s[i:i+2]; i += 2; continue
        if s[i] == sep:
            out.append(cur); cur = ''; i += 1; continue
        cur += s[i]; i += 1
    out.append(cur)
    return out
def unescape(s):
    return re.sub(r'\\(.)', r'\1', s)
got, prev = {}, 0
for no, line in enumerate(open(sys.argv[1]), 1):
    line = line.rstrip('\n')
    # measurement+tags, fields, timestamp: split on unescaped spaces outside quotes
    parts, cur, q, i = [], '', False, 0
    while i < len(line):
        c = line[i]
        if c == '\\' and i + 1 < len(line):
            cur += line[i:i+2]; i += 2; continue
        if c == '"':
            q = not q
        if c == ' ' and not q:
            parts.append(cur); cur = ''; i += 1; continue
        cur += c; i += 1
    parts.append(cur)
    assert len(parts) == 3, (no, line)
    head, fields, ts = parts
    assert re.match(r'^\d{19}$', ts), (no, 'ns timestamp', ts)
    assert int(ts) % 1000000000 == 0, (no, 'per-second points')
    tags = split_unescaped(head, ',')
    meas = unescape(tags[0])
    t = {}
    for kv in tags[1:]:
        k, v = split_unescaped(kv, '=')
        assert k and v, (no, 'empty tag', kv)
        t[unescape(k)] = unescape(v)
    f = {}
    for kv in re.findall(r'([^,=]+)=("(?:[^"\\]|\\.)*"|[^,]+)', fields):
        k, v = kv
        if v.startswith('"'):
            f[k] = v[1:-1].replace('\\"', '"').replace('\\\\', '\\')
        else:
            assert re.match(r'^-?\d+i$', v), (no, 'integer field', v)
            f[k] = int(v[:-1])
    assert f, (no, 'no fields')
    if meas == 'syscalls':
        assert int(ts) >= prev, (no, 'time order')
        prev = int(ts)
        got[t['syscall']] = got.get(t['syscall'], 0) + f['count']
    elif meas == 'errors':
        assert isinstance(f['message'], str) and t['errno'].startswith('E')
    else:
        assert meas == 'lost', (no, meas)
summ = json.load(open(sys.argv[2]))
def rows(o):
    if isinstance(o, dict):
        if 'syscall' in o and 'calls' in o:
            yield o
        for v in o.values():
            yield from rows(v)
    elif isinstance(o, list):
        for v in o:
            yield from rows(v)
want = {r['syscall']: r['calls'] for r in rows(summ) if r['syscall'] != 'total'}
assert want and got == want, (got, want)
PY
"$an" --format influx --json "$trace" >/dev/null 2>"$tmp/u.err"
check "--format with --json: usage error (2)" sh -c '[ $? -eq 0 ] && [ "$1" = 2 ]' sh "$(
	"$an" --format influx --json "$trace" >/dev/null 2>&1; echo $?)"
check "--format bogus: usage error naming it" sh -c '"$1" --format bogus "$2" 2>&1 >/dev/null | grep -q "bogus" && { "$1" --format bogus "$2" >/dev/null 2>&1; [ $? -eq 2 ]; }' sh "$an" "$trace"

# Names a traced process chose (escape sequences, bytes that are not
# UTF-8): both outputs stay valid UTF-8 without control bytes, each name's
# bytes escaped (\xHH, \\) inside the format's own escaping.
hostile=$tmp/hostile.zst
"$builddir/tests/hostile/mktrace" "$hostile" "$tmp/marker" >/dev/null 2>&1
"$an" --format prometheus "$hostile" >"$tmp/h.prom" 2>/dev/null
check "prometheus, hostile names: valid UTF-8, no control byte, labels well-formed" python3 - "$tmp/h.prom" <<'PY'
import re, sys
text = open(sys.argv[1], 'rb').read().decode('utf-8')
assert not re.search(r'[\x00-\x09\x0b-\x1f\x7f]', text), 'a control byte'
label_re = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)')
comms = set()
for line in text.splitlines():
    if line.startswith('#'):
        continue
    m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$', line)
    assert m, ('bad sample line', line)
    rest = m.group(2) or ''
    while rest:
        lm = label_re.match(rest)
        assert lm, ('bad labels', rest)
        if lm.group(1) == 'comm':
            comms.add(lm.group(2))
        rest = rest[lm.end():]
assert '\\\\x1b[2Jx' in comms, comms  # ESC as \x1b, its backslash escaped
PY
"$an" --format influx "$hostile" >"$tmp/h.lp" 2>/dev/null
check "influx, hostile names: valid UTF-8, no control byte, three parts a line" python3 - "$tmp/h.lp" <<'PY'
import re, sys
text = open(sys.argv[1], 'rb').read().decode('utf-8')
assert not re.search(r'[\x00-\x09\x0b-\x1f\x7f]', text), 'a control byte'
assert text and all(len(re.findall(r'(?<!\\) (?=(?:[^"]*"[^"]*")*[^"]*$)', l)) == 2 for l in text.splitlines()), text
assert 'comm=\\x1b[2Jx' in text, text
PY
