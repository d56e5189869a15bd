// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "human.h"
#include "table.h"

struct cell {
	bool set;
	char *s;
	char *text; /* s with control characters escaped, if it has any */
	double v;
};

struct row {
	bool rule_before;
	struct cell *cells;
};

struct table {
	const char *key, *title;
	const struct col *cols;
	int ncols, cur;
	bool dashes, pending_rule;
	struct row *rows;
	size_t nrows, cap;
};

struct table *table__new(const char *key, const char *title, const struct col *cols, int ncols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t) {
		t->key = key;
		t->title = title;
		t->cols = cols;
		t->ncols = ncols;
	}
	return t;
}

void table__free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++) {
		for (int c = 0; c < t->ncols; c++) {
			free(t->rows[i].cells[c].s);
			free(t->rows[i].cells[c].text);
		}
		free(t->rows[i].cells);
	}
	free(t->rows);
	free(t);
}

void table__set_dashes(struct table *t, bool dashes)
{
	t->dashes = dashes;
}

void table__row(struct table *t)
{
	struct row *r;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct row *rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			abort(); /* a few rows of aggregates: no partial table */
		t->rows = rows;
		t->cap = cap;
	}
	r = &t->rows[t->nrows++];
	r->cells = calloc(t->ncols, sizeof(*r->cells));
	if (!r->cells)
		abort();
	r->rule_before = t->pending_rule;
	t->pending_rule = false;
	t->cur = 0;
}

void table__rule(struct table *t)
{
	t->pending_rule = true;
}

static struct cell *next_cell(struct table *t)
{
	if (!t->nrows || t->cur >= t->ncols)
		abort(); /* a view filled more cells than it has columns */
	return &t->rows[t->nrows - 1].cells[t->cur++];
}

void table__str(struct table *t, const char *s)
{
	struct cell *c = next_cell(t);

	c->set = true;
	c->s = strdup(s ? s : "");
	/* JSON escapes the raw text itself; the terminal gets it escaped here */
	if (c->s && decode__needs_escape(c->s, strlen(c->s)))
		c->text = decode__plain_dup(c->s);
}

void table__num(struct table *t, double v)
{
	struct cell *c = next_cell(t);

	c->set = true;
	c->v = v;
}

void table__int(struct table *t, int64_t v)
{
	table__num(t, (double)v);
}

void table__none(struct table *t)
{
	next_cell(t);
}

size_t table__rows(const struct table *t)
{
	return t->nrows;
}

/* A cell's number as an integer: a hostile trace's values (a duration
 * that ends before it starts) may not fit, and converting them would be
 * undefined. */
static uint64_t to_u64(double v)
{
	if (!(v > 0))
		return 0; /* negative, or NaN */
	return v >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)v;
}

static int64_t to_i64(double v)
{
	if (v != v)
		return 0;
	if (v >= 9223372036854775807.0)
		return INT64_MAX;
	return v <= -9223372036854775808.0 ? INT64_MIN : (int64_t)v;
}

/* A cell as text, into buf. */
static const char *cell_text(const struct col *col, const struct cell *c, char *buf, size_t size)
{
	buf[0] = 0;
	if (!c->set || (col->flags & COL_BLANK0 && !c->s && c->v == 0))
		return buf;
	if (c->text)
		return c->text;
	if (c->s)
		return c->s;
	switch (col->kind) {
	case COL_STR: /* a number in a text column: an exit code among "running" */
	case COL_INT: snprintf(buf, size, "%.0f", c->v); break;
	case COL_DUR: human__duration(buf, size, to_u64(c->v)); break;
	case COL_SEC: snprintf(buf, size, "%.6f", c->v / 1e9); break;
	case COL_USEC: snprintf(buf, size, "%.0f", c->v / 1e3); break;
	case COL_PCT: snprintf(buf, size, "%.2f", c->v); break;
	case COL_BYTES: human__bytes(buf, size, to_u64(c->v)); break;
	}
	return buf;
}

/* Width in columns of s, counting UTF-8 sequences as one each. */
static int text_width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void put_cell(FILE *f, const struct col *col, const char *s, int w, bool last)
{
	int len = text_width(s);

	if (col->maxw && len > col->maxw && col->flags & COL_CLIP_END) {
		fprintf(f, "%.*s...", col->maxw - 3, s);
		len = col->maxw;
	} else if (col->maxw && len > col->maxw) {
		/* Keep the end of a long path: the file name says the most. */
		s += strlen(s) - (col->maxw - 3);
		fprintf(f, "...%s", s);
		len = col->maxw;
	} else if (col->kind != COL_STR) {
		fprintf(f, "%*s%s", w - len, "", s);
		return;
	} else {
		fputs(s, f);
	}
	if (!last)
		fprintf(f, "%*s", w - len, "");
}

static void print_text(const struct table *t, FILE *f)
{
	int *w = calloc(t->ncols, sizeof(*w));
	char buf[64];

	if (!w)
		return;
	for (int c = 0; c < t->ncols; c++) {
		w[c] = text_width(t->cols[c].title);
		if (w[c] < t->cols[c].minw)
			w[c] = t->cols[c].minw;
		for (size_t i = 0; i < t->nrows; i++) {
			int n = text_width(cell_text(&t->cols[c], &t->rows[i].cells[c], buf,
						     sizeof(buf)));

			if (t->cols[c].maxw && n > t->cols[c].maxw)
				n = t->cols[c].maxw;
			if (n > w[c])
				w[c] = n;
		}
	}
	if (t->title)
		fprintf(f, "%s%s\n", t->dashes ? "" : "\n", t->title);
	for (int c = 0; c < t->ncols; c++) {
		const struct col *col = &t->cols[c];
		bool last = c == t->ncols - 1;

		fputs(c ? " " : "", f);
		if (col->kind == COL_STR && last)
			fputs(col->title, f);
		else if (col->kind == COL_STR)
			fprintf(f, "%-*s", w[c], col->title);
		else
			fprintf(f, "%*s", w[c], col->title);
	}
	fputc('\n', f);
	for (size_t i = 0; i <= t->nrows; i++) {
		bool rule = i < t->nrows ? t->rows[i].rule_before : false;

		if ((i == 0 && t->dashes) || rule) {
			for (int c = 0; c < t->ncols; c++)
				for (int k = c ? -1 : 0; k < w[c]; k++)
					fputc(k < 0 ? ' ' : '-', f);
			fputc('\n', f);
		}
		if (i == t->nrows)
			break;
		for (int c = 0; c < t->ncols; c++) {
			fputs(c ? " " : "", f);
			put_cell(f, &t->cols[c],
				 cell_text(&t->cols[c], &t->rows[i].cells[c], buf, sizeof(buf)), w[c],
				 c == t->ncols - 1);
		}
		fputc('\n', f);
	}
	free(w);
}

static void print_json(const struct table *t, struct json *j)
{
	json__arr_begin(j, t->key);
	for (size_t i = 0; i < t->nrows; i++) {
		json__obj_begin(j, NULL);
		for (int c = 0; c < t->ncols; c++) {
			const struct col *col = &t->cols[c];
			const struct cell *cell = &t->rows[i].cells[c];

			if (!cell->set)
				json__null(j, col->key);
			else if (cell->s)
				json__str(j, col->key, cell->s);
			else if (col->kind == COL_PCT)
				json__double(j, col->key, cell->v);
			else if (col->kind == COL_USEC) /* its key names microseconds */
				json__double(j, col->key, cell->v / 1e3);
			else
				json__int(j, col->key, to_i64(cell->v));
		}
		json__obj_end(j);
	}
	json__arr_end(j);
}

void table__print(const struct table *t, struct report *r)
{
	if (r->j)
		print_json(t, r->j);
	else
		print_text(t, r->f);
}
