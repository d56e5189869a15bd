// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The window as sorted runs. Events arrive as per-CPU batches, each nearly in
 * time order, so the window is held as a few runs (FIFO lists already in
 * (ts, seq) order) rather than one heap: an event is appended to the run
 * whose last event is the latest not after it, and the oldest event is the
 * oldest of the runs' heads. For a trace in batches that is O(1) per event
 * with a handful of runs, where a heap of up to 2^18 events took a sift of
 * cache misses per pop (most of csv-export's time). Input with more disorder
 * than RUNS_MAX runs can hold goes to a heap, as before, so the cost stays
 * bounded whatever the input. Either way the event handed out is the least
 * by (ts, seq) of those held, as with the plain heap: same order, same
 * moments.
 *
 * The window is bounded in bytes too (REORDER_MAX_BYTES): an event may carry
 * about 1 MiB of strings, so 2^18 of them would be 256 GiB. Over the budget
 * the oldest event is released before its time; a later event may then come
 * out after it (order is approximate), which reorder__early() counts and the
 * first of which is warned about.
 */
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "reorder.h"

#define RUNS_MAX 64
#define SLAB_NODES 1024

/* A syscall record without strings is copied only up to its strings (96 of
 * 312 bytes): nearly every event, and the window holds up to 2^18 of them. */
#define SHORT_SIZE offsetof(struct tt_record, syscall.strs)

struct node {
	struct node *next; /* in its run, or in the free list */
	uint64_t ts, seq;
	bool pooled;       /* a short node from a slab (head only), else malloc'd */
	size_t size;       /* its bytes, for the window's byte budget */
	union {
		struct tt_record rec; /* its byte strings point into data */
		unsigned char head[SHORT_SIZE];
	};
};

/* A long node: a whole record and the bytes its strings point to. */
struct long_node {
	struct node n;
	char data[];
};

struct run {
	struct node *head, *tail;
};

/* The heap for what the runs cannot take; keys inline so that sifting reads
 * contiguous memory. */
struct slot {
	uint64_t ts, seq;
	struct node *node;
};

struct slab {
	struct slab *next;
	unsigned char nodes[];
};

struct reorder {
	/* runs sorted by their tail, latest first: a new run (an event
	 * earlier than every tail) goes at the end */
	struct run runs[RUNS_MAX];
	int nruns;
	int min_run; /* the run with the least head, -1 if none */
	struct slot *heap;
	size_t nheap, cap;
	size_t n, max;
	size_t bytes;  /* what the held nodes take (slabs counted per node) */
	uint64_t early; /* released over the byte budget, before their time */
	uint64_t window, newest, seq;
	struct node *popped; /* released at the next call */
	struct node *free_nodes;
	struct slab *slabs;
	size_t short_node_size;
	struct tt_record out; /* the popped record, whole */
};

struct reorder *reorder__new(uint64_t window_ns, size_t max_events)
{
	struct reorder *r = calloc(1, sizeof(*r));

	if (r) {
		r->window = window_ns;
		r->max = max_events;
		r->min_run = -1;
		/* a short node ends after head, rounded to the node's alignment */
		r->short_node_size = (offsetof(struct node, head) + SHORT_SIZE +
				      _Alignof(struct node) - 1) & ~(_Alignof(struct node) - 1);
	}
	return r;
}

static void node__free(struct reorder *r, struct node *n)
{
	if (!n)
		return;
	if (n->pooled) {
		n->next = r->free_nodes;
		r->free_nodes = n;
	} else {
		free(n);
	}
}

void reorder__free(struct reorder *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nruns; i++) {
		for (struct node *n = r->runs[i].head, *next; n; n = next) {
			next = n->next;
			if (!n->pooled)
				free(n);
		}
	}
	for (size_t i = 0; i < r->nheap; i++)
		if (!r->heap[i].node->pooled)
			free(r->heap[i].node);
	if (r->popped && !r->popped->pooled)
		free(r->popped);
	while (r->slabs) {
		struct slab *next = r->slabs->next;

		free(r->slabs);
		r->slabs = next;
	}
	free(r->heap);
	free(r);
}

uint64_t reorder__early(const struct reorder *r)
{
	return r->early;
}

static bool less(uint64_t ts_a, uint64_t seq_a, uint64_t ts_b, uint64_t seq_b)
{
	return ts_a < ts_b || (ts_a == ts_b && seq_a < seq_b);
}

static bool slot_less(const struct slot *a, const struct slot *b)
{
	return less(a->ts, a->seq, b->ts, b->seq);
}

static void swap(struct slot *a, struct slot *b)
{
	struct slot t = *a;

	*a = *b;
	*b = t;
}

/* A short node from the free list, taking a new slab when it is empty. */
static struct node *short_node(struct reorder *r)
{
	struct node *n = r->free_nodes;

	if (!n) {
		struct slab *s = malloc(sizeof(*s) + SLAB_NODES * r->short_node_size);

		if (!s)
			return NULL;
		s->next = r->slabs;
		r->slabs = s;
		for (size_t i = SLAB_NODES; i-- > 0;) {
			n = (struct node *)(s->nodes + i * r->short_node_size);
			n->pooled = true;
			n->next = r->free_nodes;
			r->free_nodes = n;
		}
		n = r->free_nodes;
	}
	r->free_nodes = n->next;
	return n;
}

/* Copy b's bytes to *p and point b there. */
static void move_bytes(struct tt_bytes *b, char **p)
{
	if (!b->len) /* an envp not recorded has no data at all */
		return;
	memcpy(*p, b->data, b->len);
	b->data = *p;
	*p += b->len;
}

static struct node *copy(struct reorder *r, const struct tt_record *rec)
{
	size_t extra = 0;
	struct long_node *ln;
	struct node *n;
	char *p;

	if (rec->type == TT_REC_SYSCALL && !rec->syscall.nstr) {
		n = short_node(r);
		if (!n)
			return NULL;
		memcpy(n->head, rec, SHORT_SIZE);
		n->size = r->short_node_size;
		return n;
	}
	if (rec->type == TT_REC_SYSCALL)
		for (int i = 0; i < rec->syscall.nstr && i < TT_MAX_STRS; i++)
			extra += rec->syscall.strs[i].value.len;
	else if (rec->type == TT_REC_EXEC)
		extra = rec->exec.filename.len + rec->exec.argv.len + rec->exec.envp.len;
	ln = malloc(sizeof(*ln) + extra);
	if (!ln)
		return NULL;
	n = &ln->n;
	n->pooled = false;
	n->rec = *rec;
	n->size = sizeof(*ln) + extra;
	p = ln->data;
	if (rec->type == TT_REC_SYSCALL) {
		for (int i = 0; i < rec->syscall.nstr && i < TT_MAX_STRS; i++)
			move_bytes(&n->rec.syscall.strs[i].value, &p);
	} else if (rec->type == TT_REC_EXEC) {
		move_bytes(&n->rec.exec.filename, &p);
		move_bytes(&n->rec.exec.argv, &p);
		move_bytes(&n->rec.exec.envp, &p);
	}
	return n;
}

static void update_min_run(struct reorder *r)
{
	r->min_run = -1;
	for (int i = 0; i < r->nruns; i++) {
		const struct node *h = r->runs[i].head;

		if (r->min_run < 0 ||
		    less(h->ts, h->seq, r->runs[r->min_run].head->ts, r->runs[r->min_run].head->seq))
			r->min_run = i;
	}
}

/* Append n to the run whose tail is the latest not after it (keeping the
 * runs sorted by tail), or start a run. false when there is no room. */
static bool runs__add(struct reorder *r, struct node *n)
{
	int lo = 0, hi = r->nruns; /* the first run whose tail is not after n */
	struct run *run;

	/* Most events extend the latest run. */
	if (r->nruns && r->runs[0].tail->ts <= n->ts) {
		hi = 0;
	} else {
		while (lo < hi) {
			int mid = (lo + hi) / 2;

			if (r->runs[mid].tail->ts <= n->ts)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	if (hi == r->nruns) {
		if (r->nruns == RUNS_MAX)
			return false;
		r->runs[r->nruns++] = (struct run){ n, n };
		if (r->min_run < 0 || less(n->ts, n->seq, r->runs[r->min_run].head->ts,
					   r->runs[r->min_run].head->seq))
			r->min_run = r->nruns - 1;
		return true;
	}
	/* tails stay sorted: n is after this run's tail and not after the one
	 * before it, which was later than that tail */
	run = &r->runs[hi];
	run->tail->next = n;
	run->tail = n;
	return true;
}

static int heap__add(struct reorder *r, struct node *n)
{
	size_t i;

	if (r->nheap == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		struct slot *h = realloc(r->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		r->heap = h;
		r->cap = cap;
	}
	i = r->nheap++;
	r->heap[i] = (struct slot){ n->ts, n->seq, n };
	for (; i && slot_less(&r->heap[i], &r->heap[(i - 1) / 2]); i = (i - 1) / 2)
		swap(&r->heap[i], &r->heap[(i - 1) / 2]);
	return 0;
}

static struct node *heap__take(struct reorder *r)
{
	struct node *top = r->heap[0].node;
	size_t i = 0;

	r->heap[0] = r->heap[--r->nheap];
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < r->nheap && slot_less(&r->heap[l], &r->heap[m]))
			m = l;
		if (l + 1 < r->nheap && slot_less(&r->heap[l + 1], &r->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		swap(&r->heap[i], &r->heap[m]);
		i = m;
	}
	return top;
}

static struct node *run__take(struct reorder *r, int i)
{
	struct run *run = &r->runs[i];
	struct node *top = run->head;

	run->head = top->next;
	if (!run->head) {
		/* removing a run keeps the others' order */
		memmove(run, run + 1, (r->nruns - i - 1) * sizeof(*run));
		r->nruns--;
	}
	update_min_run(r);
	return top;
}

int reorder__push(struct reorder *r, const struct tt_record *rec)
{
	struct node *n = copy(r, rec);

	if (!n)
		return -ENOMEM;
	n->next = NULL;
	n->ts = tt_record__ts(rec);
	n->seq = r->seq++;
	if (n->ts > r->newest)
		r->newest = n->ts;
	if (!runs__add(r, n)) {
		int err = heap__add(r, n);

		if (err) {
			node__free(r, n);
			return err;
		}
	}
	r->n++;
	r->bytes += n->size;
	return 0;
}

const struct tt_record *reorder__pop(struct reorder *r, bool drain)
{
	const struct node *run_head, *top;
	bool from_heap;

	node__free(r, r->popped);
	r->popped = NULL;
	if (!r->n)
		return NULL;
	run_head = r->min_run >= 0 ? r->runs[r->min_run].head : NULL;
	from_heap = r->nheap && (!run_head || slot_less(&r->heap[0],
				 &(struct slot){ run_head->ts, run_head->seq, NULL }));
	top = from_heap ? r->heap[0].node : run_head;
	if (!drain && r->n < r->max && r->newest - top->ts <= r->window) {
		if (r->bytes <= REORDER_MAX_BYTES)
			return NULL;
		if (!r->early++)
			pr_warn("the reorder window is over %u MiB (events with large strings): "
				"events are released early, so their order may be approximate",
				REORDER_MAX_BYTES >> 20);
	}
	r->popped = from_heap ? heap__take(r) : run__take(r, r->min_run);
	r->n--;
	r->bytes -= r->popped->size;
	if (r->popped->pooled) {
		/* a short copy: the strings it had none of read as zero */
		memcpy(&r->out, r->popped->head, SHORT_SIZE);
		memset((char *)&r->out + SHORT_SIZE, 0, sizeof(r->out.syscall.strs));
		return &r->out;
	}
	return &r->popped->rec;
}
