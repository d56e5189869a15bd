// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE /* strchrnul */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "rec_options.h"
#include "trace.h"

/* getopt_long's values of the long-only options: rec's own, then one per
 * settings row, OPT_SETTING + the row. */
enum { OPT_CONFIG = OPT_LONG_BASE, OPT_SETTING };

/*
 * The options that are not settings, parsed in rec_options__parse(): --config
 * is read before all others, wherever it stands, so that they override it;
 * -v counts; -h and -V print and exit. Each has its --help entry, printed
 * after the settings' of its group, as has "--", which ends the options.
 */
static const struct own_option {
	struct rec_option opt; /* name NULL: a --help line only, arg its synopsis */
	int val;               /* getopt_long's */
} own[] = {
	{ { NULL, 0, "-- COMMAND [ARGS]", REC_G_SCOPE,
	    "run COMMAND, record it and its descendants, exit with\n"
	    "its exit status" } },
	{ { "config", 0, "FILE", REC_G_OUTPUT, "YAML settings (samples/rec.yaml); options override it" },
	  OPT_CONFIG },
	{ { "verbose", 'v', NULL, REC_G_RUNNING, "more messages (-vv: libbpf's too)" }, 'v' },
	{ { "help", 'h', NULL, REC_G_RUNNING, "this help" }, 'h' },
	{ { "version", 'V', NULL, REC_G_RUNNING, "versions of rec and its libraries" }, 'V' },
};
#define NOWN (sizeof(own) / sizeof(own[0]))

static const char *const headings[REC_G__COUNT] = {
	[REC_G_MONITORS] = "Monitors and capture:",
	[REC_G_VOLUME] = "Volume (syscall events, decided in the kernel; the trace header says so):",
	[REC_G_PACKETS] = "Packets (-m packet: every local socket of every network namespace, with the\n"
			  "process owning the socket; not limited by -p, --comm, -u or -- COMMAND):",
	[REC_G_FUNCS] = "Functions (-m func; kernel functions need kprobes or fentry):",
	[REC_G_SCOPE] = "Scope (filtered in the kernel; rec never records itself):",
	[REC_G_OUTPUT] = "Output:",
	[REC_G_FLIGHT] = "Flight recorder (--flight: the last minutes kept in memory, written when a\n"
			 "trigger fires, as a snapshot named after -o and the trigger's time):",
	[REC_G_RUNNING] = "Running:",
};

static void add_option(struct rec_getopt *g, const struct rec_option *o, int val, size_t *n, char **s)
{
	g->longopts[(*n)++] = (struct option){ o->name, o->arg ? required_argument : no_argument,
					       NULL, val };
	if (o->letter) {
		*(*s)++ = o->letter;
		if (o->arg)
			*(*s)++ = ':';
	}
}

int rec_getopt__init(struct rec_getopt *g)
{
	const struct rec_option *o;
	size_t n = 0;
	char *s;

	g->nrows = 0;
	while (rec_config__option(g->nrows))
		g->nrows++;
	g->longopts = calloc(g->nrows + NOWN + 1, sizeof(*g->longopts));
	/* "+": stop at the first word that is not an option, the COMMAND's */
	g->shortopts = s = calloc(1 + 2 * (g->nrows + NOWN) + 1, 1);
	if (!g->longopts || !g->shortopts) {
		rec_getopt__free(g);
		return -ENOMEM;
	}
	*s++ = '+';
	for (int i = 0; (o = rec_config__option(i)); i++) {
		if (o->name)
			add_option(g, o, o->letter ?: OPT_SETTING + i, &n, &s);
	}
	for (size_t i = 0; i < NOWN; i++) {
		if (own[i].opt.name)
			add_option(g, &own[i].opt, own[i].val, &n, &s);
	}
	return 0;
}

void rec_getopt__free(struct rec_getopt *g)
{
	free(g->longopts);
	free(g->shortopts);
	g->longopts = NULL;
	g->shortopts = NULL;
}

/* The settings row of getopt_long's value, or -1 for one of rec's own. */
static int setting_row(const struct rec_getopt *g, int val)
{
	const struct rec_option *o;

	if (val >= OPT_SETTING && val < OPT_SETTING + g->nrows)
		return val - OPT_SETTING;
	for (int i = 0; (o = rec_config__option(i)); i++) {
		if (o->name && o->letter && o->letter == val)
			return i;
	}
	return -1;
}

#define HELP_COLUMN 27 /* where an option's help starts */

/* "  -o, --output FILE        trace file ...", its other lines under the first. */
static void print_option(FILE *f, const struct rec_option *o)
{
	const char *line = o->help, *end;
	char synopsis[64];
	int len;

	if (!o->name)
		len = snprintf(synopsis, sizeof(synopsis), "%s", o->arg);
	else
		len = snprintf(synopsis, sizeof(synopsis), "%c%c%s--%s%s%s", o->letter ? '-' : ' ',
			       o->letter ?: ' ', o->letter ? ", " : "  ", o->name, o->arg ? " " : "",
			       o->arg ?: "");
	end = strchrnul(line, '\n');
	/* A synopsis too long for its column keeps two spaces before the help. */
	if (len <= HELP_COLUMN - 3)
		fprintf(f, "  %-*s %.*s\n", HELP_COLUMN - 3, synopsis, (int)(end - line), line);
	else
		fprintf(f, "  %s  %.*s\n", synopsis, (int)(end - line), line);
	while (*end) {
		line = end + 1;
		end = strchrnul(line, '\n');
		fprintf(f, "%*s%.*s\n", HELP_COLUMN, "", (int)(end - line), line);
	}
}

void rec_options__usage(FILE *f)
{
	const struct rec_option *o;

	fprintf(f,
"Usage: rec [OPTIONS] [-- COMMAND [ARGS...]]\n"
"Record syscall and process events with eBPF into a zstd-compressed trace.\n"
"Without a COMMAND or -p, records the whole system until Ctrl-C, -T or SIGTERM.\n");
	for (int g = 0; g < REC_G__COUNT; g++) {
		fprintf(f, "\n%s\n", headings[g]);
		for (int i = 0; (o = rec_config__option(i)); i++) {
			if (o->name && o->group == (enum rec_group)g)
				print_option(f, o);
		}
		for (size_t i = 0; i < NOWN; i++) {
			if (own[i].opt.group == (enum rec_group)g)
				print_option(f, &own[i].opt);
		}
	}
	fprintf(f,
"\n"
"Signals: SIGINT/SIGTERM stop cleanly (with a COMMAND: passed on to it, and rec\n"
"records until it exits; a second one stops rec at once), SIGUSR1 starts a new\n"
"file (not with --flight), SIGUSR2 writes a snapshot (with --flight), SIGHUP\n"
"re-reads the --config file and applies its comm/user/container/syscall\n"
"filters with no gap.\n"
"\n"
"Examples:\n"
"  rec -m syscall,exec -o trace.zst            # whole system until Ctrl-C\n"
"  rec -o build.zst -- make -j4                # one command and its children\n"
"  rec -p 1234 -e file_io,network -T 30        # a running process for 30 s\n"
"  rec --errors-only --max-rate 1000 -T 60     # failed calls; 1000/s per CPU\n"
"  rec -c 3f4e5d6c7b8a -o web.zst              # one container (docker ps's id)\n"
"  rec -C 100 -W 10 -o ring.zst                # ten files of ~100 MB, a ring\n"
"  rec -m packet,syscall -o web.zst -- curl http://[::1]:8080/\n"
"                                              # and web.pcapng, for Wireshark\n"
"  rec -m packet -f 'tcp port 443' -T 60       # one minute of HTTPS traffic\n"
"  rec --flight 256M --trigger builtin -o f.zst  # the last 256 MB, kept in\n"
"                                              # memory; a snapshot on an alert\n"
"  rec -m packet -i eth0 -o gw.zst             # local sockets and all of eth0\n"
"  analyze trace.zst --top                     # then look at it\n");
}

int rec_options__parse(int argc, char **argv, struct rec_config *c, int *cmd_index)
{
	struct rec_getopt g;
	const char *config = NULL;
	bool *given = NULL; /* per row: given before on this line */
	char err[512] = "";
	int opt, ret;

	/* The config file comes first, whatever its place on the line. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			config = argv[i] + 9;
	}
	rec_config__defaults(c);
	if (config && rec_config__load_yaml(c, config, err, sizeof(err))) {
		pr_warn("%s", err);
		return -EINVAL;
	}

	ret = rec_getopt__init(&g);
	if (!ret && !(given = calloc(g.nrows, sizeof(*given))))
		ret = -ENOMEM;
	optind = 0; /* a full re-scan, also on SIGHUP */
	while (!ret && (opt = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
		int row = setting_row(&g, opt);

		err[0] = 0;
		if (row >= 0) {
			ret = rec_config__set_option(c, row, optarg, given[row], err, sizeof(err));
			given[row] = true;
			continue;
		}
		switch (opt) {
		case OPT_CONFIG:
			break; /* read above */
		case 'v':
			c->verbose++;
			break;
		case 'h':
			rec_options__usage(stdout);
			exit(EXIT_OK);
		case 'V':
			cli__print_version(stdout);
			exit(EXIT_OK);
		default: /* getopt_long said what */
			fprintf(stderr, "Try 'rec --help' for more information.\n");
			ret = -EINVAL;
			goto out;
		}
	}
	if (ret)
		pr_warn("%s", err[0] ? err : strerror(-ret));
	*cmd_index = optind;
out:
	free(given);
	rec_getopt__free(&g);
	return ret;
}
