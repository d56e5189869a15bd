/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Decompressing the next chunks of an indexed trace ahead, in worker threads,
 * while the reader hands out the records of the current one. Internal to the
 * formats library (trace_reader.c).
 */
#ifndef __TT_CHUNK_POOL_H
#define __TT_CHUNK_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "zstd_seek.h"

struct chunk_pool;

/*
 * Start nthreads workers decompressing chunks[first], chunks[first + 1]...
 * (at most two per worker ahead of the reader, and 256 MiB of them) from
 * fd. chunks must outlive the pool. NULL with errno set on failure.
 */
struct chunk_pool *chunk_pool__new(int fd, const struct tt_chunk *chunks, uint32_t nchunks,
				   uint32_t first, int nthreads);

/*
 * Wait for chunk i and swap its bytes (chunks[i].dsize of them) into *buf,
 * whose old buffer (*cap bytes) the pool reuses. Taking another chunk than
 * the one after the last taken starts over from i. 0, or -EBADMSG when the
 * chunk is not exactly one whole zstd frame of the size the index gives, or
 * -errno (read error, no memory): the reader then decodes it itself, which
 * finds the same records and reports the fault as it always has.
 */
int chunk_pool__take(struct chunk_pool *p, uint32_t i, unsigned char **buf, size_t *cap);

/* Stop the workers (each ends the chunk it is on) and free the pool. */
void chunk_pool__free(struct chunk_pool *p);

#endif /* __TT_CHUNK_POOL_H */
