// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * csv-export: one CSV per monitor of a trace, for spreadsheets and scripts,
 * with fixed columns (the header rows in csvs[] below, then timestamp_ns, as
 * csv-export(1) lists them). Streams: one row per event, in time order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "flow_spec.h"
#include "csv_argv.h"
#include "csv_parquet.h"
#include "csv_row.h"
#include "csv_schema.h"
#include "decode.h"
#include "human.h"
#include "trace.h"
#include "log.h"
#include "outfile.h"
#include "slow.h"
#include "tape.h"

enum csv_kind {
	CSV_EXEC,
	CSV_SYSCALL,
	CSV_PROCESS,
	CSV_FUNC,
	CSV_PACKET,
	CSV_SIGNAL,
	CSV__COUNT,
};

#define COLS(...) (const struct csv_col[]){ __VA_ARGS__ }, \
	sizeof((const struct csv_col[]){ __VA_ARGS__ }) / sizeof(struct csv_col)
#define TIME_COLS { "timestamp", CSV_T_TIME }, { "time_str", CSV_T_TEXT }

/* Every file's columns, in order, with their types: the header rows,
 * --schema's tables and the Parquet files' columns are made from these. */
static const struct {
	struct csv_table t;
	enum tt_monitor_id monitor; /* the recording's monitor that yields these events */
} csvs[CSV__COUNT] = {
	[CSV_EXEC] = { { "exec", COLS(TIME_COLS, { "comm", CSV_T_NAME }, { "uid", CSV_T_U32 },
		{ "pid", CSV_T_U32 }, { "ppid", CSV_T_U32 }, { "ret", CSV_T_I64 },
		{ "argv", CSV_T_TEXT }, { "envp", CSV_T_TEXT }) }, TT_MONITOR_EXEC },
	[CSV_SYSCALL] = { { "syscall", COLS(TIME_COLS, { "monitor_type", CSV_T_NAME },
		{ "pid", CSV_T_U32 }, { "tid", CSV_T_U32 }, { "cpu", CSV_T_U32 },
		{ "comm", CSV_T_NAME }, { "syscall_nr", CSV_T_I32 }, { "syscall_name", CSV_T_NAME },
		{ "category", CSV_T_NAME }, { "ret_val", CSV_T_I64 }, { "error_name", CSV_T_NAME },
		{ "duration_ns", CSV_T_U64 }, { "duration_us", CSV_T_MS3 },
		{ "duration_ms", CSV_T_MS6 }, { "is_error", CSV_T_BOOL },
		{ "is_slow_call", CSV_T_BOOL }) }, TT_MONITOR_SYSCALL },
	[CSV_PROCESS] = { { "process", COLS(TIME_COLS, { "event", CSV_T_NAME },
		{ "pid", CSV_T_U32 }, { "ppid", CSV_T_U32, true }, { "tid", CSV_T_U32 },
		{ "comm", CSV_T_NAME }, { "exit_code", CSV_T_I32, true },
		{ "signal", CSV_T_I32, true }, { "clone_flags", CSV_T_HEX, true }) },
		TT_MONITOR_EXEC },
	[CSV_FUNC] = { { "func", COLS(TIME_COLS, { "pid", CSV_T_U32 }, { "ppid", CSV_T_U32, true },
		{ "uid", CSV_T_U32, true }, { "comm", CSV_T_NAME }, { "func_name", CSV_T_NAME },
		{ "tid", CSV_T_U32 }, { "event", CSV_T_NAME }, { "duration_ns", CSV_T_U64, true }) },
		TT_MONITOR_FUNC },
	[CSV_PACKET] = { { "packet", COLS(TIME_COLS, { "pid", CSV_T_U32, true },
		{ "tid", CSV_T_U32, true }, { "comm", CSV_T_NAME }, { "ifname", CSV_T_NAME },
		{ "direction", CSV_T_NAME }, { "protocol", CSV_T_NAME }, { "src", CSV_T_TEXT },
		{ "sport", CSV_T_U32, true }, { "dst", CSV_T_TEXT }, { "dport", CSV_T_U32, true },
		{ "length", CSV_T_U32 }, { "pcap_index", CSV_T_U64, true }) }, TT_MONITOR_PACKET },
	[CSV_SIGNAL] = { { "signal", COLS(TIME_COLS, { "event", CSV_T_NAME }, { "pid", CSV_T_U32 },
		{ "tid", CSV_T_U32 }, { "comm", CSV_T_NAME }, { "signal", CSV_T_NAME },
		{ "signo", CSV_T_I32 }, { "si_code", CSV_T_NAME }, { "target_pid", CSV_T_U32, true },
		{ "target_tid", CSV_T_U32, true }, { "result", CSV_T_NAME }, { "handler", CSV_T_HEX },
		{ "si_pid", CSV_T_U32, true }, { "si_uid", CSV_T_U32, true },
		{ "si_status", CSV_T_I64, true }, { "si_addr", CSV_T_HEX, true },
		{ "si_value", CSV_T_HEX, true }) }, TT_MONITOR_SIGNAL },
};

enum { OPT_HELP = 'h' };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: csv-export [OPTIONS] [FILTERS] TRACE...\n"
"       csv-export --schema ENGINE [-m LIST] [--with-container] [--with-host] [TRACE...]\n"
"Write one CSV per monitor of the trace, named {monitor}_{YYYYmmdd_HHMMSS}.csv\n"
"after the trace's start time: exec (exec events), syscall (every syscall),\n"
"process (fork and exit events), func (function entries and returns of\n"
"rec -m func --func-mode calls), packet (rec -m packet: one row per packet,\n"
"with its frame number in the pcapng). Quoting follows RFC 4180.\n"
"\n"
"Options:\n"
"  -d, --directory DIR      write the files into DIR (default: .)\n"
"  -m, --monitors LIST      only these: exec,syscall,process,func,packet (default:\n"
"                           all the trace has)\n"
"  -o, --output FILE        write the one monitor chosen to FILE ('-': stdout)\n"
"      --threshold CAT=DUR  is_slow_call threshold for a category, as analyze --slow\n"
"      --with-container     add a container_id column to every CSV, before\n"
"                           timestamp_ns (the last): the process's container\n"
"                           (empty for the host)\n"
"      --with-host          add host and trace_id columns to every CSV, before\n"
"                           timestamp_ns: the recorded machine's name and the\n"
"                           recording's id\n"
"      --format FORMAT      csv (default) or parquet: one {monitor}_*.parquet\n"
"                           file per monitor, of the same columns, typed\n"
"      --schema ENGINE      print the CREATE TABLE statements of the CSVs (of\n"
"                           the trace's monitors, or of -m's, or all without a\n"
"                           trace) for clickhouse, postgres, duckdb or sqlite\n"
"      --safe               put a ' before text starting with = + - @, which\n"
"                           spreadsheets would run as a formula\n"
"      --force              replace CSV files that exist (never followed if a\n"
"                           symlink: the link itself is replaced)\n"
"  -j, --threads N          threads (1-64; default one per CPU): with more\n"
"                           than 1, N-1 decompress the trace ahead and each\n"
"                           CSV is written by one of its own; the rows are\n"
"                           the same, in the same order, for any N\n"
"  -h, --help               this help\n"
"  -V, --version            versions of csv-export and its libraries\n"
"\n"
FILTER_HELP
"\n"
"Exit status: 0 ok, 1 unreadable, truncated or newer-format trace or unwritable\n"
"output, 2 usage.\n"
"\n"
"Examples:\n"
"  csv-export trace.zst -d out/              # out/syscall_20261121_120001.csv ...\n"
"  csv-export trace.zst -m exec -o - | column -s, -t\n"
"  csv-export trace.zst -m syscall -p 1234 --failed --utc\n"
"  sqlite3 t.db '.import --csv syscall_20261121_120001.csv syscall'\n"
"  csv-export --schema postgres --with-host | psql traces\n");
}

/* An argv (or envp) as one field of shell words (csv_argv.h). An
 * argument's byte takes 4 at most (\xHH), its quotes and separator 3:
 * rec's largest argv (32768 bytes) always fits whole, and with the largest
 * envp (16384) its row too (CSV_ROW_MAX). */
#define ARGV_WORDS_MAX (4 * 32768 + 3 * 16384)
#define ENVP_WORDS_MAX (4 * 16384 + 3 * 8192)
_Static_assert(ARGV_WORDS_MAX + ENVP_WORDS_MAX + 4096 < CSV_ROW_MAX - CSV_ROW_TAIL,
	       "an exec row with the largest argv and envp is never cut");

static void put_argv(struct csv_row *r, const char *argv, size_t len)
{
	static char words[ARGV_WORDS_MAX];

	csv_row__field(r, words, csv_argv__encode(words, sizeof(words), argv, len));
}

/*
 * timestamp,time_str, -- the parts that change once per second of the trace
 * (the seconds, and the date and time by strftime) are kept, so a row only
 * adds its microseconds and milliseconds.
 */
static void put_time(struct csv_row *r, const struct tape *t, uint64_t ts)
{
	static int64_t cached_sec = INT64_MIN;
	/* "SECONDS." and ",[DATE TIME.", padded for csv_row__padded */
	static char head[CSV_ROW_PAD], mid[CSV_ROW_PAD];
	static size_t head_len, mid_len;
	int64_t ns = tape__unix_ns(t, ts), sec = ns / 1000000000;
	uint64_t us = (uint64_t)ns / 1000;
	int ms = ns % 1000000000 / 1000000;

	r->ns = (uint64_t)ns; /* timestamp_ns, the row's last field (csv_row__end) */

	if (ns < 0) { /* before 1970: not worth a cache */
		csv_row__fixed(r, us, 6);
		human__time(mid, sizeof(mid), sec * 1000000000, HUMAN_TIME_MS, t->utc);
		mid_len = strlen(mid);
		csv_row__raw(r, ",[", 2);
		csv_row__raw(r, mid, mid_len >= 3 ? mid_len - 3 : 0);
		cached_sec = INT64_MIN;
	} else {
		if (sec != cached_sec) {
			struct csv_row h = { .buf = head, .cap = sizeof(head) };

			csv_row__u64(&h, us / 1000000);
			csv_row__char(&h, '.');
			head_len = h.len;
			memcpy(mid, ",[", 2);
			human__time(mid + 2, sizeof(mid) - 2, sec * 1000000000, HUMAN_TIME_MS, t->utc);
			mid_len = strlen(mid);
			mid_len = mid_len >= 5 ? mid_len - 3 : 2; /* up to the '.' */
			cached_sec = sec;
		}
		csv_row__padded(r, head, head_len);
		csv_row__digits(r, us % 1000000, 6);
		csv_row__padded(r, mid, mid_len);
	}
	csv_row__char(r, '0' + ms / 100);
	csv_row__char(r, '0' + ms / 10 % 10);
	csv_row__char(r, '0' + ms % 10);
	csv_row__raw(r, "],", 2);
}

static void put_comm(struct csv_row *r, const char *comm)
{
	csv_row__field(r, comm, strnlen(comm, TT_COMM_SIZE));
}

static void row_exec(struct csv_row *r, const struct tape *t, const struct tt_exec *e)
{
	put_time(r, t, e->ts);
	put_comm(r, e->comm);
	csv_row__char(r, ',');
	csv_row__u64(r, e->uid);
	csv_row__char(r, ',');
	csv_row__u64(r, e->pid);
	csv_row__char(r, ',');
	csv_row__u64(r, e->ppid);
	csv_row__char(r, ',');
	csv_row__i64(r, e->ret);
	csv_row__char(r, ',');
	if (e->argv.len)
		put_argv(r, e->argv.data, e->argv.len);
	else
		csv_row__field(r, e->filename.data, e->filename.len);
	/* envp, last: the seed's columns stay as they were; empty unless
	 * rec --envsize recorded it */
	csv_row__char(r, ',');
	if (e->envp.len)
		put_argv(r, e->envp.data, e->envp.len);
}

/* The syscall_nr,syscall_name,category, fields of a syscall, formatted once:
 * the same few syscalls fill millions of rows. */
struct nr_fields {
	char *text; /* NULL until formatted */
	size_t len;
	enum syscall_category cat;
};

static void put_nr_fields(struct csv_row *r, const struct tape *t, int nr)
{
	char name[32];

	csv_row__u64(r, nr);
	csv_row__char(r, ',');
	csv_row__str(r, decode__syscall_name(t->st, nr, name, sizeof(name)));
	csv_row__char(r, ',');
	csv_row__str(r, syscall_category__name(syscall_table__category(t->st, nr)));
	csv_row__char(r, ',');
}

static enum syscall_category nr_fields(struct csv_row *r, const struct tape *t, uint16_t nr)
{
	static struct nr_fields cache[SYSCALL_MAX_NR];
	struct nr_fields *c = nr < SYSCALL_MAX_NR ? &cache[nr] : NULL;

	if (c && !c->text) {
		char buf[256];
		struct csv_row tmp = { .buf = buf, .cap = sizeof(buf), .safe = r->safe };

		put_nr_fields(&tmp, t, nr);
		/* padded for csv_row__padded */
		c->text = tmp.len <= sizeof(buf) ? calloc(1, tmp.len + CSV_ROW_PAD) : NULL;
		if (c->text) {
			memcpy(c->text, buf, tmp.len);
			c->len = tmp.len;
			c->cat = syscall_table__category(t->st, nr);
		}
	}
	if (!c || !c->text) {
		put_nr_fields(r, t, nr);
		return syscall_table__category(t->st, nr);
	}
	csv_row__padded(r, c->text, c->len);
	return c->cat;
}

/*
 * The pid,tid,cpu,comm, fields of a syscall row, kept formatted for the last
 * thread: consecutive events mostly come from one thread (per-CPU batches).
 * A process keeps its node in the model (only its fields change), so its
 * name is compared rather than looked up again.
 */
static void put_thread(struct csv_row *r, const struct tape *t, const struct tt_syscall *s)
{
	static struct {
		const struct proc *p;
		uint32_t pid, tid;
		uint16_t cpu;
		bool safe;
		char comm[TT_COMM_SIZE];
		char text[96 + CSV_ROW_PAD]; /* at most 95 bytes (a comm of 16 \xHH), then
					     * CSV_ROW_PAD read by csv_row__padded */
		size_t len;
	} last;
	const struct proc *p = last.p && s->pid == last.pid ? last.p : procs__find(t->procs, s->pid);
	const char *comm = procs__task_comm(t->procs, s->pid, s->tid); /* the thread's name */
	struct csv_row tmp = { .buf = last.text, .cap = sizeof(last.text) - CSV_ROW_PAD,
			       .safe = r->safe };

	if (p && p == last.p && s->tid == last.tid && s->cpu == last.cpu && r->safe == last.safe &&
	    !strncmp(comm, last.comm, TT_COMM_SIZE)) {
		csv_row__padded(r, last.text, last.len);
		return;
	}
	csv_row__u64(&tmp, s->pid);
	csv_row__char(&tmp, ',');
	csv_row__u64(&tmp, s->tid);
	csv_row__char(&tmp, ',');
	csv_row__u64(&tmp, s->cpu);
	csv_row__char(&tmp, ',');
	csv_row__str(&tmp, comm);
	csv_row__char(&tmp, ',');
	csv_row__raw(r, last.text, tmp.len);
	/* an unknown pid may be known by the next event: not kept */
	last.p = p;
	last.pid = s->pid;
	last.tid = s->tid;
	last.cpu = s->cpu;
	last.safe = r->safe;
	last.len = tmp.len;
	snprintf(last.comm, TT_COMM_SIZE, "%s", comm);
}

static void row_syscall(struct csv_row *r, const struct tape *t, const struct slow_thresholds *th,
			const struct tt_syscall *s)
{
	enum syscall_category cat;
	bool failed = syscall_failed(s->ret);
	char err[32];

	put_time(r, t, s->ts);
	csv_row__raw(r, "syscall,", 8);
	put_thread(r, t, s);
	cat = nr_fields(r, t, s->nr);
	csv_row__i64(r, s->ret);
	csv_row__char(r, ',');
	if (failed)
		csv_row__str(r, decode__errno_name(-s->ret, err, sizeof(err)));
	else
		csv_row__raw(r, "SUCCESS", 7);
	csv_row__char(r, ',');
	csv_row__durations(r, s->duration);
	csv_row__raw(r, failed ? ",true," : ",false,", failed ? 6 : 7);
	if (slow_thresholds__is_slow(th, cat, s->duration))
		csv_row__raw(r, "true", 4);
	else
		csv_row__raw(r, "false", 5);
}

static void row_process(struct csv_row *r, const struct tape *t, const struct tt_record *rec)
{
	if (rec->type == TT_REC_FORK) {
		const struct tt_fork *k = &rec->fork;

		put_time(r, t, k->ts);
		csv_row__raw(r, "fork,", 5);
		csv_row__u64(r, k->child_pid);
		csv_row__char(r, ',');
		csv_row__u64(r, k->parent_pid);
		csv_row__char(r, ',');
		csv_row__u64(r, k->child_tid);
		csv_row__char(r, ',');
		put_comm(r, k->comm);
		csv_row__raw(r, ",,,", 3);
		csv_row__hex(r, k->clone_flags);
	} else {
		const struct tt_exit *x = &rec->exit;
		const struct proc *p = procs__find(t->procs, x->pid);

		put_time(r, t, x->ts);
		csv_row__raw(r, "exit,", 5);
		csv_row__u64(r, x->pid);
		csv_row__char(r, ',');
		if (p)
			csv_row__u64(r, p->ppid);
		csv_row__char(r, ',');
		csv_row__u64(r, x->tid);
		csv_row__char(r, ',');
		csv_row__str(r, procs__task_comm(t->procs, x->pid, x->tid));
		csv_row__char(r, ',');
		csv_row__i64(r, (x->status >> 8) & 0xff);
		csv_row__char(r, ',');
		csv_row__i64(r, x->status & 0x7f);
		csv_row__char(r, ',');
	}
}

static void row_func(struct csv_row *r, const struct tape *t, const struct tt_func_call *c)
{
	const struct proc *p = procs__find(t->procs, c->pid);
	const struct tt_func *f = tape__func(t, c->func);

	put_time(r, t, c->ts);
	csv_row__u64(r, c->pid);
	csv_row__char(r, ',');
	if (p) {
		csv_row__u64(r, p->ppid);
		csv_row__char(r, ',');
		csv_row__u64(r, p->uid);
	} else {
		csv_row__char(r, ',');
	}
	csv_row__char(r, ',');
	put_comm(r, procs__task_comm(t->procs, c->pid, c->tid));
	csv_row__char(r, ',');
	if (f)
		csv_row__field(r, f->name.data, f->name.len);
	csv_row__char(r, ',');
	csv_row__u64(r, c->tid);
	csv_row__raw(r, c->event == TT_FUNC_ENTRY ? ",entry," : ",return,", c->event == TT_FUNC_ENTRY ? 7 : 8);
	if (c->event == TT_FUNC_RETURN)
		csv_row__u64(r, c->duration);
}

/*
 * A signal sent (target_pid, target_tid and result set) or delivered
 * (handler: SIG_DFL, SIG_IGN or the handler's address); of the siginfo
 * columns, those its si_code has (csv-export(1)), the others empty.
 */
static void row_signal(struct csv_row *r, const struct tape *t, const struct tt_signal *g)
{
	bool sent = g->event == TT_SIGNAL_GENERATE;
	uint8_t l = g->layout;
	char buf[32];

	put_time(r, t, g->ts);
	csv_row__str(r, sent ? "sent" : "delivered");
	csv_row__char(r, ',');
	csv_row__u64(r, g->pid);
	csv_row__char(r, ',');
	csv_row__u64(r, g->tid);
	csv_row__char(r, ',');
	put_comm(r, procs__task_comm(t->procs, g->pid, g->tid));
	csv_row__char(r, ',');
	csv_row__str(r, decode__signal_name(g->signo, buf, sizeof(buf)));
	csv_row__char(r, ',');
	csv_row__i64(r, g->signo);
	csv_row__char(r, ',');
	csv_row__str(r, decode__si_code(g->signo, g->code, buf, sizeof(buf)));
	csv_row__char(r, ',');
	if (sent) {
		csv_row__u64(r, g->target_pid);
		csv_row__char(r, ',');
		csv_row__u64(r, g->target_tid);
		csv_row__char(r, ',');
		csv_row__str(r, decode__signal_result(g->result));
		csv_row__char(r, ',');
	} else {
		csv_row__raw(r, ",,,", 3);
		if (g->handler <= 1)
			csv_row__str(r, g->handler ? "SIG_IGN" : "SIG_DFL");
		else
			csv_row__hex(r, g->handler);
	}
	csv_row__char(r, ',');
	if (l == TT_SIL_KILL || l == TT_SIL_CHLD || l == TT_SIL_RT || l == TT_SIL_TIMER) {
		csv_row__u64(r, g->info_pid);
		if (l != TT_SIL_TIMER) {
			csv_row__char(r, ',');
			csv_row__u64(r, g->info_uid);
		} else {
			csv_row__char(r, ',');
		}
	} else {
		csv_row__char(r, ',');
	}
	csv_row__char(r, ',');
	if (l == TT_SIL_CHLD || l == TT_SIL_TIMER || l == TT_SIL_POLL || l == TT_SIL_SYS)
		csv_row__i64(r, g->info_status);
	csv_row__char(r, ',');
	if (l == TT_SIL_FAULT || l == TT_SIL_SYS)
		csv_row__hex(r, g->info_addr);
	csv_row__char(r, ',');
	if (l == TT_SIL_RT || l == TT_SIL_TIMER || l == TT_SIL_POLL || l == TT_SIL_SYS)
		csv_row__hex(r, g->info_value);
}

/* An unowned packet leaves pid, tid and comm empty; ports and pcap_index
 * are empty when there are none. */
static void row_packet(struct csv_row *r, const struct tape *t, const struct tt_packet *p)
{
	char a[INET6_ADDRSTRLEN];
	bool ports = p->ip_proto == IPPROTO_TCP || p->ip_proto == IPPROTO_UDP;

	put_time(r, t, p->ts);
	if (p->flags & TT_PACKET_OWNED) {
		csv_row__u64(r, p->pid);
		csv_row__char(r, ',');
		csv_row__u64(r, p->tid);
		csv_row__char(r, ',');
		put_comm(r, p->comm);
	} else {
		csv_row__raw(r, ",,", 2);
	}
	csv_row__char(r, ',');
	put_comm(r, p->ifname);
	csv_row__raw(r, p->flags & TT_PACKET_OUTBOUND ? ",out," : ",in,",
		     p->flags & TT_PACKET_OUTBOUND ? 5 : 4);
	if (p->family) {
		csv_row__str(r, flow_spec__proto_name(p->ip_proto));
		csv_row__char(r, ',');
		csv_row__str(r, inet_ntop(p->family == 6 ? AF_INET6 : AF_INET, p->saddr, a, sizeof(a)));
		csv_row__char(r, ',');
		if (ports)
			csv_row__u64(r, p->sport);
		csv_row__char(r, ',');
		csv_row__str(r, inet_ntop(p->family == 6 ? AF_INET6 : AF_INET, p->daddr, a, sizeof(a)));
		csv_row__char(r, ',');
		if (ports)
			csv_row__u64(r, p->dport);
	} else {
		csv_row__raw(r, ",,,,", 4);
	}
	csv_row__char(r, ',');
	csv_row__u64(r, p->length);
	csv_row__char(r, ',');
	if (p->pcap_index)
		csv_row__u64(r, p->pcap_index);
}

/* The container_id field of rec's process: its whole id, empty for none. */
static const char *container_id(struct tape *t, const struct tt_record *rec)
{
	uint32_t pid, tid;
	const char *id;

	if (rec->type == TT_REC_PACKET)
		pid = rec->packet.flags & TT_PACKET_OWNED ? rec->packet.pid : 0;
	else
		decode__ids(rec, &pid, &tid);
	id = pid ? tape__proc_container_id(t, pid, true, NULL, 0) : NULL;
	return id ? id : "";
}

/* The CSV rec goes to, or -1. */
static int csv_of(uint16_t type)
{
	switch (type) {
	case TT_REC_SYSCALL: return CSV_SYSCALL;
	case TT_REC_EXEC: return CSV_EXEC;
	case TT_REC_FORK:
	case TT_REC_EXIT: return CSV_PROCESS;
	case TT_REC_PACKET: return CSV_PACKET;
	case TT_REC_FUNC_CALL: return CSV_FUNC;
	case TT_REC_SIGNAL: return CSV_SIGNAL;
	}
	return -1;
}

/* Turn -m's list into wanted[]; 0, or -EINVAL naming the bad word in bad. */
static int parse_monitors(const char *list, bool *wanted, char *bad, size_t badlen)
{
	char *copy = strdup(list), *save = NULL, *w;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (w = strtok_r(copy, ",", &save); w && !ret; w = strtok_r(NULL, ",", &save)) {
		int k;

		for (k = 0; k < CSV__COUNT && strcmp(w, csvs[k].t.name); k++)
			;
		if (k == CSV__COUNT) {
			snprintf(bad, badlen, "%s", w);
			ret = -EINVAL;
		} else {
			wanted[k] = true;
		}
	}
	free(copy);
	return ret;
}

/* The CSV of k, under the rules of every output (formats/outfile.h): NULL
 * with the reason in why. */
static FILE *open_csv(const struct tape *t, const char *dir, const char *output, int k,
		      const char *ext, struct outfile *of, unsigned int flags, char *path,
		      size_t size, char *why, size_t whylen)
{
	char stamp[32];

	if (output && !strcmp(output, "-")) {
		snprintf(path, size, "(stdout)");
		return stdout;
	}
	if (output) {
		snprintf(path, size, "%s", output);
	} else {
		human__time(stamp, sizeof(stamp), tape__unix_ns(t, t->info.start_ns),
			    HUMAN_TIME_FILE, t->utc);
		snprintf(path, size, "%s/%s_%s.%s", dir, csvs[k].t.name, stamp, ext);
	}
	if (outfile__open(of, path, flags, why, whylen))
		return NULL;
	setvbuf(of->f, NULL, _IONBF, 0); /* rows reach it a megabyte at a time (csv_out) */
	return of->f;
}

/* --with-host's fields, the same in every row: the recorded host's name
 * and the recording's id (its files' header), as ",host,trace_id". */
static void host_tail(const struct tape *t, struct csv_row *row, char *buf, size_t size)
{
	struct csv_row r = { .buf = buf, .cap = size, .safe = row->safe };
	char id[24];

	csv_row__char(&r, ',');
	csv_row__str(&r, t->info.host);
	snprintf(id, sizeof(id), "%016llx", (unsigned long long)t->info.recording_id);
	csv_row__char(&r, ',');
	csv_row__str(&r, id);
	row->tail = buf;
	row->tail_len = r.len;
}

/* --schema: the CREATE TABLE of each table wanted (all with NULL). */
static int print_schema(int engine, const bool *wanted, unsigned int with)
{
	for (int k = 0; k < CSV__COUNT; k++) {
		if (wanted && !wanted[k])
			continue;
		csv_schema__create(stdout, engine, &csvs[k].t, with);
	}
	if (fflush(stdout) || ferror(stdout)) {
		pr_warn("(stdout): %s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct csv_row row = { 0 };
	static const struct option opts[] = {
		{ "directory", required_argument, NULL, 'd' },
		{ "monitors", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "threshold", required_argument, NULL, OPT_LONG_BASE },
		{ "with-container", no_argument, NULL, OPT_LONG_BASE + 1 },
		{ "safe", no_argument, NULL, OPT_LONG_BASE + 2 },
		{ "force", no_argument, NULL, OPT_LONG_BASE + 3 },
		{ "threads", required_argument, NULL, 'j' },
		{ "schema", required_argument, NULL, OPT_LONG_BASE + 4 },
		{ "with-host", no_argument, NULL, OPT_LONG_BASE + 5 },
		{ "format", required_argument, NULL, OPT_LONG_BASE + 6 },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		FILTER_LONG_OPTS,
		{ 0 },
	};
	struct filter_opts fo = { 0 };
	struct slow_thresholds th;
	const char *dir = ".", *output = NULL, *monitors = NULL;
	bool wanted[CSV__COUNT] = { 0 };
	struct csv_out out[CSV__COUNT] = { 0 };
	struct outfile ofs[CSV__COUNT] = { 0 };
	unsigned int of_flags = 0;
	bool keep = false; /* the CSVs are renamed to their names */
	uint64_t func_counts = 0, func_calls = 0; /* -m func on a count-mode trace: said */
	char paths[CSV__COUNT][4096];
	const struct tt_record *rec;
	struct tape *tape = NULL;
	char err[512];
	int opt, ret, nwanted = 0, status = EXIT_FAIL;
	unsigned int with = 0; /* CSV_WITH_* */
	int schema = -1;       /* --schema's enum csv_engine */
	char tail[CSV_LAST_MAX];
	bool parquet = false; /* --format parquet */
	struct csv_parquet *pq[CSV__COUNT] = { 0 };
	int threads = cli__default_threads(TT_MAX_READ_THREADS);

	log__init(argv[0]);
	slow_thresholds__init(&th);
	row.time_ns = true; /* every file's last column (csv_schema__columns) */
	while ((opt = getopt_long(argc, argv, "d:m:o:j:hV" FILTER_SHORT_OPTS, opts, NULL)) != -1) {
		if (filter_opts__parse(&fo, opt, optarg))
			continue;
		switch (opt) {
		case 'd': dir = optarg; break;
		case 'm': monitors = optarg; break;
		case 'o': output = optarg; break;
		case OPT_LONG_BASE:
			if (slow_thresholds__parse(&th, optarg))
				die(EXIT_USAGE, "--threshold: expected CATEGORY=DURATION "
				    "(file_io=2ms), not '%s'", optarg);
			break;
		case OPT_LONG_BASE + 1: with |= CSV_WITH_CONTAINER; break;
		case OPT_LONG_BASE + 2: row.safe = true; break;
		case OPT_LONG_BASE + 3: of_flags |= OUTFILE_FORCE; break;
		case OPT_LONG_BASE + 4:
			schema = csv_schema__engine(optarg);
			if (schema < 0)
				die(EXIT_USAGE, "--schema: expected clickhouse, postgres, duckdb or "
				    "sqlite, not '%s'", optarg);
			break;
		case OPT_LONG_BASE + 5: with |= CSV_WITH_HOST; break;
		case OPT_LONG_BASE + 6:
			if (strcmp(optarg, "csv") && strcmp(optarg, "parquet"))
				die(EXIT_USAGE, "--format: expected csv or parquet, not '%s'", optarg);
			parquet = !strcmp(optarg, "parquet");
			break;
		case 'j':
			if (cli__parse_threads(optarg, TT_MAX_READ_THREADS, &threads))
				die(EXIT_USAGE, "-j: expected a thread count from 1 to %d, not '%s'",
				    TT_MAX_READ_THREADS, optarg);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			cli__print_version(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help'.\n", log__progname());
			return EXIT_USAGE;
		}
	}
	if (optind >= argc && schema < 0)
		die(EXIT_USAGE, "no trace given (try '%s --help')", log__progname());
	if ((of_flags & OUTFILE_FORCE) && output && !strcmp(output, "-"))
		die(EXIT_USAGE, "--force replaces files: not with -o -");
	if (monitors && parse_monitors(monitors, wanted, err, sizeof(err)))
		die(EXIT_USAGE, "-m: unknown monitor '%s' (exec, syscall, process, func, packet, "
		    "signal)", err);
	if (schema >= 0 && optind >= argc) /* the tables of -m, or all */
		return print_schema(schema, monitors ? wanted : NULL, with);

	if (tape__open(&tape, argv + optind, argc - optind, err, sizeof(err))) {
		pr_warn("%s", err);
		return EXIT_FAIL;
	}
	if (tape__filter(tape, &fo, err, sizeof(err))) {
		pr_warn("%s", err);
		status = EXIT_USAGE;
		goto cleanup;
	}
	tape__set_threads(tape, threads);
	if (with & CSV_WITH_HOST)
		host_tail(tape, &row, tail, sizeof(tail));
	for (int k = 0; k < CSV__COUNT; k++) {
		bool recorded = tape->info.monitors & (1u << csvs[k].monitor);

		if (monitors && wanted[k] && !recorded) {
			pr_warn("%s: the %s monitor was not recorded: no %s events", argv[optind],
				tt_monitor__name(csvs[k].monitor), csvs[k].t.name);
			goto cleanup;
		}
		if (!monitors)
			wanted[k] = recorded;
		nwanted += wanted[k];
	}
	if (schema >= 0) {
		status = print_schema(schema, wanted, with);
		goto cleanup;
	}
	if (output && nwanted != 1) {
		pr_warn("-o writes one monitor: choose it with -m (this trace has %d)", nwanted);
		status = EXIT_USAGE;
		goto cleanup;
	}
	for (int k = 0; k < CSV__COUNT; k++) {
		FILE *f;

		if (!wanted[k])
			continue;
		f = open_csv(tape, dir, output, k, parquet ? "parquet" : "csv", &ofs[k], of_flags,
			     paths[k], sizeof(paths[k]), err, sizeof(err));
		if (!f) {
			pr_warn("%s", err);
			goto cleanup;
		}
		if (csv_out__init(&out[k], f)) {
			pr_warn("out of memory");
			goto cleanup;
		}
		if (parquet) {
			/* rows are made in out[k] as CSV, then moved into pq[k] */
			pq[k] = csv_parquet__new(f, &csvs[k].t, with);
			if (!pq[k]) {
				pr_warn("%s: %s", paths[k], strerror(errno));
				goto cleanup;
			}
			continue;
		}
		csv_schema__header(f, &csvs[k].t, with);
		/* without a thread for it, rows are written by this one */
		if (threads > 1)
			csv_out__background(&out[k]);
	}
	while ((ret = tape__next(tape, &rec)) > 0) {
		int k = csv_of(rec->type);

		if (rec->type == TT_REC_FUNC_STATS)
			func_counts++;
		else if (rec->type == TT_REC_FUNC_CALL)
			func_calls++;
		if (k < 0 || !out[k].f)
			continue;
		if (with & CSV_WITH_CONTAINER)
			row.last = container_id(tape, rec);
		csv_row__begin(&row, &out[k]);
		switch (k) {
		case CSV_SYSCALL: row_syscall(&row, tape, &th, &rec->syscall); break;
		case CSV_EXEC: row_exec(&row, tape, &rec->exec); break;
		case CSV_PROCESS: row_process(&row, tape, rec); break;
		case CSV_PACKET: row_packet(&row, tape, &rec->packet); break;
		case CSV_FUNC: row_func(&row, tape, &rec->func_call); break;
		case CSV_SIGNAL: row_signal(&row, tape, &rec->signal); break;
		}
		csv_row__end(&row, &out[k]);
		if (pq[k]) {
			size_t len = out[k].len; /* the row, at the buffer's start */

			out[k].len = 0; /* never written */
			if (csv_parquet__row(pq[k], out[k].buf, len, err, sizeof(err))) {
				pr_warn("%s: %s", paths[k], err);
				goto cleanup;
			}
		}
	}
	if (ret < 0) {
		pr_warn("%s", tape__error(tape));
		goto cleanup;
	}
	for (int k = 0; k < CSV__COUNT; k++) {
		int e = pq[k] ? csv_parquet__finish(pq[k]) : 0;

		pq[k] = NULL;
		if (e) {
			pr_warn("%s: %s", paths[k], strerror(-e));
			goto cleanup;
		}
	}
	/* a truncated trace's CSVs are kept: they hold what it held */
	keep = true;
	if (out[CSV_FUNC].f && func_counts && !func_calls)
		pr_warn("the trace holds function counts (rec --func-mode count), not calls: the "
			"func CSV has no rows (analyze --funcs shows the counts)");
	if (tape__truncated(tape, err, sizeof(err))) {
		pr_warn("%s: truncated (recorder killed or file cut short): the CSVs hold the "
			"events up to its last complete chunk", err);
		goto cleanup;
	}
	status = EXIT_OK;
cleanup:
	for (int k = 0; k < CSV__COUNT; k++) {
		FILE *f = out[k].f;
		bool bad;

		csv_parquet__free(pq[k]);
		if (!f)
			continue;
		csv_out__release(&out[k]);
		if (f != stdout) {
			/* after an error, nothing is left under the final name */
			if (!keep) {
				outfile__discard(&ofs[k]);
			} else if (outfile__commit(&ofs[k], err, sizeof(err))) {
				pr_warn("%s", err);
				status = EXIT_FAIL;
			}
			continue;
		}
		bad = ferror(f);
		bad |= fflush(stdout) != 0;
		if (bad) {
			pr_warn("%s: %s", paths[k], strerror(errno));
			status = EXIT_FAIL;
		}
	}
	tape__close(tape);
	return status;
}
