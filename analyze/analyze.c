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
#include "log.h"
#include "views.h"

enum {
	OPT_PER_PROCESS = OPT_LONG_BASE,
	OPT_THRESHOLD,
	OPT_FORMAT,
	OPT_JSON,
	OPT_FOLLOW,
	OPT_FAIL_ON,
	OPT_TID,
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
"\n"
FILTER_HELP
"\n"
"Output:\n"
"      --json               one JSON document with the same content\n"
"      --format FMT         instead of a view: prometheus (text exposition for\n"
"                           node_exporter's textfile collector) or influx\n"
"                           (InfluxDB line protocol, one point per second)\n"
"  -n, --top-n N            rows of each top table (default 10)\n"
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
"  analyze traces/ --slow --threshold file_io=200us\n"
"  analyze trace.zst --latency=read --json | jq .\n"
"  analyze trace.zst --events --since 12:00:01 --until 12:00:02\n"
"  analyze web.zst --connections                # after rec -m packet\n"
"  analyze web.zst --flow '[::1]:8080 ::1'      # one flow, packets and syscalls\n"
"  analyze --follow trace.zst -e openat,connect # live, while rec runs\n"
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
		const struct filter_opts *fo, struct report *rep)
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
	{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
	{ "tid", required_argument, NULL, OPT_TID },
	{ "json", no_argument, NULL, OPT_JSON },
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

int main(int argc, char **argv)
{
	struct option opts[sizeof(own_options) / sizeof(own_options[0]) + VIEW_OPTIONS_COUNT];
	struct view_opts vo = { .top_n = 10, .fail_on = -1 };
	struct flow_spec flow;
	struct filter_opts fo = { 0 };
	const struct view *view = NULL, *next;
	struct tape *tape = NULL;
	void *state = NULL;
	struct json json;
	struct report rep = { .f = stdout };
	const struct tt_record *rec;
	bool want_json = false, follow = false;
	char err[512];
	uint64_t n;
	int opt, ret, status = EXIT_FAIL;

	log__init(argv[0]);
	slow_thresholds__init(&vo.slow);
	long_options__fill(opts);
	while ((opt = getopt_long(argc, argv, "n:hV" FILTER_SHORT_OPTS, opts, NULL)) != -1) {
		if (filter_opts__parse(&fo, opt, optarg))
			continue;
		if (opt >= OPT_VIEW) {
			const struct view *chosen = view_options[opt - OPT_VIEW].view;

			next = add_view(view, chosen);
			if (!next)
				die(EXIT_USAGE, "only one view at a time (--%s and --%s)%s", view->name,
				    chosen->name,
				    chosen == &view_flow || view == &view_flow || view == &view_flow_calls ?
				    "; --flow goes with --calls only" : "");
			view = next;
			view_opts__take_arg(&vo, chosen, optarg, &flow, argc, argv);
			continue;
		}
		switch (opt) {
		case OPT_FOLLOW: follow = true; break;
		case OPT_FORMAT:
			if (view)
				die(EXIT_USAGE, "--format is instead of a view, not with --%s", view->name);
			if (!strcmp(optarg, "prometheus"))
				view = &view_prometheus;
			else if (!strcmp(optarg, "influx"))
				view = &view_influx;
			else
				die(EXIT_USAGE, "--format: expected prometheus or influx, not '%s'", optarg);
			break;
		case OPT_FAIL_ON:
			vo.fail_on = alert_severity__from_name(optarg);
			if (vo.fail_on < 0)
				die(EXIT_USAGE, "--fail-on: expected info, low, medium, high or critical, "
				    "not '%s'", optarg);
			break;
		case OPT_PER_PROCESS: vo.per_process = true; break;
		case OPT_TID:
			if (cli__parse_u64(optarg, &n) || !n || n > UINT32_MAX)
				die(EXIT_USAGE, "--tid: expected a thread id, not '%s'", optarg);
			vo.tid = n;
			break;
		case OPT_THRESHOLD:
			if (slow_thresholds__parse(&vo.slow, optarg))
				die(EXIT_USAGE, "--threshold: expected CATEGORY=DURATION "
				    "(file_io=2ms), not '%s'", optarg);
			break;
		case OPT_JSON: want_json = true; break;
		case 'n':
			if (cli__parse_u64(optarg, &n) || !n || n > 1000000)
				die(EXIT_USAGE, "-n: expected a count from 1, not '%s'", optarg);
			vo.top_n = n;
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
	if (optind >= argc)
		die(EXIT_USAGE, "no trace given (try '%s --help')", log__progname());
	if (!view)
		view = &view_top;
	if (!view->new)
		die(EXIT_USAGE, "--%s is not implemented yet", view->name);
	if (vo.per_process && view != &view_summary && view != &view_funcs)
		die(EXIT_USAGE, "--per-process goes with --summary or --funcs");
	if (vo.tid && view != &view_calls && view != &view_flow_calls)
		die(EXIT_USAGE, "--tid goes with --calls");
	if (vo.fail_on >= 0 && view != &view_alerts)
		die(EXIT_USAGE, "--fail-on goes with --alerts");
	if (want_json && (view == &view_prometheus || view == &view_influx))
		die(EXIT_USAGE, "--%s is a format of its own: not with --json", view->name);
	if (want_json && view == &view_html)
		die(EXIT_USAGE, "--html writes HTML: not with --json");
	vo.paths = argv + optind;
	vo.npaths = argc - optind;
	if (follow && argc - optind != 1)
		die(EXIT_USAGE, "--follow reads one recording: the name given to rec -o");
	if (follow && view == &view_html)
		die(EXIT_USAGE, "--html writes a report of a whole trace: not with --follow");
	if (follow && view->scan)
		die(EXIT_USAGE, "--flow with --calls reads the trace twice: not with --follow");

	ret = follow ? follow__open(&tape, argv[optind], err, sizeof(err)) :
		       tape__open(&tape, argv + optind, argc - optind, err, sizeof(err));
	if (ret == -EINTR)
		return EXIT_OK;
	if (ret) {
		pr_warn("%s", err);
		return EXIT_FAIL;
	}
	if (tape__filter(tape, &fo, err, sizeof(err))) {
		pr_warn("%s", err);
		status = EXIT_USAGE;
		goto cleanup;
	}
	/* --latency=NAME: a name that is no syscall may be a function (rec -m func). */
	if (view == &view_latency && vo.latency_syscall &&
	    syscall_table__nr(tape->st, vo.latency_syscall) < 0)
		view = &view_func_latency;
	if (view->any_order)
		tape__any_order(tape);
	if (want_json) {
		json__init(&json, stdout);
		rep.j = &json;
		json__obj_begin(&json, NULL);
		json__str(&json, "view", view->name);
	}
	state = view->new(tape, &vo, &rep, err, sizeof(err));
	if (!state) {
		pr_warn("%s", err);
		status = errno == EINVAL ? EXIT_USAGE : EXIT_FAIL;
		goto cleanup;
	}
	if (view->scan && scan(view, state, argv + optind, argc - optind, &fo, &rep))
		goto cleanup;
	if (follow)
		ret = follow__run(tape, view, state, &vo,
				  view == &view_top && !want_json ? stdout : NULL);
	else
		while ((ret = tape__next(tape, &rec)) > 0)
			view->event(state, tape, rec);
	if (ret < 0) {
		/* Still show what was read: the message says where it stopped. */
		pr_warn("%s", tape__error(tape));
	}
	if (tape->filter.active && tape->events && !tape->matched) {
		/* An empty table alone reads as "nothing happened". */
		filter_opts__describe(&fo, err, sizeof(err));
		pr_warn("no event of the trace matches %s", err);
	}
	if (!view->streams)
		header__report(tape, argv + optind, argc - optind, &rep);
	view->report(state, tape, &rep);
	if (view->streams) {
		if (rep.j)
			header__report(tape, argv + optind, argc - optind, &rep);
		else
			header__warn(tape);
	}
	if (rep.j)
		json__obj_end(&json);
	if (ret == 0 && !tape__truncated(tape, err, sizeof(err)))
		status = EXIT_OK;
	else if (ret == 0)
		pr_warn("%s: truncated (see the warning above)", err);
	ret = view->status ? view->status(state, &vo) : 0;
	if (ret && status == EXIT_OK)
		status = ret;
cleanup:
	if (state)
		view->free(state);
	tape__close(tape);
	if (fflush(stdout) || ferror(stdout)) {
		pr_warn("writing the output: %s", strerror(errno));
		status = EXIT_FAIL;
	}
	return status;
}
