// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* analyze: the offline views of a trace (top, summary, errors, slow calls,
 * latency, process tree, events), as text or JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "alerts.h"
#include "flow_spec.h"
#include "follow.h"
#include "groupby.h"
#include "log.h"
#include "serve.h"
#include "trace.h"
#include "views.h"

enum {
	OPT_PER_PROCESS = OPT_LONG_BASE,
	OPT_THRESHOLD,
	OPT_FORMAT,
	OPT_JSON,
	OPT_FOLLOW,
	OPT_FAIL_ON,
	OPT_TID,
	OPT_FORCE,
	OPT_FD_NAMES,
	OPT_SERVE,
	/* past the filters' values: OPT_VIEW + i chooses view_options[i] */
	OPT_VIEW = OPT_LONG_BASE + 128,
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: analyze [VIEW] [FILTERS] [OPTIONS] TRACE...\n"
"Offline views of traces recorded by rec. TRACE is a file or a directory of\n"
"rotated files; several are read as one recording.\n"
"\n"
"Views (one, or --flow with --calls; the default is --top):\n");
	view_options__print_help(f);
	fprintf(f,
"\n"
"Following:\n"
"      --follow             read TRACE (the name given to rec -o) while rec\n"
"                           writes it, through its rotations, until the\n"
"                           recording ends or Ctrl-C; --top shows a live\n"
"                           screen every second, then the totals\n"
"      --serve [ADDR:]PORT  follow TRACE as --follow does, and serve it\n"
"                           over HTTP until Ctrl-C (not at the recording's\n"
"                           end): / a live page (--html's, redrawn every\n"
"                           second), /metrics (--format prometheus),\n"
"                           /api/VIEW?FILTERS (a view's --json; the filters\n"
"                           by their long names: ?pid=1&failed), /events\n"
"                           (the alerts as they fire, Server-Sent Events;\n"
"                           with --alerts RULES.yaml, its rules too); on\n"
"                           127.0.0.1 unless ADDR is given\n"
"\n"
FILTER_HELP
"\n"
"Output:\n"
"      --json               one JSON document with the same content\n"
"      --format FMT         instead of a view: prometheus (text exposition for\n"
"                           node_exporter's textfile collector) or influx\n"
"                           (InfluxDB line protocol, one point per second)\n"
"      --force              let --html replace a file that exists\n"
"      --fd-names           with --events or --alerts: each fd with what it\n"
"                           is, as strace -y: read(3</etc/hostname>, ...);\n"
"                           from the trace's own opens, sockets, dups and\n"
"                           closes and rec's list of fds at start; an fd it\n"
"                           does not tell stays a bare number\n"
"  -n, --top-n N            rows of each top table (default 10)\n"
"  -j, --threads N          threads reading the trace (1-64; default one per\n"
"                           CPU): the others decompress ahead; the output\n"
"                           is the same for any N\n"
"  -h, --help               this help\n"
"  -V, --version            versions of analyze and its libraries\n"
"\n"
"Exit status: 0 ok, 1 unreadable, truncated or newer-format trace, 2 usage,\n"
"3 an alert of the --fail-on severity fired.\n"
"\n"
"Examples:\n"
"  analyze trace.zst --top                      # the one-screen overview\n"
"  analyze trace.zst --summary -p 1234 --children\n"
"  analyze trace.zst --events -e openat --failed\n"
"  analyze trace.zst --events --fd-names -e read,write,connect\n"
"  analyze traces/ --slow --threshold file_io=200us\n"
"  analyze trace.zst --latency=read --json | jq .\n"
"  analyze trace.zst --events --since 12:00:01 --until 12:00:02\n"
"  analyze web.zst --connections                # after rec -m packet\n"
"  analyze web.zst --flow '[::1]:8080 ::1'      # one flow, packets and syscalls\n"
"  analyze --follow trace.zst -e openat,connect # live, while rec runs\n"
"  analyze --serve 8080 run.zst                 # http://127.0.0.1:8080/\n"
"  analyze trace.zst --alerts rules.yaml --fail-on high\n"
"  analyze trace.zst --html report.html\n"
"  analyze f.zst --funcs --per-process          # after rec -m func\n"
"  analyze f.zst --calls --tid 4242             # after rec --func-mode calls\n"
"  analyze f.zst --flow '[::1]:8080 ::1' --calls  # that flow's threads' calls\n"
"  analyze trace.zst --containers -c 3f4e5d6c7b8a\n"
"  analyze trace.zst --format prometheus > /var/lib/node_exporter/tracetape.prom\n");
}

/* The view --VIEW makes with the one chosen before it (NULL for none), or
 * NULL when they do not go together: --flow and --calls make the calls of
 * the flow's threads. */
static const struct view *add_view(const struct view *view, const struct view *next)
{
	if (!view || view == next)
		return next;
	if ((view == &view_flow || view == &view_calls || view == &view_flow_calls) &&
	    (next == &view_flow || next == &view_calls))
		return &view_flow_calls;
	return NULL;
}

/*
 * The first reading of a view that reads the traces twice, on a tape of its
 * own with the same filters. A read error only ends it: the second reading
 * meets it again and reports it. Returns 0, or -1 with the error said.
 */
static int scan(const struct view *view, void *state, char *const *paths, int npaths,
		int threads, const struct filter_opts *fo, struct report *rep)
{
	const struct tt_record *rec;
	struct tape *t = NULL;
	char err[512];

	if (tape__open(&t, paths, npaths, err, sizeof(err)) ||
	    tape__filter(t, fo, err, sizeof(err))) {
		pr_warn("%s", err);
		tape__close(t);
		return -1;
	}
	tape__set_threads(t, threads);
	while (tape__next(t, &rec) > 0)
		view->scan(state, t, rec);
	view->scan_end(state, t, rep);
	tape__close(t);
	return 0;
}

/* analyze's own options; views.def has those that choose a view. */
static const struct option own_options[] = {
	{ "per-process", no_argument, NULL, OPT_PER_PROCESS },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "serve", required_argument, NULL, OPT_SERVE },
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "tid", required_argument, NULL, OPT_TID },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "fd-names", no_argument, NULL, OPT_FD_NAMES },
	{ "threads", required_argument, NULL, 'j' },
	{ "top-n", required_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	FILTER_LONG_OPTS,
	{ 0 },
};

/* getopt_long's table: the options of view_options[], then analyze's own. */
static void long_options__fill(struct option *opts)
{
	for (int i = 0; view_options[i].synopsis; i++) {
		if (view_options[i].name)
			*opts++ = (struct option){ view_options[i].name, view_options[i].has_arg,
						   NULL, OPT_VIEW + i };
	}
	memcpy(opts, own_options, sizeof(own_options));
}

/* --alerts takes its rules file as the next argument when it names one. */
static bool is_rules_file(const char *s)
{
	size_t n = strlen(s);

	return (n > 5 && !strcmp(s + n - 5, ".yaml")) || (n > 4 && !strcmp(s + n - 4, ".yml"));
}

/* The argument of the option that chose view v, where v reads it. */
static void view_opts__take_arg(struct view_opts *vo, const struct view *v, char *arg,
				struct flow_spec *flow, int argc, char **argv)
{
	char err[512];

	if (v == &view_latency)
		vo->latency_syscall = arg;
	if (v == &view_alerts && !arg && optind < argc && is_rules_file(argv[optind]))
		arg = argv[optind++];
	if (v == &view_alerts)
		vo->rules_path = arg;
	if (v == &view_html)
		vo->html_path = arg;
	if (v == &view_flow && flow_spec__parse(arg, flow, err, sizeof(err)))
		die(EXIT_USAGE, "%s", err);
	if (v == &view_flow)
		vo->flow = flow;
}

/* One run of analyze: what the command line asks for, then the reading. */
struct run {
	struct view_opts vo;
	struct flow_spec flow;
	struct filter_opts fo;
	const struct view *view;
	bool want_json, follow;
	const char *serve;    /* --serve [ADDR:]PORT, or NULL */
	struct serve_addr addr;
	int threads;          /* -j */
	struct tape *tape;
	void *state;          /* the view's */
	struct json json;
	struct report rep;
	int read_ret;         /* the last tape__next (or follow__run): 0 at the end, <0 error */
	int status;           /* the exit status */
};

/* The options into r; exits on --help, --version or a usage error. */
static void run__parse_options(struct run *r, int argc, char **argv)
{
	struct option opts[sizeof(own_options) / sizeof(own_options[0]) + VIEW_OPTIONS_COUNT];
	struct view_opts *vo = &r->vo;
	const struct view *next;
	uint64_t n;
	int opt;

	long_options__fill(opts);
	while ((opt = getopt_long(argc, argv, "n:j:hV" FILTER_SHORT_OPTS, opts, NULL)) != -1) {
		if (filter_opts__parse(&r->fo, opt, optarg))
			continue;
		if (opt >= OPT_VIEW) {
			const struct view *chosen = view_options[opt - OPT_VIEW].view;

			next = add_view(r->view, chosen);
			if (!next)
				die(EXIT_USAGE, "only one view at a time (--%s and --%s)%s", r->view->name,
				    chosen->name,
				    chosen == &view_flow || r->view == &view_flow ||
				    r->view == &view_flow_calls ? "; --flow goes with --calls only" : "");
			r->view = next;
			view_opts__take_arg(vo, chosen, optarg, &r->flow, argc, argv);
			continue;
		}
		switch (opt) {
		case OPT_FOLLOW: r->follow = true; break;
		case OPT_SERVE: {
			char err[256];

			if (serve_addr__parse(&r->addr, optarg, err, sizeof(err)))
				die(EXIT_USAGE, "%s", err);
			r->serve = optarg;
			break;
		}
		case OPT_FORMAT:
			if (r->view)
				die(EXIT_USAGE, "--format is instead of a view, not with --%s", r->view->name);
			if (!strcmp(optarg, "prometheus"))
				r->view = &view_prometheus;
			else if (!strcmp(optarg, "influx"))
				r->view = &view_influx;
			else
				die(EXIT_USAGE, "--format: expected prometheus or influx, not '%s'", optarg);
			break;
		case OPT_FAIL_ON:
			vo->fail_on = alert_severity__from_name(optarg);
			if (vo->fail_on < 0)
				die(EXIT_USAGE, "--fail-on: expected info, low, medium, high or critical, "
				    "not '%s'", optarg);
			break;
		case OPT_PER_PROCESS: vo->per_process = true; break;
		case OPT_TID:
			if (cli__parse_u64(optarg, &n) || !n || n > UINT32_MAX)
				die(EXIT_USAGE, "--tid: expected a thread id, not '%s'", optarg);
			vo->tid = n;
			break;
		case OPT_THRESHOLD:
			if (slow_thresholds__parse(&vo->slow, optarg))
				die(EXIT_USAGE, "--threshold: expected CATEGORY=DURATION "
				    "(file_io=2ms), not '%s'", optarg);
			break;
		case OPT_JSON: r->want_json = true; break;
		case OPT_FORCE: vo->force = true; break;
		case OPT_FD_NAMES: vo->fd_names = true; break;
		case 'n':
			if (cli__parse_u64(optarg, &n) || !n || n > 1000000)
				die(EXIT_USAGE, "-n: expected a count from 1, not '%s'", optarg);
			vo->top_n = n;
			break;
		case 'j':
			if (cli__parse_threads(optarg, TT_MAX_READ_THREADS, &r->threads))
				die(EXIT_USAGE, "-j: expected a thread count from 1 to %d, not '%s'",
				    TT_MAX_READ_THREADS, optarg);
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			cli__print_version(stdout);
			exit(EXIT_OK);
		default:
			fprintf(stderr, "Try '%s --help'.\n", log__progname());
			exit(EXIT_USAGE);
		}
	}
}

/* The view (--top if none) and the traces; exits if they do not go together. */
static void run__check(struct run *r, int argc, char **argv)
{
	const struct view_opts *vo = &r->vo;

	if (optind >= argc)
		die(EXIT_USAGE, "no trace given (try '%s --help')", log__progname());
	if (r->serve && r->view && r->view != &view_alerts)
		die(EXIT_USAGE, "--serve serves every view: not with --%s (only --alerts, for "
		    "its rules)", r->view->name);
	if (r->serve && (r->follow || r->want_json))
		die(EXIT_USAGE, "--serve follows and serves JSON itself: not with --%s",
		    r->follow ? "follow" : "json");
	if (r->serve && argc - optind != 1)
		die(EXIT_USAGE, "--serve reads one recording: the name given to rec -o");
	if (!r->view)
		r->view = &view_top;
	if (!r->view->new)
		die(EXIT_USAGE, "--%s is not implemented yet", r->view->name);
	if (vo->per_process && r->view != &view_summary && r->view != &view_funcs)
		die(EXIT_USAGE, "--per-process goes with --summary or --funcs");
	if (vo->tid && r->view != &view_calls && r->view != &view_flow_calls)
		die(EXIT_USAGE, "--tid goes with --calls");
	if (vo->force && r->view != &view_html)
		die(EXIT_USAGE, "--force goes with --html: it lets --html replace a file");
	if (vo->fail_on >= 0 && r->view != &view_alerts)
		die(EXIT_USAGE, "--fail-on goes with --alerts");
	if (vo->fd_names && r->view != &view_events && r->view != &view_alerts)
		die(EXIT_USAGE, "--fd-names goes with --events or --alerts");
	if (r->want_json && (r->view == &view_prometheus || r->view == &view_influx))
		die(EXIT_USAGE, "--%s is a format of its own: not with --json", r->view->name);
	if (r->want_json && r->view == &view_html)
		die(EXIT_USAGE, "--html writes HTML: not with --json");
	r->vo.paths = argv + optind;
	r->vo.npaths = argc - optind;
	if (r->follow && vo->npaths != 1)
		die(EXIT_USAGE, "--follow reads one recording: the name given to rec -o");
	if (r->follow && r->view == &view_html)
		die(EXIT_USAGE, "--html writes a report of a whole trace: not with --follow");
	if (r->follow && r->view->scan)
		die(EXIT_USAGE, "--flow with --calls reads the trace twice: not with --follow");
}

/* Opens the traces (or follows the recording) with the filters. Returns 0,
 * or -1 with the error said and r->status set. */
static int run__open(struct run *r)
{
	char err[512];
	int ret;

	ret = r->follow ? follow__open(&r->tape, r->vo.paths[0], err, sizeof(err)) :
			  tape__open(&r->tape, r->vo.paths, r->vo.npaths, err, sizeof(err));
	if (ret == -EINTR) {
		r->status = EXIT_OK;
		return -1;
	}
	if (ret) {
		pr_warn("%s", err);
		return -1;
	}
	if (tape__filter(r->tape, &r->fo, err, sizeof(err))) {
		pr_warn("%s", err);
		r->status = EXIT_USAGE;
		return -1;
	}
	tape__set_threads(r->tape, r->threads);
	return 0;
}

/* The view's state, the JSON document begun. Returns 0, or -1 as run__open. */
static int run__start_view(struct run *r)
{
	char err[512];

	/* --latency=NAME: a name that is no syscall may be a function (rec -m func). */
	if (r->view == &view_latency && r->vo.latency_syscall &&
	    syscall_table__nr(r->tape->st, r->vo.latency_syscall) < 0)
		r->view = &view_func_latency;
	if (r->view->any_order)
		tape__any_order(r->tape);
	if (r->vo.fd_names && tape__track_fds(r->tape)) {
		pr_warn("out of memory");
		r->status = EXIT_FAIL;
		return -1;
	}
	r->tape->fd_names = r->vo.fd_names;
	if (r->want_json) {
		json__init(&r->json, stdout);
		r->rep.j = &r->json;
		json__obj_begin(&r->json, NULL);
		json__str(&r->json, "view", r->view->name);
	}
	r->state = r->view->new(r->tape, &r->vo, &r->rep, err, sizeof(err));
	if (!r->state) {
		pr_warn("%s", err);
		r->status = errno == EINVAL ? EXIT_USAGE : EXIT_FAIL;
		return -1;
	}
	return 0;
}

/* Every event through the view (a view that reads twice scans first).
 * Returns 0 when read (to the end or to an error, in r->read_ret), or -1
 * as run__open. */
static int run__read(struct run *r)
{
	const struct view *view = r->view;
	const struct tt_record *rec;
	int ret;

	if (view->scan && scan(view, r->state, r->vo.paths, r->vo.npaths, r->threads, &r->fo,
				 &r->rep))
		return -1;
	if (r->follow)
		ret = follow__run(r->tape, view, r->state, &r->vo,
				  view == &view_top && !r->want_json ? stdout : NULL);
	else
		while ((ret = tape__next(r->tape, &rec)) > 0)
			view->event(r->state, r->tape, rec);
	if (ret == -ENOMEM || groupby__lost()) {
		/* A report missing what did not fit would read as the truth. */
		pr_warn("out of memory reading the trace (see README: Guarantees)");
		return -1;
	}
	if (ret < 0) {
		/* Still show what was read: the message says where it stopped. */
		pr_warn("%s", tape__error(r->tape));
	}
	r->read_ret = ret;
	return 0;
}

/* The header and the view's report; the exit status into r->status. */
static void run__report(struct run *r)
{
	const struct view *view = r->view;
	struct tape *tape = r->tape;
	char err[512];
	int ret;

	if (tape->filter.active && tape->events && !tape->matched) {
		/* An empty table alone reads as "nothing happened". */
		filter_opts__describe(&r->fo, err, sizeof(err));
		pr_warn("no event of the trace matches %s", err);
	}
	if (!view->streams)
		header__report(tape, r->vo.paths, r->vo.npaths, &r->rep);
	view->report(r->state, tape, &r->rep);
	if (view->streams) {
		if (r->rep.j)
			header__report(tape, r->vo.paths, r->vo.npaths, &r->rep);
		else
			header__warn(tape);
	}
	if (r->rep.j)
		json__obj_end(&r->json);
	if (r->read_ret == 0 && !tape__truncated(tape, err, sizeof(err)))
		r->status = EXIT_OK;
	else if (r->read_ret == 0)
		pr_warn("%s: truncated (see the warning above)", err);
	ret = view->status ? view->status(r->state, &r->vo) : 0;
	if (ret && r->status == EXIT_OK)
		r->status = ret;
}

int main(int argc, char **argv)
{
	struct run r = {
		.vo = { .top_n = 10, .fail_on = -1 },
		.rep = { .f = stdout },
		.threads = cli__default_threads(TT_MAX_READ_THREADS),
		.status = EXIT_FAIL,
	};

	log__init(argv[0]);
	slow_thresholds__init(&r.vo.slow);
	run__parse_options(&r, argc, argv);
	run__check(&r, argc, argv);
	if (r.serve) {
		r.status = serve__run(&r.addr, r.vo.paths[0], &r.vo, &r.fo, r.threads);
		goto cleanup;
	}
	if (run__open(&r) || run__start_view(&r) || run__read(&r))
		goto cleanup;
	run__report(&r);
cleanup:
	if (r.state)
		r.view->free(r.state);
	tape__close(r.tape);
	if (fflush(stdout) || ferror(stdout)) {
		pr_warn("writing the output: %s", strerror(errno));
		r.status = EXIT_FAIL;
	}
	return r.status;
}
