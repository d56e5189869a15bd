// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Chunks decompressed ahead. Chunks are independent zstd frames and a valid
 * chunk index says where each one is and how big it decodes, so workers can
 * decode whole chunks in one pass (ZSTD_decompressDCtx, no window to copy
 * out of) into buffers of their own, in any order, while the reader takes
 * them in file order. Anything unexpected about a chunk makes it fail here:
 * the reader then streams it as it does without threads, so a damaged file
 * reads and fails exactly as it always has.
 *
 * The slots form a ring: chunk i goes to slot i % nslots, so the workers
 * never get more than nslots chunks ahead of the reader, and memory stays
 * bounded by nslots chunks (POOL_MEM_MAX) plus each worker's compressed
 * input.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <zstd.h>

#include "chunk_pool.h"
#include "le.h"
#include "trace.h"

#define SLOTS_PER_THREAD 2
/* decoded chunks held at most, in bytes: with large chunks (up to
 * TT_MAX_CHUNK_SIZE), fewer slots than two a thread, and at least two */
#define POOL_MEM_MAX (256u << 20)
#define BUF_MIN_SIZE (64 * 1024) /* what trace_reader starts with */

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_DONE, SLOT_FAILED };

struct pool_slot {
	enum slot_state state;
	uint32_t chunk;   /* the chunk it holds (BUSY, DONE, FAILED) */
	unsigned gen;     /* the pool's generation when it was claimed */
	int err;          /* FAILED: why */
	unsigned char *buf;
	size_t cap;
};

/* What decoding a chunk takes, a worker's own (and the reader's). */
struct decoder {
	ZSTD_DCtx *dctx;
	unsigned char *in; /* the chunk's compressed bytes */
	size_t in_cap;
};

struct chunk_pool {
	int fd;
	const struct tt_chunk *chunks;
	uint32_t nchunks;

	pthread_mutex_t mu;
	pthread_cond_t work; /* a worker may claim the next chunk, or stop */
	pthread_cond_t done; /* a slot changed state */
	pthread_t *threads;
	int nthreads;
	struct pool_slot *slots;
	uint32_t nslots;
	uint32_t head;  /* the chunk the reader takes next */
	uint32_t next;  /* the next chunk to hand to a worker */
	unsigned gen;   /* bumped when the reader starts over elsewhere */
	bool stop;
	struct decoder own; /* the reader's, for a chunk no worker took yet */
};

static int grow(unsigned char **buf, size_t *cap, size_t want)
{
	unsigned char *p;

	if (want <= *cap)
		return 0;
	p = realloc(*buf, want);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = want;
	return 0;
}

/* Decode chunk c into s->buf; 0 or -errno. */
static int pool__decompress(const struct chunk_pool *p, struct decoder *d,
			    const struct tt_chunk *c, struct pool_slot *s)
{
	unsigned char **in = &d->in;
	unsigned long long content;
	size_t ret;
	int err;

	if (!d->dctx && !(d->dctx = ZSTD_createDCtx()))
		return -ENOMEM;
	/* the same bound the streaming reader puts on a chunk */
	if (c->dsize > TT_MAX_CHUNK_SIZE || c->csize > ZSTD_compressBound(TT_MAX_CHUNK_SIZE) ||
	    c->csize < 4)
		return -EBADMSG;
	err = grow(in, &d->in_cap, c->csize);
	if (!err)
		err = grow(&s->buf, &s->cap, c->dsize > BUF_MIN_SIZE ? c->dsize : BUF_MIN_SIZE);
	if (!err)
		err = tt_pread_full(p->fd, *in, c->csize, c->offset);
	if (err)
		return err;
	/* exactly one data frame, of the size the index gives (a skippable
	 * frame or a second frame in its place is the streaming reader's) */
	if (get_le32(*in) != ZSTD_MAGICNUMBER || ZSTD_findFrameCompressedSize(*in, c->csize) != c->csize)
		return -EBADMSG;
	content = ZSTD_getFrameContentSize(*in, c->csize);
	if (content != ZSTD_CONTENTSIZE_UNKNOWN && content != c->dsize)
		return -EBADMSG;
	ret = ZSTD_decompressDCtx(d->dctx, s->buf, c->dsize, *in, c->csize);
	if (ZSTD_isError(ret) || ret != c->dsize)
		return -EBADMSG;
	return 0;
}

static bool pool__claimable(const struct chunk_pool *p)
{
	return p->next < p->nchunks && p->next - p->head < p->nslots &&
	       p->slots[p->next % p->nslots].state == SLOT_FREE;
}

/*
 * Claim the next chunk and decode it with d. Called with p->mu held, which
 * is let go meanwhile: a BUSY slot is its decoder's alone.
 */
static void pool__run_one(struct chunk_pool *p, struct decoder *d)
{
	uint32_t i = p->next++;
	struct pool_slot *s = &p->slots[i % p->nslots];
	int err;

	s->state = SLOT_BUSY;
	s->chunk = i;
	s->gen = p->gen;
	pthread_mutex_unlock(&p->mu);
	err = pool__decompress(p, d, &p->chunks[i], s);
	pthread_mutex_lock(&p->mu);
	s->err = err;
	if (s->gen != p->gen)
		s->state = SLOT_FREE; /* the reader went elsewhere meanwhile */
	else
		s->state = err ? SLOT_FAILED : SLOT_DONE;
	pthread_cond_broadcast(&p->done);
	pthread_cond_broadcast(&p->work);
}

static void decoder__release(struct decoder *d)
{
	ZSTD_freeDCtx(d->dctx);
	free(d->in);
}

static void *pool__worker(void *arg)
{
	struct chunk_pool *p = arg;
	struct decoder d = { 0 };

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && !pool__claimable(p))
			pthread_cond_wait(&p->work, &p->mu);
		if (p->stop)
			break;
		pool__run_one(p, &d);
	}
	pthread_mutex_unlock(&p->mu);
	decoder__release(&d);
	return NULL;
}

/* Called with p->mu held. */
static void pool__restart(struct chunk_pool *p, uint32_t first)
{
	p->gen++;
	p->head = p->next = first;
	for (uint32_t k = 0; k < p->nslots; k++)
		if (p->slots[k].state == SLOT_DONE || p->slots[k].state == SLOT_FAILED)
			p->slots[k].state = SLOT_FREE;
	pthread_cond_broadcast(&p->work);
}

int chunk_pool__take(struct chunk_pool *p, uint32_t i, unsigned char **buf, size_t *cap)
{
	struct pool_slot *s = &p->slots[i % p->nslots];
	int err = 0;

	pthread_mutex_lock(&p->mu);
	if (i != p->head)
		pool__restart(p, i);
	while (!(s->gen == p->gen && s->chunk == i &&
	       (s->state == SLOT_DONE || s->state == SLOT_FAILED))) {
		/* No worker has taken it yet (all busy, or not scheduled on a
		 * loaded machine): decoding it here beats sleeping until one
		 * does. */
		if (p->next == i && pool__claimable(p))
			pool__run_one(p, &p->own);
		else
			pthread_cond_wait(&p->done, &p->mu);
	}
	if (s->state == SLOT_DONE) {
		unsigned char *b = s->buf;
		size_t c = s->cap;

		s->buf = *buf;
		s->cap = *cap;
		*buf = b;
		*cap = c;
	} else {
		err = s->err;
	}
	s->state = SLOT_FREE;
	p->head = i + 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	return err;
}

struct chunk_pool *chunk_pool__new(int fd, const struct tt_chunk *chunks, uint32_t nchunks,
				   uint32_t first, int nthreads)
{
	struct chunk_pool *p = calloc(1, sizeof(*p));
	uint32_t maxd = 0;
	int err = ENOMEM;

	if (!p)
		goto fail;
	p->fd = fd;
	p->chunks = chunks;
	p->nchunks = nchunks;
	p->head = p->next = first;
	for (uint32_t i = first; i < nchunks; i++)
		maxd = chunks[i].dsize > maxd ? chunks[i].dsize : maxd;
	p->nslots = nthreads * SLOTS_PER_THREAD;
	if (maxd && p->nslots > POOL_MEM_MAX / maxd)
		p->nslots = POOL_MEM_MAX / maxd > 2 ? POOL_MEM_MAX / maxd : 2;
	p->slots = calloc(p->nslots, sizeof(*p->slots));
	p->threads = calloc(nthreads, sizeof(*p->threads));
	if (!p->slots || !p->threads)
		goto fail;
	/* the generation a free slot never matches, so no slot looks done */
	for (uint32_t k = 0; k < p->nslots; k++)
		p->slots[k].gen = (unsigned)-1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (; p->nthreads < nthreads; p->nthreads++) {
		err = pthread_create(&p->threads[p->nthreads], NULL, pool__worker, p);
		if (err)
			break;
	}
	if (p->nthreads)
		return p;
	chunk_pool__free(p);
	p = NULL;
fail:
	if (p) {
		free(p->slots);
		free(p->threads);
		free(p);
	}
	errno = err;
	return NULL;
}

void chunk_pool__free(struct chunk_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int k = 0; k < p->nthreads; k++)
		pthread_join(p->threads[k], NULL);
	for (uint32_t k = 0; k < p->nslots; k++)
		free(p->slots[k].buf);
	decoder__release(&p->own);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p->slots);
	free(p->threads);
	free(p);
}
