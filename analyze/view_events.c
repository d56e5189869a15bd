// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* --events: every event as it comes out of the reorder window, one line each. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "views.h"

static void *events_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
			size_t errlen)
{
	if (r->j)
		json__arr_begin(r->j, "events");
	return r; /* nothing to keep but where to write */
}

/* What decode__* writes, as a string for a JSON member. */
#define JSON_DECODED(j, key, call) \
	do { \
		char *text_ = NULL; \
		size_t len_ = 0; \
		FILE *m_ = open_memstream(&text_, &len_); \
		if (m_) { \
			call; \
			fclose(m_); \
			json__strn(j, key, text_, len_); \
		} \
		free(text_); \
	} while (0)

/* NUL-terminated strings (an argv, an envp) as a JSON array of strings. */
static void json_strv(struct json *j, const char *key, const struct tt_bytes *v)
{
	size_t i = 0;

	json__arr_begin(j, key);
	while (i < v->len) {
		size_t n = strnlen(v->data + i, v->len - i);

		json__strn(j, NULL, v->data + i, n);
		i += n + 1;
	}
	json__arr_end(j);
}

static void json_event(struct json *j, struct tape *t, const struct tt_record *rec)
{
	static const char *const types[] = {
		[TT_REC_SYSCALL] = "syscall", [TT_REC_EXEC] = "exec", [TT_REC_FORK] = "fork",
		[TT_REC_EXIT] = "exit", [TT_REC_LOSS] = "loss", [TT_REC_PACKET] = "packet",
		[TT_REC_FUNC_CALL] = "func_call", [TT_REC_FUNC_STATS] = "func_stats",
		[TT_REC_SIGNAL] = "signal",
	};
	uint64_t ts = tt_record__ts(rec);
	const struct tape_trigger *tr;
	uint32_t pid, tid;
	char buf[32];

	json__obj_begin(j, NULL);
	json__str(j, "type", types[rec->type]);
	json__double(j, "time", tape__unix_ns(t, ts) / 1e9);
	json__uint(j, "ts_ns", ts);
	if (rec->type == TT_REC_LOSS) {
		json__str(j, "monitor", tt_monitor__name(rec->loss.monitor));
		json__uint(j, "count", rec->loss.count);
		if (rec->loss.cpu != TT_CPU_ANY)
			json__uint(j, "cpu", rec->loss.cpu);
		json__uint(j, "until_ns", rec->loss.to_ts);
		json__obj_end(j);
		return;
	}
	decode__ids(rec, &pid, &tid);
	json__uint(j, "pid", pid);
	json__uint(j, "tid", tid);
	json__str(j, "comm", procs__task_comm(t->procs, pid, tid));
	switch (rec->type) {
	case TT_REC_SYSCALL: {
		const struct tt_syscall *s = &rec->syscall;
		const struct tt_str *data;

		json__uint(j, "cpu", s->cpu);
		json__str(j, "syscall", decode__syscall_name(t->st, s->nr, buf, sizeof(buf)));
		json__uint(j, "nr", s->nr);
		JSON_DECODED(j, "args", decode__args(m_, t->st, s));
		data = decode__data_str(s);
		if (data) {
			/* rec --datasize: the bytes themselves, and whether more were */
			json__strn(j, "data", data->value.data, data->value.len);
			json__bool(j, "data_truncated", data->flags & TT_STR_TRUNCATED);
		}
		if (s->flags & TT_SYSCALL_NORETURN)
			json__null(j, "ret");
		else
			json__int(j, "ret", s->ret);
		if (syscall_failed(s->ret))
			json__str(j, "errno", decode__errno_name(-s->ret, buf, sizeof(buf)));
		json__uint(j, "duration_ns", s->duration);
		break;
	}
	case TT_REC_EXEC: {
		const struct tt_exec *e = &rec->exec;

		json__strn(j, "filename", e->filename.data, e->filename.len);
		json_strv(j, "argv", &e->argv);
		json__bool(j, "argv_truncated", e->flags & TT_EXEC_ARGV_TRUNCATED);
		if (e->flags & TT_EXEC_ENVP) { /* rec --envsize */
			json_strv(j, "envp", &e->envp);
			json__bool(j, "envp_truncated", e->flags & TT_EXEC_ENVP_TRUNCATED);
			json__uint(j, "nenv", e->nenv);
		}
		json__int(j, "ret", e->ret);
		json__uint(j, "ppid", e->ppid);
		json__uint(j, "uid", e->uid);
		break;
	}
	case TT_REC_FORK:
		json__uint(j, "child_pid", rec->fork.child_pid);
		json__uint(j, "child_tid", rec->fork.child_tid);
		json__uint(j, "clone_flags", rec->fork.clone_flags);
		break;
	case TT_REC_EXIT:
		json__int(j, "exit_code", (rec->exit.status >> 8) & 0xff);
		json__int(j, "signal", rec->exit.status & 0x7f);
		json__bool(j, "group_dead", rec->exit.group_dead);
		break;
	case TT_REC_SIGNAL: {
		const struct tt_signal *g = &rec->signal;

		json__str(j, "event", g->event == TT_SIGNAL_DELIVER ? "deliver" : "generate");
		json__str(j, "signal", decode__signal_name(g->signo, buf, sizeof(buf)));
		json__int(j, "signo", g->signo);
		json__str(j, "si_code", decode__si_code(g->signo, g->code, buf, sizeof(buf)));
		JSON_DECODED(j, "siginfo", decode__siginfo(m_, g));
		if (g->event == TT_SIGNAL_DELIVER) {
			json__uint(j, "handler", g->handler); /* 0 SIG_DFL, 1 SIG_IGN */
			json__uint(j, "sa_flags", g->sa_flags);
		} else {
			json__uint(j, "target_pid", g->target_pid);
			json__uint(j, "target_tid", g->target_tid);
			json__bool(j, "group", g->group);
			json__str(j, "result", decode__signal_result(g->result));
		}
		break;
	}
	}
	JSON_DECODED(j, "text", decode__event(m_, t, rec));
	tr = tape__trigger_of(t, rec);
	if (tr) {
		char line[700];

		header__trigger_text(t, tr, line, sizeof(line));
		json__str(j, "trigger", line);
	}
	json__obj_end(j);
}

static void events_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct report *r = state;
	const struct tape_trigger *tr;
	char line[700];

	if (r->j) {
		json_event(r->j, t, rec);
		return;
	}
	decode__event(r->f, t, rec);
	/* rec --flight: the event that made the snapshot be written */
	if ((tr = tape__trigger_of(t, rec))) {
		header__trigger_text(t, tr, line, sizeof(line));
		fputs(">>> TRIGGER ", r->f);
		decode__plain(r->f, line, strlen(line));
		fputc('\n', r->f);
	}
}

static void events_report(void *state, struct tape *t, struct report *r)
{
	if (r->j)
		json__arr_end(r->j);
}

static void events_free(void *state)
{
}

const struct view view_events = {
	.name = "events",
	.streams = true,
	.new = events_new,
	.event = events_event,
	.report = events_report,
	.free = events_free,
};
