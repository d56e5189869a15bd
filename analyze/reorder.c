// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reorder.h"

struct node {
	uint64_t ts, seq;
	struct tt_record rec; /* its byte strings point into data */
	char data[];
};

/* The heap holds keys inline: sifting then reads contiguous memory instead
 * of chasing a pointer per comparison (that was most of --events' time). */
struct slot {
	uint64_t ts, seq;
	struct node *node;
};

struct reorder {
	struct slot *heap;
	size_t n, cap, max;
	uint64_t window, newest, seq;
	struct node *popped; /* freed at the next call */
};

struct reorder *reorder__new(uint64_t window_ns, size_t max_events)
{
	struct reorder *r = calloc(1, sizeof(*r));

	if (r) {
		r->window = window_ns;
		r->max = max_events;
	}
	return r;
}

void reorder__free(struct reorder *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->heap[i].node);
	free(r->heap);
	free(r->popped);
	free(r);
}

static bool less(const struct slot *a, const struct slot *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void swap(struct slot *a, struct slot *b)
{
	struct slot t = *a;

	*a = *b;
	*b = t;
}

/* Copy b's bytes to *p and point b there. */
static void move_bytes(struct tt_bytes *b, char **p)
{
	memcpy(*p, b->data, b->len);
	b->data = *p;
	*p += b->len;
}

static struct node *copy(const struct tt_record *rec)
{
	size_t extra = 0;
	struct node *n;
	char *p;

	if (rec->type == TT_REC_SYSCALL)
		for (int i = 0; i < rec->syscall.nstr && i < TT_MAX_STRS; i++)
			extra += rec->syscall.strs[i].value.len;
	else if (rec->type == TT_REC_EXEC)
		extra = rec->exec.filename.len + rec->exec.argv.len;
	n = malloc(sizeof(*n) + extra);
	if (!n)
		return NULL;
	n->rec = *rec;
	p = n->data;
	if (rec->type == TT_REC_SYSCALL) {
		for (int i = 0; i < rec->syscall.nstr && i < TT_MAX_STRS; i++)
			move_bytes(&n->rec.syscall.strs[i].value, &p);
	} else if (rec->type == TT_REC_EXEC) {
		move_bytes(&n->rec.exec.filename, &p);
		move_bytes(&n->rec.exec.argv, &p);
	}
	return n;
}

int reorder__push(struct reorder *r, const struct tt_record *rec)
{
	struct node *n;
	size_t i;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		struct slot *h = realloc(r->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		r->heap = h;
		r->cap = cap;
	}
	n = copy(rec);
	if (!n)
		return -ENOMEM;
	n->ts = tt_record__ts(rec);
	n->seq = r->seq++;
	if (n->ts > r->newest)
		r->newest = n->ts;
	i = r->n++;
	r->heap[i] = (struct slot){ n->ts, n->seq, n };
	for (; i && less(&r->heap[i], &r->heap[(i - 1) / 2]); i = (i - 1) / 2)
		swap(&r->heap[i], &r->heap[(i - 1) / 2]);
	return 0;
}

const struct tt_record *reorder__pop(struct reorder *r, bool drain)
{
	struct node *top;
	size_t i = 0;

	free(r->popped);
	r->popped = NULL;
	if (!r->n)
		return NULL;
	top = r->heap[0].node;
	if (!drain && r->n < r->max && r->newest - top->ts <= r->window)
		return NULL;
	r->heap[0] = r->heap[--r->n];
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < r->n && less(&r->heap[l], &r->heap[m]))
			m = l;
		if (l + 1 < r->n && less(&r->heap[l + 1], &r->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		swap(&r->heap[i], &r->heap[m]);
		i = m;
	}
	r->popped = top;
	return &top->rec;
}
