// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* What was recorded, and what is missing from it, on top of every view. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "decode.h"
#include "human.h"
#include "log.h"
#include "views.h"

#define WARN_MAX 16

struct warnings {
	char text[WARN_MAX][512];
	int n;
};

static void plain(FILE *f, const char *s)
{
	decode__plain(f, s, strlen(s));
}

static void add_warning(struct warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_warning(struct warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n == WARN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(w->text[w->n++], sizeof(w->text[0]), fmt, ap);
	va_end(ap);
}

/* Holes in the CPUs' batch numbers: each is a batch of syscall events that
 * did not reach the file (LOSS records count its events, when rec knew). */
static void missing_batches(struct tape *t, struct warnings *w)
{
	uint64_t missing = tape__batches_missing(t, -1);
	char line[512];
	size_t used;

	if (!missing)
		return;
	used = snprintf(line, sizeof(line), "%llu batch%s of events MISSING from their "
			"CPU's numbers (", (unsigned long long)missing, missing == 1 ? "" : "es");
	for (uint32_t cpu = 0, k = 0; cpu < t->info.ncpus && used < sizeof(line); cpu++) {
		uint64_t n = tape__batches_missing(t, cpu);

		if (n)
			used += snprintf(line + used, sizeof(line) - used, "%scpu %u: %llu",
					 k++ ? ", " : "", cpu, (unsigned long long)n);
	}
	if (used < sizeof(line))
		snprintf(line + used, sizeof(line) - used, ")");
	add_warning(w, "%s", line);
}

static void collect(struct tape *t, struct warnings *w)
{
	uint64_t lost = 0;
	char files[400];
	int ntrunc;

	memset(w, 0, sizeof(*w));
	for (int m = 0; m < TT_MONITOR__COUNT; m++)
		lost += t->lost_events[m];
	if (lost) {
		char line[512];
		size_t used;

		used = snprintf(line, sizeof(line), "%llu events LOST (",
				(unsigned long long)lost);
		for (int m = 0, k = 0; m < TT_MONITOR__COUNT; m++)
			if (t->lost_events[m] && used < sizeof(line))
				used += snprintf(line + used, sizeof(line) - used, "%s%s %llu",
						 k++ ? ", " : "", tt_monitor__name(m),
						 (unsigned long long)t->lost_events[m]);
		if (used < sizeof(line))
			snprintf(line + used, sizeof(line) - used, ") in %d window%s:", t->nlosses,
				 t->nlosses == 1 ? "" : "s");
		add_warning(w, "%s", line);
		for (int i = 0; i < t->nloss_windows; i++) {
			const struct tape_loss *l = &t->loss_windows[i];
			char cpu[16] = "any cpu";

			if (l->cpu != TT_CPU_ANY)
				snprintf(cpu, sizeof(cpu), "cpu %u", l->cpu);
			add_warning(w, "  %llu %s events on %s from +%.3f s to +%.3f s",
				    (unsigned long long)l->count, tt_monitor__name(l->monitor), cpu,
				    tape__offset(t, l->from_ts), tape__offset(t, l->to_ts));
		}
		if (t->nlosses > t->nloss_windows)
			add_warning(w, "  (and %d more windows)", t->nlosses - t->nloss_windows);
	}
	missing_batches(t, w);
	ntrunc = tape__truncated(t, files, sizeof(files));
	if (ntrunc)
		add_warning(w, "TRUNCATED: %s ended without its trailer (recorder killed or "
			    "file cut short): events after its last complete chunk are missing",
			    files);
}

#define VOLUME_MAX_SYSCALLS 8 /* syscalls named in the --max-rate lines */

/* 600000 as "600,000": counts that must read exactly. */
static const char *grouped(uint64_t n, char *buf, size_t size)
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	size_t o = 0;

	for (int i = 0; i < len && o + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = 0;
	return buf;
}

struct sampled_row {
	uint16_t nr;
	bool compat;
	uint64_t left_out, recorded;
};

static int cmp_left_out(const void *a, const void *b)
{
	const struct sampled_row *x = a, *y = b;

	return x->left_out < y->left_out ? 1 : x->left_out > y->left_out ? -1 : x->nr - y->nr;
}

/* The syscalls --max-rate left calls out of, most first; caller frees. */
static struct sampled_row *sampled_rows(struct tape *t, size_t *n)
{
	struct sampled_row *rows = calloc(2 * SYSCALL_MAX_NR, sizeof(*rows));

	*n = 0;
	for (int slot = 0; rows && slot < 2 * SYSCALL_MAX_NR; slot++) {
		struct sampled_row *r = &rows[*n];

		r->nr = slot % SYSCALL_MAX_NR;
		r->compat = slot >= SYSCALL_MAX_NR;
		r->left_out = tape__sampled(t, r->nr, r->compat, &r->recorded);
		if (r->left_out)
			(*n)++;
	}
	if (rows)
		qsort(rows, *n, sizeof(*rows), cmp_left_out);
	return rows;
}

static const char *sampled_label(struct tape *t, const struct sampled_row *r, char *buf,
				 size_t size)
{
	if (!r->compat)
		return decode__syscall_label(t, r->nr);
	snprintf(buf, size, "32-bit syscall %u", r->nr);
	return buf;
}

/* "getppid 1 in 7 recorded (600,000 left out)" */
static void sampled_text(struct tape *t, const struct sampled_row *r, char *line, size_t size)
{
	double total = (double)r->recorded + (double)r->left_out;
	char buf[32], left[32];
	const char *name = sampled_label(t, r, buf, sizeof(buf));

	grouped(r->left_out, left, sizeof(left));
	if (!r->recorded)
		snprintf(line, size, "%s none of %s recorded", name, left);
	else
		snprintf(line, size, "%s 1 in %.*f recorded (%s left out)", name,
			 total / r->recorded < 10 ? 1 : 0, total / r->recorded, left);
}

/* A line of what rec left out by design: "Volume" (a filter), "Sampled"
 * (--max-rate), or "" for the next syscall of --max-rate. */
struct volume_line {
	const char *tag;
	char text[320]; /* the thresholds (256) and their words */
};

/* rec --errors-only, --slow, --max-rate: the lines that say so; returns how many. */
static int volume_lines(struct tape *t, struct volume_line *lines, int max)
{
	const struct tape_volume *v = &t->info.volume;
	struct sampled_row *rows;
	size_t nrows;
	int n = 0;

	if (v->errors_only && n < max) {
		lines[n].tag = "Volume";
		snprintf(lines[n++].text, sizeof(lines->text), "--errors-only: only failed syscalls recorded");
	}
	if (v->slow && n < max) {
		lines[n].tag = "Volume";
		snprintf(lines[n++].text, sizeof(lines->text), "--slow: only syscalls over %s", v->thresholds);
	}
	if (!v->max_rate && !t->sampled_events)
		return n;
	rows = sampled_rows(t, &nrows);
	for (size_t i = 0; rows && i < nrows && n < max; i++) {
		struct volume_line *l = &lines[n++];
		size_t used = 0;

		l->tag = i ? "" : "Sampled";
		if (!i)
			used = snprintf(l->text, sizeof(l->text), "--max-rate %llu/s per CPU: ",
					(unsigned long long)v->max_rate);
		if (i == VOLUME_MAX_SYSCALLS) {
			uint64_t rest = 0;
			char count[32];

			for (size_t k = i; k < nrows; k++)
				rest += rows[k].left_out;
			snprintf(l->text, sizeof(l->text), "and %zu more syscalls (%s left out)",
				 nrows - i, grouped(rest, count, sizeof(count)));
			break;
		}
		sampled_text(t, &rows[i], l->text + used, sizeof(l->text) - used);
	}
	if (rows && !nrows && n < max) { /* a header that says the rate, no call over it */
		lines[n].tag = "Sampled";
		snprintf(lines[n++].text, sizeof(lines->text),
			 "--max-rate %llu/s per CPU: no syscall went over it",
			 (unsigned long long)v->max_rate);
	}
	free(rows);
	return n;
}

/* A streaming view shows events, not the header: the lines go to stderr,
 * as its warnings do, so that what it shows is not taken for every call. */
static void volume_warn(struct tape *t)
{
	struct volume_line vol[WARN_MAX];
	int n = volume_lines(t, vol, WARN_MAX);

	for (int i = 0; i < n; i++)
		pr_warn("%s%s%s", *vol[i].tag ? "note: " : "      ", *vol[i].tag ? "" : "  ",
			vol[i].text);
}

static void volume_json(struct tape *t, struct json *j)
{
	const struct tape_volume *v = &t->info.volume;
	struct sampled_row *rows;
	char name[32];
	size_t nrows;

	if (!v->errors_only && !v->slow && !v->max_rate && !t->sampled_events)
		return;
	json__obj_begin(j, "volume");
	json__bool(j, "errors_only", v->errors_only);
	json__bool(j, "slow", v->slow);
	if (v->slow)
		json__str(j, "slow_thresholds", v->thresholds);
	json__uint(j, "max_rate", v->max_rate);
	json__uint(j, "events_sampled", t->sampled_events);
	json__arr_begin(j, "sampled");
	rows = sampled_rows(t, &nrows);
	for (size_t i = 0; rows && i < nrows; i++) {
		json__obj_begin(j, NULL);
		json__str(j, "syscall", sampled_label(t, &rows[i], name, sizeof(name)));
		json__uint(j, "nr", rows[i].nr);
		json__bool(j, "compat", rows[i].compat);
		json__uint(j, "recorded", rows[i].recorded);
		json__uint(j, "left_out", rows[i].left_out);
		json__obj_end(j);
	}
	free(rows);
	json__arr_end(j);
	json__obj_end(j);
}

void header__warn(struct tape *t)
{
	struct warnings w;

	volume_warn(t);
	collect(t, &w);
	for (int i = 0; i < w.n; i++) {
		char *text = decode__plain_dup(w.text[i]); /* it names files */

		pr_warn("WARNING: %s", text ? text : "(out of memory)");
		free(text);
	}
}

static void monitors_text(uint32_t monitors, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	for (int m = 0; m < TT_MONITOR__COUNT && used < size; m++)
		if (monitors & (1u << m))
			used += snprintf(buf + used, size - used, "%s%s", used ? "," : "",
					 tt_monitor__name(m));
}

/* rec --flight: "snapshot 1: rule unshare-namespace (medium) at 12:00:01.250
 * by unshare[42/42]: unshare of namespaces: ..." */
void header__trigger_text(struct tape *t, const struct tape_trigger *tr, char *line, size_t size)
{
	char what[320], when[64];
	size_t used;

	human__time(when, sizeof(when), tape__unix_ns(t, tr->t.ts), HUMAN_TIME_MS, t->utc);
	used = snprintf(line, size, "snapshot %u: %s at %s", tr->t.snapshot,
			alerts__trigger_what(&tr->t, what, sizeof(what)), when);
	if (tr->t.event_type && used < size)
		used += snprintf(line + used, size - used, " by %.*s[%u/%u]", TT_COMM_SIZE,
				 tr->t.comm, tr->t.pid, tr->t.tid);
	if (tr->t.kind == TT_TRIGGER_RULE && used < size)
		snprintf(line + used, size - used, ": %s", tr->message);
}

void header__triggers_json(struct tape *t, struct json *j)
{
	char what[320];

	json__arr_begin(j, "triggers");
	for (int i = 0; i < t->ntriggers; i++) {
		const struct tape_trigger *tr = &t->triggers[i];
		static const char *const kinds[] = { "?", "signal", "rule", "command", "exit" };

		json__obj_begin(j, NULL);
		json__uint(j, "snapshot", tr->t.snapshot);
		json__str(j, "kind", kinds[tr->t.kind < 5 ? tr->t.kind : 0]);
		json__double(j, "time", tape__unix_ns(t, tr->t.ts) / 1e9);
		json__str(j, "what", alerts__trigger_what(&tr->t, what, sizeof(what)));
		if (tr->t.kind == TT_TRIGGER_RULE) {
			json__str(j, "rule", tr->rule);
			json__str(j, "severity", alert_severity__name(tr->t.severity));
		}
		json__str(j, "message", tr->message);
		if (tr->t.event_type) {
			json__uint(j, "pid", tr->t.pid);
			json__uint(j, "tid", tr->t.tid);
			json__strn(j, "comm", tr->t.comm, strnlen(tr->t.comm, TT_COMM_SIZE));
			json__uint(j, "event_ts_ns", tr->t.event_ts);
		}
		json__obj_end(j);
	}
	json__arr_end(j);
	json__uint(j, "triggers_total", t->ntriggers_seen);
}

static void report_json(struct tape *t, char *const *paths, int npaths,
			const struct warnings *w, struct json *j)
{
	uint64_t lost = 0;
	char mon[64];

	for (int m = 0; m < TT_MONITOR__COUNT; m++) /* every monitor's, packets' too */
		lost += t->lost_events[m];
	json__obj_begin(j, "trace");
	json__arr_begin(j, "files");
	for (int i = 0; i < npaths; i++)
		json__str(j, NULL, paths[i]);
	json__arr_end(j);
	json__int(j, "nfiles", t->info.nfiles);
	json__str(j, "host", t->info.host);
	json__str(j, "kernel", t->info.kernel);
	json__str(j, "machine", t->info.machine);
	json__str(j, "recorder", t->info.tool_version);
	json__uint(j, "ncpus", t->info.ncpus);
	monitors_text(t->info.monitors, mon, sizeof(mon));
	json__str(j, "monitors", mon);
	json__double(j, "start", tape__unix_ns(t, t->info.start_ns) / 1e9);
	json__double(j, "first_event", t->events ? tape__unix_ns(t, t->first_ts) / 1e9 : 0);
	json__double(j, "last_event", t->events ? tape__unix_ns(t, t->last_ts) / 1e9 : 0);
	json__uint(j, "events", t->events);
	json__uint(j, "events_matched", t->matched);
	json__uint(j, "events_lost", lost);
	json__uint(j, "batches_missing", tape__batches_missing(t, -1));
	volume_json(t, j);
	if (t->ntriggers_seen)
		header__triggers_json(t, j);
	json__obj_end(j);
	json__arr_begin(j, "warnings");
	for (int i = 0; i < w->n; i++)
		json__str(j, NULL, w->text[i]);
	json__arr_end(j);
}

void header__report(struct tape *t, char *const *paths, int npaths, struct report *r)
{
	char a[64], b[64], span[32], mon[64];
	struct volume_line vol[WARN_MAX];
	struct warnings w;
	FILE *f = r->f;
	int nvol;

	collect(t, &w);
	if (r->j) {
		report_json(t, paths, npaths, &w, r->j);
		return;
	}
	/* file names and the recording host's names, escaped (decode__plain) */
	fputs("Trace:    ", f);
	plain(f, paths[0]);
	if (npaths > 1)
		fprintf(f, " (+%d more)", npaths - 1);
	fprintf(f, ", %d file%s, recorded by ", t->info.nfiles, t->info.nfiles == 1 ? "" : "s");
	plain(f, t->info.tool_version);
	fputs("\nHost:     ", f);
	plain(f, t->info.host);
	fputs(", Linux ", f);
	plain(f, t->info.kernel);
	fputc(' ', f);
	plain(f, t->info.machine);
	fprintf(f, ", %u CPUs\n", t->info.ncpus);
	if (t->events) {
		human__time(a, sizeof(a), tape__unix_ns(t, t->first_ts), HUMAN_TIME_MS, t->utc);
		human__time(b, sizeof(b), tape__unix_ns(t, t->last_ts), HUMAN_TIME_MS, t->utc);
		human__duration(span, sizeof(span), t->last_ts - t->first_ts);
		fprintf(f, "Span:     %s to %s (%s)\n", a, b + (strncmp(a, b, 11) ? 0 : 11), span);
	}
	if (t->end.signal || t->end.reason == TT_CLOSE_CUT) {
		char sig[32];

		fprintf(f, "Ended:    by %s%s\n",
			t->end.signal ? decode__signal_name(t->end.signal, sig, sizeof(sig)) : "a signal",
			t->end.reason == TT_CLOSE_CUT ? ", then cut by a second one before the command exited"
						      : "");
	}
	monitors_text(t->info.monitors, mon, sizeof(mon));
	fprintf(f, "Monitors: %s\n", mon[0] ? mon : "none");
	fprintf(f, "Events:   %llu", (unsigned long long)t->events);
	if (t->matched != t->events)
		fprintf(f, " (%llu after filters)", (unsigned long long)t->matched);
	fputc('\n', f);
	for (int i = 0; i < t->ntriggers; i++) {
		char line[700];

		header__trigger_text(t, &t->triggers[i], line, sizeof(line));
		fputs("Trigger:  ", f);
		plain(f, line);
		fputc('\n', f);
	}
	if (t->ntriggers_seen > t->ntriggers)
		fprintf(f, "Trigger:  and %d more\n", t->ntriggers_seen - t->ntriggers);
	nvol = volume_lines(t, vol, WARN_MAX);
	for (int i = 0; i < nvol; i++) {
		fprintf(f, "%s%-*s", vol[i].tag, 10 - (int)strlen(vol[i].tag), *vol[i].tag ? ":" : "");
		plain(f, vol[i].text);
		fputc('\n', f);
	}
	for (int i = 0; i < w.n; i++) {
		fputs(i && w.text[i][0] == ' ' ? "!!!         " : "!!! WARNING: ", f);
		plain(f, w.text[i] + (i && w.text[i][0] == ' ' ? 2 : 0));
		fputc('\n', f);
	}
}
