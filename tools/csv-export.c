// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * csv-export: one CSV per monitor of a trace, with seed 003's columns, for
 * spreadsheets and scripts. Streams: one row per event, in time order.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "flow_spec.h"
#include "csv_row.h"
#include "decode.h"
#include "human.h"
#include "log.h"
#include "slow.h"
#include "tape.h"

enum csv_kind {
	CSV_EXEC,
	CSV_SYSCALL,
	CSV_PROCESS,
	CSV_FUNC,
	CSV_PACKET,
	CSV__COUNT,
};

static const struct {
	const char *name, *header;
	enum tt_monitor_id monitor; /* the recording's monitor that yields these events */
} csvs[CSV__COUNT] = {
	[CSV_EXEC] = { "exec", "timestamp,time_str,comm,uid,pid,ppid,ret,argv", TT_MONITOR_EXEC },
	[CSV_SYSCALL] = { "syscall",
		"timestamp,time_str,monitor_type,pid,tid,cpu,comm,syscall_nr,syscall_name,"
		"category,ret_val,error_name,duration_ns,duration_us,duration_ms,is_error,"
		"is_slow_call", TT_MONITOR_SYSCALL },
	[CSV_PROCESS] = { "process",
		"timestamp,time_str,event,pid,ppid,tid,comm,exit_code,signal,clone_flags",
		TT_MONITOR_EXEC },
	[CSV_FUNC] = { "func", "timestamp,time_str,pid,ppid,uid,comm,func_name,tid,event,duration_ns",
		TT_MONITOR_FUNC },
	[CSV_PACKET] = { "packet", "timestamp,time_str,pid,tid,comm,ifname,direction,protocol,src,"
		"sport,dst,dport,length,pcap_index", TT_MONITOR_PACKET },
};

enum { OPT_HELP = 'h' };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: csv-export [OPTIONS] [FILTERS] TRACE...\n"
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
"      --with-container     append a container_id column to every CSV: the\n"
"                           process's container (empty for the host)\n"
"      --safe               put a ' before text starting with = + - @, which\n"
"                           spreadsheets would run as a formula\n"
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
"  sqlite3 t.db '.import --csv syscall_20261121_120001.csv syscall'\n");
}

/* The argv as one field: arguments joined by spaces, as seed 003 shows them. */
static void put_argv(struct csv_row *r, const char *argv, size_t len)
{
	char joined[CSV_ROW_MAX];

	while (len && !argv[len - 1])
		len--;
	if (len > sizeof(joined))
		len = sizeof(joined);
	for (size_t i = 0; i < len; i++)
		joined[i] = argv[i] ? argv[i] : ' ';
	csv_row__field(r, joined, len);
}

/*
 * timestamp,time_str, -- strftime once per second of the trace, not once
 * per row: the seconds part is kept and only the milliseconds change.
 */
static void put_time(struct csv_row *r, const struct tape *t, uint64_t ts)
{
	static int64_t cached_sec = INT64_MIN;
	static char prefix[48];
	static size_t prefix_len;
	int64_t ns = tape__unix_ns(t, ts), sec = ns / 1000000000;
	int ms = ns % 1000000000 / 1000000;

	if (sec != cached_sec) {
		human__time(prefix, sizeof(prefix), sec * 1000000000, HUMAN_TIME_MS, t->utc);
		prefix_len = strlen(prefix);
		prefix_len = prefix_len >= 3 ? prefix_len - 3 : 0; /* up to the '.' */
		cached_sec = sec;
	}
	csv_row__fixed(r, (uint64_t)ns / 1000, 6);
	csv_row__raw(r, ",[", 2);
	csv_row__raw(r, prefix, prefix_len);
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
}

static void row_syscall(struct csv_row *r, const struct tape *t, const struct slow_thresholds *th,
			const struct tt_syscall *s)
{
	enum syscall_category cat = syscall_table__category(t->st, s->nr);
	bool failed = syscall_failed(s->ret);
	char name[32], err[32];

	put_time(r, t, s->ts);
	csv_row__raw(r, "syscall,", 8);
	csv_row__u64(r, s->pid);
	csv_row__char(r, ',');
	csv_row__u64(r, s->tid);
	csv_row__char(r, ',');
	csv_row__u64(r, s->cpu);
	csv_row__char(r, ',');
	csv_row__str(r, procs__comm(t->procs, s->pid));
	csv_row__char(r, ',');
	csv_row__u64(r, s->nr);
	csv_row__char(r, ',');
	csv_row__str(r, decode__syscall_name(t->st, s->nr, name, sizeof(name)));
	csv_row__char(r, ',');
	csv_row__str(r, syscall_category__name(cat));
	csv_row__char(r, ',');
	csv_row__i64(r, s->ret);
	csv_row__char(r, ',');
	csv_row__str(r, failed ? decode__errno_name(-s->ret, err, sizeof(err)) : "SUCCESS");
	csv_row__char(r, ',');
	csv_row__u64(r, s->duration);
	csv_row__char(r, ',');
	csv_row__fixed(r, s->duration, 3);
	csv_row__char(r, ',');
	csv_row__fixed(r, s->duration, 6);
	csv_row__raw(r, failed ? ",true," : ",false,", failed ? 6 : 7);
	csv_row__str(r, slow_thresholds__is_slow(th, cat, s->duration) ? "true" : "false");
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
		csv_row__str(r, procs__comm(t->procs, x->pid));
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
	put_comm(r, procs__comm(t->procs, c->pid));
	csv_row__char(r, ',');
	if (f)
		csv_row__field(r, f->name.data, f->name.len);
	csv_row__char(r, ',');
	csv_row__u64(r, c->tid);
	csv_row__raw(r, c->event == TT_FUNC_ENTRY ? ",entry," : ",return,", c->event == TT_FUNC_ENTRY ? 7 : 8);
	if (c->event == TT_FUNC_RETURN)
		csv_row__u64(r, c->duration);
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

/* Turn -m's list into wanted[]; 0, or -EINVAL naming the bad word in bad. */
static int parse_monitors(const char *list, bool *wanted, char *bad, size_t badlen)
{
	char *copy = strdup(list), *save = NULL, *w;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (w = strtok_r(copy, ",", &save); w && !ret; w = strtok_r(NULL, ",", &save)) {
		int k;

		for (k = 0; k < CSV__COUNT && strcmp(w, csvs[k].name); k++)
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

static FILE *open_csv(const struct tape *t, const char *dir, const char *output, int k,
		      char *path, size_t size)
{
	char stamp[32];
	FILE *f;

	if (output && !strcmp(output, "-")) {
		snprintf(path, size, "(stdout)");
		return stdout;
	}
	if (output) {
		snprintf(path, size, "%s", output);
	} else {
		human__time(stamp, sizeof(stamp), tape__unix_ns(t, t->info.start_ns),
			    HUMAN_TIME_FILE, t->utc);
		snprintf(path, size, "%s/%s_%s.csv", dir, csvs[k].name, stamp);
	}
	f = fopen(path, "w");
	if (f)
		setvbuf(f, NULL, _IOFBF, 1 << 20); /* fewer, larger writes */
	return f;
}

int main(int argc, char **argv)
{
	static struct csv_row row; /* 16 KiB: not on the stack */
	static const struct option opts[] = {
		{ "directory", required_argument, NULL, 'd' },
		{ "monitors", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "threshold", required_argument, NULL, OPT_LONG_BASE },
		{ "with-container", no_argument, NULL, OPT_LONG_BASE + 1 },
		{ "safe", no_argument, NULL, OPT_LONG_BASE + 2 },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		FILTER_LONG_OPTS,
		{ 0 },
	};
	struct filter_opts fo = { 0 };
	struct slow_thresholds th;
	const char *dir = ".", *output = NULL, *monitors = NULL;
	bool wanted[CSV__COUNT] = { 0 };
	FILE *out[CSV__COUNT] = { 0 };
	char paths[CSV__COUNT][4096];
	const struct tt_record *rec;
	struct tape *tape = NULL;
	char err[512];
	int opt, ret, nwanted = 0, status = EXIT_FAIL;
	bool with_container = false;

	log__init(argv[0]);
	slow_thresholds__init(&th);
	while ((opt = getopt_long(argc, argv, "d:m:o:hV" FILTER_SHORT_OPTS, opts, NULL)) != -1) {
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
		case OPT_LONG_BASE + 1: with_container = true; break;
		case OPT_LONG_BASE + 2: row.safe = true; break;
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
	if (optind >= argc)
		die(EXIT_USAGE, "no trace given (try '%s --help')", log__progname());
	if (monitors && parse_monitors(monitors, wanted, err, sizeof(err)))
		die(EXIT_USAGE, "-m: unknown monitor '%s' (exec, syscall, process, func, packet)", err);

	if (tape__open(&tape, argv + optind, argc - optind, err, sizeof(err))) {
		pr_warn("%s", err);
		return EXIT_FAIL;
	}
	if (tape__filter(tape, &fo, err, sizeof(err))) {
		pr_warn("%s", err);
		status = EXIT_USAGE;
		goto cleanup;
	}
	for (int k = 0; k < CSV__COUNT; k++) {
		bool recorded = tape->info.monitors & (1u << csvs[k].monitor);

		if (monitors && wanted[k] && !recorded) {
			pr_warn("%s: the %s monitor was not recorded: no %s events", argv[optind],
				tt_monitor__name(csvs[k].monitor), csvs[k].name);
			goto cleanup;
		}
		if (!monitors)
			wanted[k] = recorded;
		nwanted += wanted[k];
	}
	if (output && nwanted != 1) {
		pr_warn("-o writes one monitor: choose it with -m (this trace has %d)", nwanted);
		status = EXIT_USAGE;
		goto cleanup;
	}
	for (int k = 0; k < CSV__COUNT; k++) {
		if (!wanted[k])
			continue;
		out[k] = open_csv(tape, dir, output, k, paths[k], sizeof(paths[k]));
		if (!out[k]) {
			pr_warn("%s: %s", paths[k], strerror(errno));
			goto cleanup;
		}
		fprintf(out[k], "%s%s\r\n", csvs[k].header, with_container ? ",container_id" : "");
	}
	while ((ret = tape__next(tape, &rec)) > 0) {
		if (with_container)
			row.last = container_id(tape, rec);
		if (rec->type == TT_REC_SYSCALL && out[CSV_SYSCALL]) {
			row_syscall(&row, tape, &th, &rec->syscall);
			csv_row__end(&row, out[CSV_SYSCALL]);
		} else if (rec->type == TT_REC_EXEC && out[CSV_EXEC]) {
			row_exec(&row, tape, &rec->exec);
			csv_row__end(&row, out[CSV_EXEC]);
		} else if ((rec->type == TT_REC_FORK || rec->type == TT_REC_EXIT) && out[CSV_PROCESS]) {
			row_process(&row, tape, rec);
			csv_row__end(&row, out[CSV_PROCESS]);
		} else if (rec->type == TT_REC_PACKET && out[CSV_PACKET]) {
			row_packet(&row, tape, &rec->packet);
			csv_row__end(&row, out[CSV_PACKET]);
		} else if (rec->type == TT_REC_FUNC_CALL && out[CSV_FUNC]) {
			row_func(&row, tape, &rec->func_call);
			csv_row__end(&row, out[CSV_FUNC]);
		}
	}
	if (ret < 0) {
		pr_warn("%s", tape__error(tape));
		goto cleanup;
	}
	if (tape__truncated(tape, err, sizeof(err))) {
		pr_warn("%s: truncated (recorder killed or file cut short): the CSVs hold the "
			"events up to its last complete chunk", err);
		goto cleanup;
	}
	status = EXIT_OK;
cleanup:
	for (int k = 0; k < CSV__COUNT; k++) {
		bool bad;

		if (!out[k])
			continue;
		bad = ferror(out[k]);
		bad |= (out[k] == stdout ? fflush(stdout) : fclose(out[k])) != 0;
		if (bad) {
			pr_warn("%s: %s", paths[k], strerror(errno));
			status = EXIT_FAIL;
		}
	}
	tape__close(tape);
	return status;
}
