// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "decode.h"
#include "decode_args.h"
#include "fdtable.h"
#include "utf8.h"
#include "human.h"
#include "tape.h"

/*
 * How a syscall's arguments are shown is its signature in the syscall table
 * (common/syscall_rows.c), one letter each: put_arg() shows descriptors,
 * plain numbers, strings, sockaddrs and pointers, and decode_args.c the
 * numbers with names (flags, commands, signals).
 */

const char *decode__errno_name(int err, char *buf, size_t size)
{
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, size, "E%d", err);
	return buf;
}

const char *decode__syscall_name(const struct syscall_table *st, int nr, char *buf, size_t size)
{
	const char *name = syscall_table__name(st, nr);

	if (name)
		return name;
	snprintf(buf, size, "syscall_%d", nr);
	return buf;
}

const char *decode__syscall_label(const struct tape *t, int nr)
{
	/* per thread: analyze --serve reads tapes in several at once */
	static __thread char bufs[4][32];
	static __thread int k;

	k = (k + 1) % 4;
	return decode__syscall_name(t->st, nr, bufs[k], sizeof(bufs[k]));
}

const char *decode__signal_name(int sig, char *buf, size_t size)
{
	const char *name = decode_args__signal_name(sig, buf, size);

	if (!name)
		snprintf(buf, size, "SIG%d", sig);
	else if (name != buf)
		snprintf(buf, size, "%s", name);
	return buf;
}

bool decode__needs_escape(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0, n; i < len; i += n)
		if (!(n = utf8__printable_len(u + i, len - i)))
			return true;
	return false;
}

void decode__plain(FILE *f, const char *s, size_t len)
{
	utf8__put_terminal(f, s, len, "");
}

const char *decode__plain_to(const char *s, size_t len, char *buf, size_t size)
{
	FILE *f = size ? fmemopen(buf, size, "w") : NULL;

	if (!f) {
		if (size)
			buf[0] = 0;
		return buf;
	}
	decode__plain(f, s, len);
	fclose(f); /* fmemopen ends it with a NUL, cut if need be */
	buf[size - 1] = 0;
	return buf;
}

char *decode__plain_dup(const char *s)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	if (!f)
		return NULL;
	decode__plain(f, s, strlen(s));
	if (fclose(f)) {
		free(out);
		return NULL;
	}
	return out;
}

void decode__quoted(FILE *f, const char *s, size_t len, bool truncated)
{
	const unsigned char *u = (const unsigned char *)s;

	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];

		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\v': fputs("\\v", f); break;
		default:
			if (c >= ' ' && c <= '~') {
				fputc(c, f);
			} else if (i + 1 < len && u[i + 1] >= '0' && u[i + 1] <= '7') {
				/* An octal digit follows: three digits keep it apart. */
				fprintf(f, "\\%03o", c);
			} else {
				/* As few digits as the value takes, as strace does. */
				fprintf(f, "\\%o", c);
			}
		}
	}
	fputc('"', f);
	if (truncated)
		fputs("...", f);
}

void decode__argv(FILE *f, const char *argv, size_t len, bool truncated)
{
	size_t i = 0;

	fputc('[', f);
	while (i < len) {
		size_t n = strnlen(argv + i, len - i);

		if (i)
			fputs(", ", f);
		decode__quoted(f, argv + i, n, false);
		i += n + 1;
	}
	fputs(!truncated ? "]" : i ? ", ...]" : "...]", f);
}

void decode__cmdline(FILE *f, const char *argv, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n = strnlen(argv + i, len - i), k;

		if (i)
			fputc(' ', f);
		/* Plain words bare, the rest quoted: one line per process,
		 * and still clear where "two words" begins and ends. */
		for (k = 0; k < n && (isalnum((unsigned char)argv[i + k]) ||
				      strchr("/._-+=:,@%", argv[i + k])); k++)
			;
		if (k == n && n)
			fwrite(argv + i, 1, n, f);
		else
			decode__quoted(f, argv + i, n, false);
		i += n + 1;
	}
}

static void put_sockaddr(FILE *f, const char *b, size_t len, bool truncated)
{
	sa_family_t fam;
	char addr[INET6_ADDRSTRLEN];

	if (len < sizeof(fam)) {
		fputs("{...}", f);
		return;
	}
	memcpy(&fam, b, sizeof(fam));
	if (fam == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;

		memcpy(&in, b, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, addr, sizeof(addr));
		fprintf(f, "{sa_family=AF_INET, sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}",
			ntohs(in.sin_port), addr);
	} else if (fam == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 in6;

		memcpy(&in6, b, sizeof(in6));
		inet_ntop(AF_INET6, &in6.sin6_addr, addr, sizeof(addr));
		fprintf(f, "{sa_family=AF_INET6, sin6_port=htons(%u), sin6_addr=inet_pton(\"%s\")}",
			ntohs(in6.sin6_port), addr);
	} else if (fam == AF_UNIX) {
		const char *path = b + sizeof(fam);
		size_t n = len - sizeof(fam);

		fputs("{sa_family=AF_UNIX", f);
		if (n && !path[0]) {
			/* Abstract: the name is every byte after the NUL, as strace's @. */
			fputs(", sun_path=@", f);
			decode__quoted(f, path + 1, n - 1, truncated);
		} else if (n) {
			fputs(", sun_path=", f);
			decode__quoted(f, path, strnlen(path, n), truncated);
		}
		fputc('}', f);
	} else {
		fprintf(f, "{sa_family=%u, ...}", fam);
	}
}

/* The path or sockaddr captured of argument arg (kinds this reader does
 * not know are left alone: the argument reads as without them). */
static const struct tt_str *find_str(const struct tt_syscall *s, int arg)
{
	for (int i = 0; i < s->nstr && i < TT_MAX_STRS; i++)
		if (s->strs[i].arg == arg &&
		    (s->strs[i].kind == TT_STR_PATH || s->strs[i].kind == TT_STR_SOCKADDR))
			return &s->strs[i];
	return NULL;
}

const struct tt_str *decode__data_str(const struct tt_syscall *s)
{
	for (int i = 0; i < s->nstr && i < TT_MAX_STRS; i++)
		if (s->strs[i].kind == TT_STR_DATA)
			return &s->strs[i];
	return NULL;
}

/* An fd's name as strace -y shows it after the number: <name>. */
static void put_fd_name(FILE *f, const char *name)
{
	if (!name)
		return;
	fputc('<', f);
	decode__plain(f, name, strlen(name));
	fputc('>', f);
}

/* fds names the descriptors (--fd-names), NULL for bare numbers. */
static void put_arg(FILE *f, char kind, const struct tt_syscall *s, int i,
		    const struct fdtable *fds)
{
	uint64_t v = s->args[i];
	const struct tt_str *str;

	switch (kind) {
	case 'd':
		if ((int32_t)v == AT_FDCWD) {
			fputs("AT_FDCWD", f);
		} else {
			fprintf(f, "%d", (int32_t)v);
			if (fds)
				put_fd_name(f, fdtable__name(fds, s->pid, (int32_t)v));
		}
		break;
	/* The kernel reads an int from the register's low 32 bits: -1 passed
	 * as an int is 0xffffffff there, and is shown as -1, as strace does. */
	case 'i': fprintf(f, "%d", (int32_t)v); break;
	case 'l': fprintf(f, "%lld", (long long)v); break;
	case 'u': fprintf(f, "%llu", (unsigned long long)v); break;
	case 'm': fprintf(f, "%#o", (uint32_t)v); break; /* a mode_t, 32 bits */
	case 's':
	case 'a':
		str = find_str(s, i);
		if (str && str->kind == TT_STR_SOCKADDR) {
			put_sockaddr(f, str->value.data, str->value.len,
				     str->flags & TT_STR_TRUNCATED);
			break;
		} else if (str) {
			decode__quoted(f, str->value.data, str->value.len,
				       str->flags & TT_STR_TRUNCATED);
			break;
		}
		__attribute__((fallthrough)); /* not captured: the pointer */
	case 'p':
		/* rec --datasize: the buffer's first bytes, as strace -s shows them */
		str = decode__data_str(s);
		if (str && str->arg == i) {
			decode__quoted(f, str->value.data, str->value.len,
				       str->flags & TT_STR_TRUNCATED);
			break;
		}
		if (v)
			fprintf(f, "%#llx", (unsigned long long)v);
		else
			fputs("NULL", f);
		break;
	default:
		if (!decode_args__put(f, kind, s, i))
			fprintf(f, "%#llx", (unsigned long long)v);
	}
}

static void put_args(FILE *f, const struct syscall_table *st, const struct tt_syscall *s,
		     const struct fdtable *fds)
{
	const char *sig = syscall_table__signature(st, s->nr);
	int n;

	if (sig) {
		n = strnlen(sig, 6);
		/* A command or flag may leave the later arguments unused. */
		for (int i = 0; i < n; i++) {
			int shown = decode_args__shown(sig[i], s, i);

			if (shown >= 0 && shown < n)
				n = shown;
		}
		for (int i = 0; i < n; i++) {
			if (i)
				fputs(", ", f);
			put_arg(f, sig[i], s, i, fds);
		}
		return;
	}
	for (n = 6; n > 0 && !s->args[n - 1] && !find_str(s, n - 1); n--)
		;
	for (int i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		put_arg(f, find_str(s, i) ? 's' : 'x', s, i, NULL);
	}
}

void decode__args(FILE *f, const struct syscall_table *st, const struct tt_syscall *s)
{
	put_args(f, st, s, NULL);
}

void decode__ret(FILE *f, const struct syscall_table *st, const struct tt_syscall *s)
{
	char buf[32];

	if (s->flags & TT_SYSCALL_NORETURN) {
		fputc('?', f);
	} else if (syscall_failed(s->ret)) {
		fprintf(f, "-1 %s (%s)", decode__errno_name(-s->ret, buf, sizeof(buf)),
			strerror(-s->ret));
	} else if (!decode_args__put_ret(f, syscall_table__ret_kind(st, s->nr), s)) {
		fprintf(f, "%lld", (long long)s->ret);
	}
}

static void put_syscall(FILE *f, const struct syscall_table *st, const struct tt_syscall *s,
			const struct fdtable *fds)
{
	char buf[4096];

	fprintf(f, "%s(", decode__syscall_name(st, s->nr, buf, sizeof(buf)));
	put_args(f, st, s, fds);
	fputs(") = ", f);
	decode__ret(f, st, s);
	if (fds)
		put_fd_name(f, fdtable__result_name(fds, s, buf, sizeof(buf)));
}

void decode__syscall(FILE *f, const struct syscall_table *st, const struct tt_syscall *s)
{
	put_syscall(f, st, s, NULL);
}

void decode__syscall_in(FILE *f, const struct tape *t, const struct tt_syscall *s)
{
	put_syscall(f, t->st, s, t->fd_names ? t->fds : NULL);
}

const char *decode__si_code(int sig, int code, char *buf, size_t size)
{
	const char *name = decode_args__si_code_name(sig, code);

	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "%d", code);
	return buf;
}

const char *decode__signal_result(int result)
{
	/* enum trace_signal_result (include/trace/events/signal.h): no
	 * userspace header has it. */
	static const char *const names[] = { "delivered", "ignored", "already pending",
					     "overflow", "info lost" };

	return result >= 0 && result < (int)(sizeof(names) / sizeof(names[0])) ? names[result] : "?";
}

static void put_sigval(FILE *f, uint64_t v)
{
	fprintf(f, ", si_value={int=%d, ptr=%#llx}", (int)(uint32_t)v, (unsigned long long)v);
}

void decode__siginfo(FILE *f, const struct tt_signal *g)
{
	char buf[32];

	fprintf(f, "{si_signo=%s", decode__signal_name(g->signo, buf, sizeof(buf)));
	fprintf(f, ", si_code=%s", decode__si_code(g->signo, g->code, buf, sizeof(buf)));
	if (g->errno_)
		fprintf(f, ", si_errno=%s", decode__errno_name(g->errno_, buf, sizeof(buf)));
	switch (g->layout) {
	case TT_SIL_KILL:
	case TT_SIL_CHLD:
	case TT_SIL_RT:
		fprintf(f, ", si_pid=%u, si_uid=%u", g->info_pid, g->info_uid);
		if (g->layout == TT_SIL_RT)
			put_sigval(f, g->info_value);
		if (g->layout != TT_SIL_CHLD)
			break;
		/* as strace: an exit code as a number, a signal by name */
		if (g->code == CLD_EXITED)
			fprintf(f, ", si_status=%d", g->info_status);
		else
			fprintf(f, ", si_status=%s", decode__signal_name(g->info_status, buf, sizeof(buf)));
		break;
	case TT_SIL_TIMER:
		fprintf(f, ", si_timerid=%#x, si_overrun=%d", g->info_pid, g->info_status);
		put_sigval(f, g->info_value);
		break;
	case TT_SIL_POLL:
		fprintf(f, ", si_band=%lld, si_fd=%d", (long long)g->info_value, g->info_status);
		break;
	case TT_SIL_FAULT:
		if (g->info_addr)
			fprintf(f, ", si_addr=%#llx", (unsigned long long)g->info_addr);
		else
			fputs(", si_addr=NULL", f);
		break;
	case TT_SIL_SYS:
		fprintf(f, ", si_call_addr=%#llx, si_syscall=%d, si_arch=%#llx",
			(unsigned long long)g->info_addr, g->info_status,
			(unsigned long long)g->info_value);
		break;
	}
	fputc('}', f);
}

void decode__signal(FILE *f, const struct tt_signal *g)
{
	char buf[32], code[32];

	if (g->event == TT_SIGNAL_DELIVER) {
		fprintf(f, "--- %s ", decode__signal_name(g->signo, buf, sizeof(buf)));
		decode__siginfo(f, g);
		fputs(" ---", f);
		return;
	}
	fprintf(f, "+++ sent %s (%s) to ", decode__signal_name(g->signo, buf, sizeof(buf)),
		decode__si_code(g->signo, g->code, code, sizeof(code)));
	if (g->group)
		fprintf(f, "%u", g->target_pid);
	else
		fprintf(f, "thread %u/%u", g->target_pid, g->target_tid);
	fprintf(f, " = %s +++", decode__signal_result(g->result));
}

void decode__ids(const struct tt_record *rec, uint32_t *pid, uint32_t *tid)
{
	switch (rec->type) {
	case TT_REC_SYSCALL: *pid = rec->syscall.pid; *tid = rec->syscall.tid; break;
	case TT_REC_EXEC: *pid = rec->exec.pid; *tid = rec->exec.tid; break;
	case TT_REC_FORK: *pid = rec->fork.parent_pid; *tid = rec->fork.parent_tid; break;
	case TT_REC_EXIT: *pid = rec->exit.pid; *tid = rec->exit.tid; break;
	case TT_REC_FUNC_CALL: *pid = rec->func_call.pid; *tid = rec->func_call.tid; break;
	case TT_REC_FUNC_STATS: *pid = *tid = rec->func_stats.pid; break;
	case TT_REC_SIGNAL: *pid = rec->signal.pid; *tid = rec->signal.tid; break;
	default: *pid = *tid = 0;
	}
}

void decode__process_event(FILE *f, const struct tape *t, const struct tt_record *rec)
{
	char buf[32];

	switch (rec->type) {
	case TT_REC_EXEC: {
		const struct tt_exec *e = &rec->exec;

		fputs("+++ exec ", f);
		decode__quoted(f, e->filename.data, e->filename.len,
			       e->flags & TT_EXEC_FILENAME_TRUNCATED);
		if (e->argv.len) {
			fputc(' ', f);
			decode__argv(f, e->argv.data, e->argv.len, e->flags & TT_EXEC_ARGV_TRUNCATED);
		}
		if (e->flags & TT_EXEC_ENVP) { /* rec --envsize: as strace -v shows it */
			fputc(' ', f);
			decode__argv(f, e->envp.data, e->envp.len, e->flags & TT_EXEC_ENVP_TRUNCATED);
		}
		if (e->ret < 0 && e->ret >= -4095) /* not -INT32_MIN, which would overflow */
			fprintf(f, " = -1 %s (%s)", decode__errno_name(-e->ret, buf, sizeof(buf)),
				strerror(-e->ret));
		else
			fprintf(f, " = %d", (int)e->ret);
		fprintf(f, " (ppid %u, uid %u) +++", e->ppid, e->uid);
		break;
	}
	case TT_REC_FORK: {
		const struct tt_fork *k = &rec->fork;

		fprintf(f, "+++ %s %u/%u (clone_flags ",
			k->child_pid == k->parent_pid ? "thread" : "fork", k->child_pid,
			k->child_tid);
		decode_args__clone_flags(f, k->clone_flags);
		fputs(") +++", f);
		break;
	}
	case TT_REC_EXIT: {
		const struct tt_exit *x = &rec->exit;
		const char *who = x->group_dead ? "" : "thread ";

		if (x->status & 0x7f)
			fprintf(f, "+++ %skilled by %s%s +++", who,
				decode__signal_name(x->status & 0x7f, buf, sizeof(buf)),
				x->status & 0x80 ? " (core dumped)" : "");
		else
			fprintf(f, "+++ %sexited with %d +++", who, (x->status >> 8) & 0xff);
		break;
	}
	case TT_REC_FUNC_CALL: {
		const struct tt_func_call *c = &rec->func_call;
		const struct tt_func *fn = tape__func(t, c->func);

		fprintf(f, "%s ", c->event == TT_FUNC_ENTRY ? "-->" : "<--");
		decode__plain(f, fn ? fn->name.data : "?", fn ? fn->name.len : 1);
		fputs("()", f);
		if (c->event == TT_FUNC_RETURN)
			fprintf(f, " <%.6f>", c->duration / 1e9);
		break;
	}
	case TT_REC_FUNC_STATS: {
		const struct tt_func_stats *st = &rec->func_stats;
		const struct tt_func *fn = tape__func(t, st->func);

		fputs("=== ", f);
		decode__plain(f, fn ? fn->name.data : "?", fn ? fn->name.len : 1);
		fprintf(f, "(): %llu calls, %.6f s in all ===", (unsigned long long)st->count,
			st->total_ns / 1e9);
		break;
	}
	case TT_REC_SIGNAL:
		decode__signal(f, &rec->signal);
		break;
	}
}

void decode__event(FILE *f, const struct tape *t, const struct tt_record *rec)
{
	char when[32];
	const char *comm;
	uint32_t pid, tid;

	if (rec->type == TT_REC_LOSS) {
		const struct tt_loss *l = &rec->loss;

		human__time(when, sizeof(when), tape__unix_ns(t, l->from_ts), HUMAN_TIME_CLOCK,
			    t->utc);
		fprintf(f, "%s --- LOST %llu %s events", when, (unsigned long long)l->count,
			tt_monitor__name(l->monitor) ? tt_monitor__name(l->monitor) : "?");
		if (l->cpu != TT_CPU_ANY)
			fprintf(f, " on cpu %u", l->cpu);
		fprintf(f, " in %.6f s ---\n", (l->to_ts - l->from_ts) / 1e9);
		return;
	}
	decode__ids(rec, &pid, &tid);
	human__time(when, sizeof(when), tape__unix_ns(t, tt_record__ts(rec)), HUMAN_TIME_CLOCK,
		    t->utc);
	fprintf(f, "%s ", when);
	comm = procs__task_comm(t->procs, pid, tid);
	decode__plain(f, comm, strlen(comm));
	fprintf(f, "[%u/%u] ", pid, tid);
	if (rec->type == TT_REC_SYSCALL) {
		const struct tt_syscall *s = &rec->syscall;

		decode__syscall_in(f, t, s);
		if (!(s->flags & TT_SYSCALL_NORETURN))
			fprintf(f, " <%.6f>", s->duration / 1e9);
	} else {
		decode__process_event(f, t, rec);
	}
	fputc('\n', f);
}
