/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * analyze's views: each sees every event that passed the filters, then
 * reports through the table renderer (text or JSON).
 */
#ifndef __TT_VIEWS_H
#define __TT_VIEWS_H

#include <stdbool.h>
#include <stdio.h>

#include "slow.h"
#include "table.h"
#include "tape.h"

struct view_opts {
	int top_n;                  /* rows of top tables */
	bool per_process;           /* --summary, --funcs per process */
	uint32_t tid;               /* --calls --tid: one thread, 0 for all */
	const char *latency_syscall; /* --latency=NAME, or NULL for each syscall */
	struct slow_thresholds slow;
	const char *rules_path;     /* --alerts RULES.yaml, or NULL for the built-in rules */
	int fail_on;                /* --fail-on: enum alert_severity, or -1 */
	const char *html_path;      /* --html FILE */
	bool force;                 /* --force: replace the file at html_path */
	bool fd_names;              /* --fd-names: name fds as strace -y (tape->fds) */
	const struct flow_spec *flow; /* --flow 'SRC DST' (also with --calls) */
	char *const *paths;         /* the traces named, for reports that list them */
	int npaths;
};

struct view {
	const char *name;
	/* Events are printed as they come: the header goes after them. */
	bool streams;
	/* Only counts: events may come in read order (see tape__any_order). */
	bool any_order;
	/* State for a run, or NULL with errno set (err says why, for a usage error). */
	void *(*new)(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		     size_t errlen);
	/* A view that reads the trace twice: scan sees every event first (on a
	 * tape of its own, with the same filters), then scan_end; event the
	 * second time. NULL for one reading. */
	void (*scan)(void *state, struct tape *t, const struct tt_record *rec);
	void (*scan_end)(void *state, struct tape *t, struct report *r);
	void (*event)(void *state, struct tape *t, const struct tt_record *rec);
	void (*report)(void *state, struct tape *t, struct report *r);
	void (*free)(void *state);
	/* An exit status of its own (--fail-on), or 0; may be NULL. */
	int (*status)(void *state, const struct view_opts *o);
};

/* The views an option chooses: view_top, view_summary... */
#define VIEW(name, ...) extern const struct view view_##name;
#define HELP(...)
#include "views.def"
#undef VIEW
#undef HELP
/* --latency=NAME where NAME is not a syscall: a function's histogram. */
extern const struct view view_func_latency;
/* --flow SPEC --calls: the calls of the threads that handled the flow. */
extern const struct view view_flow_calls;
/* --format prometheus, --format influx */
extern const struct view view_prometheus, view_influx;

/* --html's data (the views' JSON documents as one) from view_html's state,
 * made with no html_path; the state is spent. 0 or -ENOMEM. */
int view_html__data(void *state, struct tape *t, char **data, size_t *len);

/* One row of views.def: an option that chooses a view, or a help entry. */
struct view_option {
	const char *name;        /* the long option, without "--"; NULL: help only */
	int has_arg;             /* as getopt_long's */
	const struct view *view; /* NULL: help only */
	const char *synopsis;    /* the option as --help shows it */
	const char *help;        /* its lines, joined with "\n" */
};

/* The number of views.def rows, for arrays sized at compile time. */
enum {
	VIEW_OPTIONS_COUNT = 0
#define VIEW(...) + 1
#define HELP(...) + 1
#include "views.def"
#undef VIEW
#undef HELP
};

/* views.def's rows in order, then one with a NULL synopsis. */
extern const struct view_option view_options[VIEW_OPTIONS_COUNT + 1];

/* The entries of --help's Views section. */
void view_options__print_help(FILE *f);

/* The header: files, host, span, monitors, counts, and loud warnings. */
void header__report(struct tape *t, char *const *paths, int npaths, struct report *r);

/* The warnings alone, to stderr (for views whose output has no room on top). */
void header__warn(struct tape *t);

/* rec --flight's triggers (tape->triggers): one's line of text, "snapshot 1:
 * rule unshare-namespace (medium) at TIME by unshare[42/42]: MESSAGE", and
 * a "triggers" array of them all. */
void header__trigger_text(struct tape *t, const struct tape_trigger *tr, char *line, size_t size);
void header__triggers_json(struct tape *t, struct json *j);

#endif /* __TT_VIEWS_H */
