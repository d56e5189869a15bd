// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * The page of analyze --html (and, live, of --serve). The script reads the
 * report's JSON from the page itself and draws with SVG; it records its own
 * errors, each chart's size and the events counted on <body> (data-errors,
 * data-charts, data-events, data-rendered) so that a headless browser can
 * check the page (tests/html_report.sh, tests/serve_page.sh).
 */
#include <errno.h>
#include <string.h>

#include "html_page.h"

static const char css[] =
	"body{font:14px/1.4 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2433}\n"
	"header{background:#1d2433;color:#fff;padding:14px 24px}\n"
	"header h1{margin:0;font-size:20px;font-weight:600}\n"
	"header p{margin:4px 0 0;color:#aab3c5;font-size:13px}\n"
	"main{max-width:1200px;margin:0 auto;padding:16px 24px;display:grid;grid-template-columns:1fr 1fr;gap:16px}\n"
	"section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:14px 16px;min-width:0}\n"
	"section.wide{grid-column:1/3}\n"
	"h2{font-size:15px;margin:0 0 10px;color:#33415c}\n"
	".warn{background:#fff1f0;border:1px solid #ff4d4f;color:#a8071a;border-radius:6px;padding:8px 12px;margin:4px 0;font-weight:600}\n"
	".kv{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}\n"
	".kv div{background:#f4f5f7;border-radius:6px;padding:8px}\n"
	".kv b{display:block;font-size:18px}\n"
	".kv span{color:#5c6b87;font-size:12px}\n"
	"table{border-collapse:collapse;width:100%;font-size:13px}\n"
	"th{text-align:left;color:#5c6b87;font-weight:600;border-bottom:1px solid #dde1e8;padding:4px 6px}\n"
	"td{border-bottom:1px solid #eef0f4;padding:4px 6px;vertical-align:top}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.p{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}\n"
	"svg text{font:11px system-ui,sans-serif;fill:#33415c}\n"
	".legend span{display:inline-block;margin-right:12px;font-size:12px}\n"
	".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:middle}\n"
	"details{margin-left:14px}\n"
	"summary{cursor:pointer;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;padding:1px 0}\n"
	"summary .x{color:#5c6b87}\n"
	".leaf{margin-left:28px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;padding:1px 0}\n"
	".sev{border-radius:4px;padding:1px 6px;color:#fff;font-size:11px;font-weight:600}\n"
	".sev-critical{background:#a8071a}.sev-high{background:#d4380d}.sev-medium{background:#d48806}.sev-low{background:#389e0d}.sev-info{background:#1d39c4}\n"
	".hists{display:grid;grid-template-columns:repeat(3,1fr);gap:8px}\n"
	".muted{color:#5c6b87}\n";

static const char script[] =
	"'use strict';\n"
	"var errs = [];\n"
	"window.onerror = function (m) { errs.push(String(m)); document.body.setAttribute('data-errors', errs.join(' | ')); };\n"
	"(function () {\n"
	"var oe = console.error;\n"
	"console.error = function () { errs.push(Array.prototype.join.call(arguments, ' ')); document.body.setAttribute('data-errors', errs.join(' | ')); oe.apply(console, arguments); };\n"
	"})();\n"
	"var D = JSON.parse(document.getElementById('data').textContent);\n"
	"var NS = 'http://www.w3.org/2000/svg';\n"
	"var OPENED = {}; /* pid: its process tree node open */\n"
	"var COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#9c755f', '#ff9da7'];\n"
	"function el(tag, attrs, text) {\n"
	"\tvar e = document.createElement(tag);\n"
	"\tfor (var k in attrs || {}) e.setAttribute(k, attrs[k]);\n"
	"\tif (text !== undefined) e.textContent = text;\n"
	"\treturn e;\n"
	"}\n"
	"function sv(tag, attrs, text) {\n"
	"\tvar e = document.createElementNS(NS, tag);\n"
	"\tfor (var k in attrs || {}) e.setAttribute(k, attrs[k]);\n"
	"\tif (text !== undefined) e.textContent = text;\n"
	"\treturn e;\n"
	"}\n"
	"function num(n) {\n"
	"\tif (n >= 1e9) return (n / 1e9).toFixed(1) + 'G';\n"
	"\tif (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';\n"
	"\tif (n >= 1e4) return (n / 1e3).toFixed(1) + 'k';\n"
	"\treturn String(Math.round(n));\n"
	"}\n"
	"function dur(ns) {\n"
	"\tif (ns >= 1e9) return (ns / 1e9).toFixed(2) + ' s';\n"
	"\tif (ns >= 1e6) return (ns / 1e6).toFixed(1) + ' ms';\n"
	"\tif (ns >= 1e3) return (ns / 1e3).toFixed(1) + ' us';\n"
	"\treturn ns + ' ns';\n"
	"}\n"
	"function when(s) { return new Date(s * 1000).toISOString().replace('T', ' ').replace('Z', ' UTC'); }\n"
	"function section(title, wide) {\n"
	"\tvar s = el('section', wide ? { 'class': 'wide' } : {});\n"
	"\ts.appendChild(el('h2', {}, title));\n"
	"\tdocument.getElementById('main').appendChild(s);\n"
	"\treturn s;\n"
	"}\n"
	"function table(parent, heads, rows, numeric) {\n"
	"\tvar t = el('table'), tr = el('tr');\n"
	"\theads.forEach(function (h) { tr.appendChild(el('th', {}, h)); });\n"
	"\tt.appendChild(tr);\n"
	"\trows.forEach(function (r) {\n"
	"\t\tvar tr = el('tr');\n"
	"\t\tr.forEach(function (c, i) { tr.appendChild(el('td', { 'class': numeric[i] ? 'n' : (numeric[i] === 0 ? 'p' : '') }, c)); });\n"
	"\t\tt.appendChild(tr);\n"
	"\t});\n"
	"\tparent.appendChild(t);\n"
	"\treturn t;\n"
	"}\n"
	"function bars(parent, items, label, value, fmt) {\n"
	"\tvar w = 540, rowh = 22, lw = 150, h = Math.max(items.length, 1) * rowh + 8;\n"
	"\tvar svg = sv('svg', { 'class': 'chart', width: w, height: h, viewBox: '0 0 ' + w + ' ' + h });\n"
	"\tvar max = Math.max.apply(null, items.map(value).concat([1]));\n"
	"\titems.forEach(function (it, i) {\n"
	"\t\tvar y = 4 + i * rowh, bw = Math.max(1, (w - lw - 70) * value(it) / max);\n"
	"\t\tsvg.appendChild(sv('text', { x: lw - 6, y: y + 15, 'text-anchor': 'end' }, String(label(it)).slice(0, 24)));\n"
	"\t\tsvg.appendChild(sv('rect', { x: lw, y: y + 3, width: bw, height: rowh - 6, rx: 3, fill: COLORS[0] }));\n"
	"\t\tsvg.appendChild(sv('text', { x: lw + bw + 6, y: y + 15 }, fmt(value(it))));\n"
	"\t});\n"
	"\tif (!items.length) svg.appendChild(sv('text', { x: 10, y: 18 }, 'nothing recorded'));\n"
	"\tparent.appendChild(svg);\n"
	"}\n"
	"function summary() {\n"
	"\tvar tr = D.top.trace, s = section('Recording', true), kv = el('div', { 'class': 'kv' });\n"
	"\t(D.top.warnings || []).forEach(function (w) { s.appendChild(el('div', { 'class': 'warn' }, '\\u26a0 ' + w)); });\n"
	"\t[['host', tr.host], ['kernel', tr.kernel], ['monitors', tr.monitors], ['files', tr.nfiles],\n"
	"\t ['events', num(tr.events)], ['matched', num(tr.events_matched)], ['lost', num(tr.events_lost)],\n"
	"\t ['span', tr.last_event ? ((tr.last_event - tr.first_event).toFixed(3) + ' s') : '-']].forEach(function (p) {\n"
	"\t\tvar d = el('div'); d.appendChild(el('b', {}, String(p[1]))); d.appendChild(el('span', {}, p[0])); kv.appendChild(d);\n"
	"\t});\n"
	"\ts.appendChild(kv);\n"
	"\ts.appendChild(el('p', { 'class': 'muted' }, 'from ' + (tr.first_event ? when(tr.first_event) : '-') + ' to ' + (tr.last_event ? when(tr.last_event) : '-')));\n"
	"}\n"
	"function timeline() {\n"
	"\tvar T = D.timeline, s = section('Events per second, by category', true);\n"
	"\tvar w = 1100, h = 220, left = 50, bottom = 22, n = Math.max(T.bins.length, 1), bw = (w - left) / n;\n"
	"\tvar svg = sv('svg', { 'class': 'chart', width: w, height: h, viewBox: '0 0 ' + w + ' ' + h });\n"
	"\tvar tot = T.bins.map(function (b) { return b.reduce(function (a, c) { return a + c; }, 0) / T.bin_s; });\n"
	"\tvar max = Math.max.apply(null, tot.concat([1]));\n"
	"\tfor (var g = 0; g <= 4; g++) {\n"
	"\t\tvar gy = 10 + (h - bottom - 10) * (1 - g / 4);\n"
	"\t\tsvg.appendChild(sv('line', { x1: left, x2: w, y1: gy, y2: gy, stroke: '#eef0f4' }));\n"
	"\t\tsvg.appendChild(sv('text', { x: left - 4, y: gy + 4, 'text-anchor': 'end' }, num(max * g / 4)));\n"
	"\t}\n"
	"\tT.bins.forEach(function (b, i) {\n"
	"\t\tvar y = h - bottom;\n"
	"\t\tb.forEach(function (c, k) {\n"
	"\t\t\tif (!c) return;\n"
	"\t\t\tvar bh = (h - bottom - 10) * c / T.bin_s / max;\n"
	"\t\t\ty -= bh;\n"
	"\t\t\tsvg.appendChild(sv('rect', { x: left + i * bw, y: y, width: Math.max(bw - 0.5, 0.5), height: bh, fill: COLORS[k % COLORS.length] }));\n"
	"\t\t});\n"
	"\t});\n"
	"\tsvg.appendChild(sv('text', { x: left, y: h - 6 }, '0 s'));\n"
	"\tsvg.appendChild(sv('text', { x: w, y: h - 6, 'text-anchor': 'end' }, (n * T.bin_s).toFixed(0) + ' s (bins of ' + T.bin_s + ' s)'));\n"
	"\ts.appendChild(svg);\n"
	"\tvar lg = el('div', { 'class': 'legend' });\n"
	"\tT.series.forEach(function (name, k) {\n"
	"\t\tvar sp = el('span'); sp.appendChild(el('i', { style: 'background:' + COLORS[k % COLORS.length] })); sp.appendChild(document.createTextNode(name)); lg.appendChild(sp);\n"
	"\t});\n"
	"\ts.appendChild(lg);\n"
	"}\n"
	"function tops() {\n"
	"\tvar s = section('Top syscalls (by calls)');\n"
	"\tvar sc = (D.top.syscalls || []).slice().sort(function (a, b) { return b.calls - a.calls; });\n"
	"\tbars(s, sc, function (r) { return r.syscall; }, function (r) { return r.calls; }, num);\n"
	"\ts = section('Top processes (by syscalls)');\n"
	"\tvar pr = (D.top.processes || []).slice().sort(function (a, b) { return b.syscalls - a.syscalls; });\n"
	"\tbars(s, pr, function (r) { return r.comm + ' ' + r.pid; }, function (r) { return r.syscalls; }, num);\n"
	"}\n"
	"function latency() {\n"
	"\tvar s = section('Latency histograms (log2 microseconds)', true), g = el('div', { 'class': 'hists' });\n"
	"\t(D.latency.histograms || []).slice(0, 9).forEach(function (hi) {\n"
	"\t\tvar w = 340, h = 120, b = hi.buckets, bw = (w - 10) / Math.max(b.length, 1), max = Math.max.apply(null, b.map(function (x) { return x.count; }).concat([1]));\n"
	"\t\tvar svg = sv('svg', { 'class': 'chart', width: w, height: h + 34, viewBox: '0 0 ' + w + ' ' + (h + 34) });\n"
	"\t\tsvg.appendChild(sv('text', { x: 4, y: 12 }, hi.syscall + ': ' + num(hi.calls) + ' calls, max ' + dur(hi.max_ns)));\n"
	"\t\tb.forEach(function (x, i) {\n"
	"\t\t\tvar bh = Math.max(1, (h - 20) * x.count / max);\n"
	"\t\t\tsvg.appendChild(sv('rect', { x: 5 + i * bw, y: h - bh, width: Math.max(bw - 2, 1), height: bh, rx: 2, fill: COLORS[3] }));\n"
	"\t\t\tsvg.appendChild(sv('text', { x: 5 + i * bw + bw / 2, y: h + 12, 'text-anchor': 'middle' }, num(x.low)));\n"
	"\t\t});\n"
	"\t\tg.appendChild(svg);\n"
	"\t});\n"
	"\ts.appendChild(g);\n"
	"}\n"
	"function tree() {\n"
	"\tvar P = D.tree.processes || [], s = section('Process tree (' + P.length + ' processes)', true), LIMIT = 2000;\n"
	"\tvar stack = [s];\n"
	"\tP.slice(0, LIMIT).forEach(function (p, i) {\n"
	"\t\tvar next = P[i + 1], label = p.pid + ' ' + p.comm + '  ' + (p.argv || []).join(' ');\n"
	"\t\tvar exit = p.exit_code === null || p.exit_code === undefined ? 'running' : (p.signal ? 'signal ' + p.signal : 'exit ' + p.exit_code);\n"
	"\t\tstack.length = Math.min(stack.length, p.depth + 1);\n"
	"\t\tvar parent = stack[stack.length - 1] || s, node;\n"
	"\t\tif (next && next.depth > p.depth) {\n"
	"\t\t\t/* a redraw (--serve) keeps what the reader opened or closed */\n"
	"\t\t\tnode = el('details', (p.pid in OPENED ? OPENED[p.pid] : p.depth < 2) ? { open: '' } : {});\n"
	"\t\t\tnode.addEventListener('toggle', function (e) { OPENED[p.pid] = e.target.open; });\n"
	"\t\t\tvar sm = el('summary', {}, label.slice(0, 200) + '  ');\n"
	"\t\t\tsm.appendChild(el('span', { 'class': 'x' }, exit));\n"
	"\t\t\tnode.appendChild(sm);\n"
	"\t\t\tparent.appendChild(node);\n"
	"\t\t\tstack.push(node);\n"
	"\t\t} else {\n"
	"\t\t\tnode = el('div', { 'class': 'leaf' }, label.slice(0, 200) + '  ');\n"
	"\t\t\tnode.appendChild(el('span', { 'class': 'x' }, exit));\n"
	"\t\t\tparent.appendChild(node);\n"
	"\t\t}\n"
	"\t});\n"
	"\tif (P.length > LIMIT) s.appendChild(el('p', { 'class': 'muted' }, (P.length - LIMIT) + ' more processes not shown (analyze --tree lists them all)'));\n"
	"}\n"
	"function files() {\n"
	"\tvar s = section('Top files (by opens)', true);\n"
	"\ttable(s, ['opens', 'errors', 'time', 'path'], (D.top.files || []).map(function (f) { return [num(f.opens), num(f.errors), dur(f.time_ns), f.path]; }), [1, 1, 1, 0]);\n"
	"\ts = section('Top errors', true);\n"
	"\ttable(s, ['syscall', 'errno', 'count', 'message'], (D.top.errors || []).map(function (e) { return [e.syscall, e.errno, num(e.count), e.message]; }), [false, false, 1, false]);\n"
	"}\n"
	"function connections() {\n"
	"\tif (!D.connections) return;\n"
	"\tvar C = D.connections.connections || [], s = section('Connections', true);\n"
	"\tvar keys = C.length ? Object.keys(C[0]).filter(function (k) { return typeof C[0][k] !== 'object'; }).slice(0, 10) : [];\n"
	"\ttable(s, keys, C.slice(0, 50).map(function (c) { return keys.map(function (k) { return String(c[k]); }); }), keys.map(function () { return false; }));\n"
	"\tvar talk = {};\n"
	"\tC.forEach(function (c) { var k = (c.local_comm || c.comm || c.pid || '?'); var b = 0; for (var x in c) if (/bytes/.test(x) && typeof c[x] === 'number') b += c[x]; talk[k] = (talk[k] || 0) + b; });\n"
	"\ts = section('Top talkers (bytes)', true);\n"
	"\tbars(s, Object.keys(talk).map(function (k) { return [k, talk[k]]; }).sort(function (a, b) { return b[1] - a[1]; }).slice(0, 15), function (r) { return r[0]; }, function (r) { return r[1]; }, num);\n"
	"}\n"
	"function alerts() {\n"
	"\tvar A = D.alerts.alerts || [], c = D.alerts.counts || {}, s = section('Alerts (' + A.length + ')', true);\n"
	"\tvar p = el('p');\n"
	"\t['critical', 'high', 'medium', 'low', 'info'].forEach(function (k) { p.appendChild(el('span', { 'class': 'sev sev-' + k }, k + ' ' + (c[k] || 0))); p.appendChild(document.createTextNode(' ')); });\n"
	"\ts.appendChild(p);\n"
	"\tvar t = table(s, ['time', 'severity', 'rule', 'process', 'cgroup', 'event'], [], []);\n"
	"\tA.slice(0, 500).forEach(function (a) {\n"
	"\t\tvar tr = el('tr');\n"
	"\t\ttr.appendChild(el('td', {}, when(a.time).slice(11, 23)));\n"
	"\t\tvar td = el('td'); td.appendChild(el('span', { 'class': 'sev sev-' + a.severity }, a.severity)); tr.appendChild(td);\n"
	"\t\ttr.appendChild(el('td', { title: a.message }, a.rule));\n"
	"\t\ttr.appendChild(el('td', {}, a.comm + '[' + a.pid + ']'));\n"
	"\t\ttr.appendChild(el('td', { 'class': 'p' }, a.cgroup || '-'));\n"
	"\t\ttr.appendChild(el('td', { 'class': 'p' }, a.event));\n"
	"\t\tt.appendChild(tr);\n"
	"\t});\n"
	"\tif (A.length > 500) s.appendChild(el('p', { 'class': 'muted' }, (A.length - 500) + ' more alerts (analyze --alerts lists them all)'));\n"
	"}\n"
	"function draw() {\n"
	"\tdocument.getElementById('main').textContent = '';\n"
	"\t[summary, timeline, tops, latency, alerts, tree, files, connections].forEach(function (f) {\n"
	"\t\ttry { f(); } catch (e) { errs.push(f.name + ': ' + e); document.body.setAttribute('data-errors', errs.join(' | ')); }\n"
	"\t});\n"
	"\t/* for tests and tools: each chart's drawn size */\n"
	"\tvar sizes = [];\n"
	"\tdocument.querySelectorAll('svg.chart').forEach(function (c) { var r = c.getBoundingClientRect(); sizes.push(Math.round(r.width) + 'x' + Math.round(r.height)); });\n"
	"\tdocument.body.setAttribute('data-charts', sizes.join(' '));\n"
	"\tdocument.body.setAttribute('data-events', D.top.trace.events);\n"
	"\tdocument.body.setAttribute('data-rendered', 'ok');\n"
	"}\n"
	"draw();\n";

/*
 * analyze --serve's page: every second it fetches the data again (data, the
 * same document as the page's own) and the recording's state (state), then
 * draws in place; data-updates on <body> counts the redraws.
 */
static const char live_script[] =
	"var updates = 0;\n"
	"function state(S) {\n"
	"\tvar p = document.getElementById('state');\n"
	"\tp.textContent = '';\n"
	"\tp.appendChild(el('b', { id: 'rec-state' }, S.state + (S.rotation ? ', rotated to file ' + S.rotation : '')));\n"
	"\tp.appendChild(document.createTextNode(' \\u00b7 ' + num(S.events_per_s) + ' events/s \\u00b7 ' + num(S.events) + ' events'));\n"
	"\tif (S.lost) p.appendChild(el('b', { id: 'lost', style: 'color:#ff4d4f' }, ' \\u00b7 ' + num(S.lost) + ' events lost'));\n"
	"\tp.appendChild(el('span', { id: 'filters' }, ' \\u00b7 filters: ' + filters(S.config)));\n"
	"}\n"
	"/* rec's scope and volume settings of a CONFIG record, those in force */\n"
	"function filters(config) {\n"
	"\tvar keep = ['pids', 'comms', 'uids', 'containers', 'syscalls', 'errors_only', 'slow', 'max_rate'];\n"
	"\tif (!config) return 'as recorded';\n"
	"\treturn config.split('\\n').filter(function (l) {\n"
	"\t\tvar kv = l.split('=');\n"
	"\t\treturn keep.indexOf(kv[0]) >= 0 && kv[1] && kv[1] !== '0';\n"
	"\t}).join(' ') || 'none';\n"
	"}\n"
	"function get(path) {\n"
	"\treturn fetch(path, { cache: 'no-store' }).then(function (r) {\n"
	"\t\tif (!r.ok) throw new Error(path + ': HTTP ' + r.status);\n"
	"\t\treturn r.json();\n"
	"\t});\n"
	"}\n"
	"function tick() {\n"
	"\tPromise.all([get('data'), get('state')]).then(function (v) {\n"
	"\t\tD = v[0];\n"
	"\t\tdraw();\n"
	"\t\tstate(v[1]);\n"
	"\t\tdocument.body.setAttribute('data-updates', ++updates);\n"
	"\t}, function (e) {\n"
	"\t\tdocument.getElementById('state').textContent = 'not updated: ' + e.message;\n"
	"\t}).then(function () { setTimeout(tick, 1000); });\n"
	"}\n"
	"get('state').then(state, function () {});\n"
	"setTimeout(tick, 1000);\n";

/* Text for HTML: the five characters that could end or start markup. */
static void escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

int html_page__write(FILE *f, const char *title, const char *data, size_t len, bool live)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>", f);
	escape(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>", css);
	escape(f, title);
	fprintf(f, "</h1><p>made by analyze --%s: numbers as analyze --top, --latency, --tree, "
		"--alerts and --connections give them</p>%s</header>\n<main id=\"main\"></main>\n"
		"<script type=\"application/json\" id=\"data\">\n", live ? "serve" : "html",
		live ? "<p id=\"state\"></p>" : "");
	/* '<' can only be in a JSON string, where "\u003c" is the same
	 * character: then no path or argument can close the script element
	 * ("</script>") or put it in its double-escaped state ("<!--<script>"),
	 * which would blank the page. */
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '<')
			fputs("\\u003c", f);
		else
			fputc(data[i], f);
	}
	fprintf(f, "</script>\n<script>\n%s%s</script>\n</body>\n</html>\n", script,
		live ? live_script : "");
	if (fflush(f) || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}
