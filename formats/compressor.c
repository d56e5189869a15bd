// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Compressing one chunk into its zstd frame, the one place that sets the
 * frame's parameters (TRACE-FORMAT.md, "Data chunks"). The writer uses it
 * for its own chunks; rec runs several, one per compressing thread, and hands
 * the frames to the writer in order (trace_writer__append_frame).
 */
#include <errno.h>
#include <stdlib.h>
#include <zstd.h>

#include "trace.h"

struct trace_compressor {
	ZSTD_CCtx *cctx;
};

struct trace_compressor *trace_compressor__new(int level, int workers)
{
	struct trace_compressor *z;
	int err = -EINVAL;

	if (workers < 0) {
		errno = EINVAL;
		return NULL;
	}
	z = calloc(1, sizeof(*z));
	if (!z || !(z->cctx = ZSTD_createCCtx())) {
		err = -ENOMEM;
		goto err;
	}
	if (ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel,
						level ? level : TT_DEFAULT_LEVEL)) ||
	    /* catches corruption within a chunk, for 4 bytes a frame */
	    ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_contentSizeFlag, 1)))
		goto err;
	if (workers > 0 && ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_nbWorkers, workers))) {
		err = -EOPNOTSUPP; /* libzstd built without threads */
		goto err;
	}
	return z;
err:
	trace_compressor__free(z);
	errno = -err;
	return NULL;
}

int trace_compressor__set_level(struct trace_compressor *z, int level)
{
	/* taken at the next frame's start, as every frame is a new one */
	if (ZSTD_isError(ZSTD_CCtx_setParameter(z->cctx, ZSTD_c_compressionLevel,
						level ? level : TT_DEFAULT_LEVEL)))
		return -EINVAL;
	return 0;
}

int trace_compressor__compress(struct trace_compressor *z, const void *src, size_t len,
			       struct trace_frame *f)
{
	size_t bound = ZSTD_compressBound(len), n;

	if (bound > f->cap) {
		void *nb = realloc(f->buf, bound);

		if (!nb)
			return -ENOMEM;
		f->buf = nb;
		f->cap = bound;
	}
	/* one-shot, so the frame header carries the content size */
	n = ZSTD_compress2(z->cctx, f->buf, f->cap, src, len);
	if (ZSTD_isError(n))
		return -EIO;
	f->len = n;
	return 0;
}

void trace_compressor__free(struct trace_compressor *z)
{
	if (!z)
		return;
	ZSTD_freeCCtx(z->cctx);
	free(z);
}

void trace_frame__release(struct trace_frame *f)
{
	free(f->buf);
	*f = (struct trace_frame){ 0 };
}
