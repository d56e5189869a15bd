// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * --html FILE: one self-contained page. The numbers come from the other
 * views, run side by side with their JSON output kept in memory; this file
 * adds only the events-per-second timeline, and html_page.c draws it all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "html_page.h"
#include "log.h"
#include "outfile.h"
#include "views.h"

#define TIMELINE_BINS 240 /* at most; the bin width doubles to keep under it */
#define NSERIES (CAT__COUNT + 1) /* syscall categories, then packets */

/* A view run for the page, its JSON into a buffer. */
struct part {
	const char *key;
	const struct view *view;
	void *state;
	char *buf;
	size_t len;
	FILE *f;
	struct json j;
	struct report rep;
};

struct html {
	struct part parts[5];
	int nparts;
	struct view_opts o;
	uint64_t bin_ns, origin;
	uint64_t bins[TIMELINE_BINS][NSERIES];
	int nbins;
	int failed; /* errno of writing the file */
	struct outfile out; /* open from the start: a name it may not write is
			     * said before the trace is read */
	char why[512];
};

static void html_free(void *state)
{
	struct html *s = state;

	if (!s)
		return;
	for (int i = 0; i < s->nparts; i++) {
		if (s->parts[i].state)
			s->parts[i].view->free(s->parts[i].state);
		if (s->parts[i].f)
			fclose(s->parts[i].f);
		free(s->parts[i].buf);
	}
	outfile__discard(&s->out); /* nothing under the name unless written whole */
	free(s);
}

static void *html_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		      size_t errlen)
{
	const struct view *views[] = { &view_top, &view_latency, &view_tree, &view_alerts,
				       &view_connections };
	struct html *s = calloc(1, sizeof(*s));
	int n = sizeof(views) / sizeof(views[0]);

	if (!s)
		goto nomem;
	/* no file: --serve asks for the data alone (view_html__data) */
	if (o->html_path &&
	    outfile__open(&s->out, o->html_path, o->force ? OUTFILE_FORCE : 0, err, errlen)) {
		int e = errno;

		free(s);
		errno = e == EINVAL ? EIO : e; /* not a usage error */
		return NULL;
	}
	s->o = *o;
	if (s->o.top_n < 15)
		s->o.top_n = 15;
	s->o.latency_syscall = NULL;
	s->bin_ns = 1000000000ull;
	s->origin = t->info.start_ns;
	if (!(t->info.monitors & 1u << TT_MONITOR_PACKET))
		n--; /* connections last: only with packets */
	for (int i = 0; i < n; i++) {
		struct part *p = &s->parts[s->nparts++];

		p->key = views[i]->name;
		p->view = views[i];
		p->f = open_memstream(&p->buf, &p->len);
		if (!p->f)
			goto nomem;
		json__init(&p->j, p->f);
		p->rep = (struct report){ .f = p->f, .j = &p->j };
		json__obj_begin(&p->j, NULL);
		p->state = views[i]->new(t, &s->o, &p->rep, err, errlen);
		if (!p->state) {
			html_free(s);
			return NULL;
		}
	}
	return s;
nomem:
	html_free(s);
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

/* Count an event in its timeline bin, halving the resolution when the
 * recording outgrows the bins. */
static void timeline_add(struct html *s, uint64_t ts, int series)
{
	uint64_t k = ts > s->origin ? (ts - s->origin) / s->bin_ns : 0;

	while (k >= TIMELINE_BINS) {
		for (int i = 0; i < TIMELINE_BINS / 2; i++)
			for (int c = 0; c < NSERIES; c++)
				s->bins[i][c] = s->bins[2 * i][c] + s->bins[2 * i + 1][c];
		memset(s->bins[TIMELINE_BINS / 2], 0, sizeof(s->bins) / 2);
		s->bin_ns *= 2;
		s->nbins = (s->nbins + 1) / 2;
		k = (ts - s->origin) / s->bin_ns;
	}
	s->bins[k][series]++;
	if ((int)k >= s->nbins)
		s->nbins = k + 1;
}

static void html_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct html *s = state;

	for (int i = 0; i < s->nparts; i++)
		s->parts[i].view->event(s->parts[i].state, t, rec);
	if (rec->type == TT_REC_SYSCALL)
		timeline_add(s, rec->syscall.ts, syscall_table__category(t->st, rec->syscall.nr));
	else if (rec->type == TT_REC_PACKET)
		timeline_add(s, rec->packet.ts, CAT__COUNT);
	else if (rec->type == TT_REC_SIGNAL)
		timeline_add(s, rec->signal.ts, CAT_SIGNAL);
	else if (rec->type != TT_REC_LOSS)
		timeline_add(s, tt_record__ts(rec), CAT_PROCESS);
}

static void timeline_json(struct html *s, struct json *j)
{
	json__obj_begin(j, "timeline");
	json__double(j, "bin_s", s->bin_ns / 1e9);
	json__arr_begin(j, "series");
	for (int c = 0; c < NSERIES; c++)
		json__str(j, NULL, c < CAT__COUNT ? syscall_category__name(c) : "packets");
	json__arr_end(j);
	json__arr_begin(j, "bins");
	for (int i = 0; i < s->nbins; i++) {
		json__arr_begin(j, NULL);
		for (int c = 0; c < NSERIES; c++)
			json__uint(j, NULL, s->bins[i][c]);
		json__arr_end(j);
	}
	json__arr_end(j);
	json__obj_end(j);
}

/* The parts' documents as members of one: {"top": {...}, ...}. */
static int write_data(struct html *s, struct tape *t, FILE *out)
{
	char *tl = NULL;
	size_t tllen = 0;
	FILE *m = open_memstream(&tl, &tllen);
	struct json j;

	if (!m)
		return -ENOMEM;
	json__init(&j, m);
	json__obj_begin(&j, NULL);
	timeline_json(s, &j);
	json__obj_end(&j);
	fclose(m);
	/* tl is "{ \"timeline\": ... }": drop its closing brace, add the parts */
	while (tllen && tl[tllen - 1] != '}')
		tllen--;
	fwrite(tl, 1, tllen ? tllen - 1 : 0, out);
	for (int i = 0; i < s->nparts; i++)
		fprintf(out, ",\n\"%s\": %.*s", s->parts[i].key, (int)s->parts[i].len, s->parts[i].buf);
	fputs("}\n", out);
	free(tl);
	return 0;
}

int view_html__data(void *state, struct tape *t, char **data, size_t *len)
{
	struct html *s = state;
	FILE *m;

	for (int i = 0; i < s->nparts; i++) {
		struct part *p = &s->parts[i];

		/* the first part carries the header: files, host, span, warnings */
		if (!i)
			header__report(t, s->o.paths, s->o.npaths, &p->rep);
		p->view->report(p->state, t, &p->rep);
		json__obj_end(&p->j);
		fclose(p->f);
		p->f = NULL;
	}
	*data = NULL;
	m = open_memstream(data, len);
	if (!m || write_data(s, t, m)) {
		if (m)
			fclose(m);
		free(*data);
		*data = NULL;
		return -ENOMEM;
	}
	if (fclose(m)) {
		free(*data);
		*data = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void html_report(void *state, struct tape *t, struct report *r)
{
	struct html *s = state;
	char *data = NULL, *title = NULL;
	size_t len = 0;
	FILE *f;

	if (view_html__data(s, t, &data, &len)) {
		s->failed = ENOMEM;
		return;
	}
	f = s->out.f;
	if (asprintf(&title, "tracetape: %s", s->o.paths[0]) < 0 ||
	    html_page__write(f, title, data, len, false)) {
		s->failed = errno ? errno : EIO;
		snprintf(s->why, sizeof(s->why), "writing %s: %s", s->o.html_path,
			 strerror(s->failed));
		outfile__discard(&s->out);
	} else if (outfile__commit(&s->out, s->why, sizeof(s->why))) {
		s->failed = errno ? errno : EIO;
	}
	free(data);
	free(title);
}

static int html_status(void *state, const struct view_opts *o)
{
	struct html *s = state;

	if (!s->failed)
		return 0;
	if (s->why[0])
		pr_warn("%s", s->why);
	else
		pr_warn("writing %s: %s", o->html_path, strerror(s->failed));
	return EXIT_FAIL;
}

const struct view view_html = {
	.name = "html",
	.streams = true,
	.new = html_new,
	.event = html_event,
	.report = html_report,
	.free = html_free,
	.status = html_status,
};
