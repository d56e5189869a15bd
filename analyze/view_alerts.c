// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* --alerts: one line per event a rule matches, as the events come (time order). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "container.h"
#include "decode.h"
#include "human.h"
#include "log.h"
#include "views.h"

#define EXIT_ALERTS 3 /* --fail-on: an alert of at least that severity fired */

struct alerts {
	struct alert_rules rules;
	struct alert_state state;
	struct report *r;
	uint64_t fired[SEV__COUNT];
	alert_sink *sink; /* view_alerts__set_sink */
	void *sink_ctx;
};

void view_alerts__set_sink(void *state, alert_sink *sink, void *ctx)
{
	struct alerts *s = state;

	s->sink = sink;
	s->sink_ctx = ctx;
}

static void *alerts_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
			size_t errlen)
{
	struct alerts *s = calloc(1, sizeof(*s));
	int ret = -ENOMEM;

	if (!s || (ret = alert_rules__builtin(&s->rules, t->st)) || (ret = tape__track_fds(t))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (o->rules_path && (ret = alert_rules__load(&s->rules, o->rules_path, t->st, err, errlen)))
		goto fail;
	s->r = r;
	alert_state__of_tape(&s->state, t);
	if (r->j)
		json__arr_begin(r->j, "alerts");
	return s;
fail:
	if (s)
		alert_rules__free(&s->rules);
	free(s);
	errno = -ret;
	return NULL;
}

/* The event without its time and process, which the alert line has apart. */
static void event_text(FILE *f, struct tape *t, const struct tt_record *rec)
{
	if (rec->type == TT_REC_SYSCALL)
		decode__syscall_in(f, t, &rec->syscall);
	else
		decode__process_event(f, t, rec);
}

static void alert_json(struct json *j, struct tape *t, const struct alert_state *as,
		       const struct alert_rule *rule,
		       const struct tt_record *rec, uint32_t pid, uint32_t tid, const char *cgroup)
{
	uint64_t ts = tt_record__ts(rec);
	struct container c;
	char buf[4200];
	const char *note;
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	json__obj_begin(j, NULL);
	json__double(j, "time", tape__unix_ns(t, ts) / 1e9);
	json__uint(j, "ts_ns", ts);
	json__str(j, "severity", alert_severity__name(rule->severity));
	json__str(j, "rule", rule->id);
	json__str(j, "message", rule->message);
	json__uint(j, "pid", pid);
	json__uint(j, "tid", tid);
	if (rec->type == TT_REC_EXEC) /* a trace's bytes: no NUL if 16 long */
		json__strn(j, "comm", rec->exec.comm, strnlen(rec->exec.comm, TT_COMM_SIZE));
	else
		json__str(j, "comm", procs__task_comm(t->procs, pid, tid));
	if (cgroup)
		json__str(j, "cgroup", cgroup);
	else
		json__null(j, "cgroup");
	json__bool(j, "container", container__path_is_container(cgroup));
	if (cgroup && !container__from_path(cgroup, &c))
		json__str(j, "container_id", c.id);
	else
		json__null(j, "container_id");
	m = open_memstream(&text, &len);
	if (m) {
		event_text(m, t, rec);
		fclose(m);
		json__strn(j, "event", text, len);
	}
	note = alerts__path_note(as, rec, buf, sizeof(buf));
	if (*note)
		json__str(j, "path_note", note + 1);
	free(text);
	json__obj_end(j);
}

static void alert_line(FILE *f, struct tape *t, const struct alert_state *as,
		       const struct alert_rule *rule,
		       const struct tt_record *rec, uint32_t pid, uint32_t tid, const char *cgroup)
{
	char when[32], id[CONTAINER_ID_SIZE];
	const char *comm = procs__task_comm(t->procs, pid, tid);
	struct container c;
	char buf[4200];
	const char *note;

	human__time(when, sizeof(when), tape__unix_ns(t, tt_record__ts(rec)), HUMAN_TIME_CLOCK,
		    t->utc);
	fprintf(f, "%s %-8s %s ", when, alert_severity__name(rule->severity), rule->id);
	/* the traced process chose its name, and a runtime its cgroup's */
	decode__plain(f, comm, strlen(comm));
	fprintf(f, "[%u/%u] ", pid, tid);
	/* A container by its id (as docker ps shows it), anything else by its
	 * cgroup path. */
	if (container__path_is_container(cgroup) && !container__from_path(cgroup, &c)) {
		container__short_id(&c, id, sizeof(id));
		fprintf(f, "%s:", c.runtime);
		decode__plain(f, id, strlen(id));
	} else {
		decode__plain(f, cgroup ? cgroup : "-", cgroup ? strlen(cgroup) : 1);
	}
	fputc(' ', f);
	event_text(f, t, rec);
	fprintf(f, " -- %s", rule->message);
	note = alerts__path_note(as, rec, buf, sizeof(buf));
	decode__plain(f, note, strlen(note));
	fputc('\n', f);
}

/* One alert as a JSON document of its own, to the sink. */
static void alert_to_sink(struct alerts *s, struct tape *t, const struct alert_rule *rule,
			  const struct tt_record *rec, uint32_t pid, uint32_t tid, const char *cgroup)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	struct json j;

	if (!m)
		return;
	json__init(&j, m);
	alert_json(&j, t, &s->state, rule, rec, pid, tid, cgroup);
	if (!fclose(m))
		s->sink(s->sink_ctx, text, len);
	free(text);
}

static void alerts_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct alerts *s = state;
	uint32_t pid, tid;

	if (rec->type != TT_REC_SYSCALL && rec->type != TT_REC_EXEC && rec->type != TT_REC_SIGNAL)
		return;
	decode__ids(rec, &pid, &tid);
	for (int i = 0; i < s->rules.n; i++) {
		const struct alert_rule *rule = &s->rules.rules[i];
		const char *cgroup;

		if (!alert_rule__match(rule, &s->state, rec))
			continue;
		cgroup = alerts__cgroup(&s->state, pid,
					rec->type == TT_REC_EXEC ? rec->exec.cgroup_id : 0);
		s->fired[rule->severity]++;
		if (s->sink)
			alert_to_sink(s, t, rule, rec, pid, tid, cgroup);
		else if (s->r->j)
			alert_json(s->r->j, t, &s->state, rule, rec, pid, tid, cgroup);
		else
			alert_line(s->r->f, t, &s->state, rule, rec, pid, tid, cgroup);
	}
}

static void alerts_report(void *state, struct tape *t, struct report *r)
{
	struct alerts *s = state;
	uint64_t total = 0;

	if (r->j) {
		json__arr_end(r->j);
		if (t->ntriggers_seen)
			header__triggers_json(t, r->j);
		json__obj_begin(r->j, "counts");
		for (int i = 0; i < SEV__COUNT; i++)
			json__uint(r->j, alert_severity__name(i), s->fired[i]);
		json__obj_end(r->j);
		return;
	}
	for (int i = 0; i < SEV__COUNT; i++)
		total += s->fired[i];
	/* rec --flight: why each snapshot was written */
	for (int i = 0; i < t->ntriggers; i++) {
		char line[700];

		header__trigger_text(t, &t->triggers[i], line, sizeof(line));
		fputs("TRIGGER ", r->f);
		decode__plain(r->f, line, strlen(line));
		fputc('\n', r->f);
	}
	pr_warn("%llu alert%s (critical %llu, high %llu, medium %llu, low %llu, info %llu)",
		(unsigned long long)total, total == 1 ? "" : "s",
		(unsigned long long)s->fired[SEV_CRITICAL], (unsigned long long)s->fired[SEV_HIGH],
		(unsigned long long)s->fired[SEV_MEDIUM], (unsigned long long)s->fired[SEV_LOW],
		(unsigned long long)s->fired[SEV_INFO]);
}

static int alerts_status(void *state, const struct view_opts *o)
{
	struct alerts *s = state;

	for (int i = o->fail_on; i >= 0 && i < SEV__COUNT; i++)
		if (s->fired[i])
			return EXIT_ALERTS;
	return 0;
}

static void alerts_free(void *state)
{
	struct alerts *s = state;

	if (!s)
		return;
	alert_rules__free(&s->rules);
	free(s);
}

const struct view view_alerts = {
	.name = "alerts",
	.streams = true,
	.new = alerts_new,
	.event = alerts_event,
	.report = alerts_report,
	.free = alerts_free,
	.status = alerts_status,
};
