// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Records into a trace file: mutating compressed bytes rarely gets past
 * zstd, so the targets that fuzz what is in records (trace_records, views)
 * take them decoded and compress them here, behind a valid zstd layer.
 */
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "fuzz.h"
#include "le.h"
#include "trace.h"
#include "zstd_seek.h"

#define MAX_CHUNKS 4096

/* The end of the record at off, or len if its size field is unusable. */
static size_t record_end(const uint8_t *p, size_t off, size_t len)
{
	uint32_t size;

	if (len - off < TT_RECORD_HDR_SIZE)
		return len;
	size = get_le32(p + off);
	if (size < TT_RECORD_HDR_SIZE || size > len - off)
		return len;
	return off + size;
}

/* Event times of the records in [p, p + len), as the writer keeps them. */
static void chunk_times(const uint8_t *p, size_t len, struct tt_chunk *c, uint64_t *mid)
{
	struct tt_record rec;
	size_t off = 0;
	int n;

	c->first_ts = c->last_ts = 0;
	while (off < len && (n = tt_record__decode(p + off, len - off, &rec)) > 0) {
		uint64_t ts = tt_record__ts(&rec);

		off += n;
		c->nrecords++;
		if (!tt_record__is_event(&rec) || !ts)
			continue;
		if (!c->first_ts || ts < c->first_ts)
			c->first_ts = ts;
		if (ts > c->last_ts)
			c->last_ts = ts;
		*mid = ts;
	}
}

int fuzz__pack_records(const uint8_t *data, size_t size, bool indexed, unsigned per_chunk,
		       uint64_t *last_ts, char *path, size_t pathlen)
{
	static struct tt_chunk chunks[MAX_CHUNKS];
	static ZSTD_CCtx *cctx;
	/* kept from one input to the next: room for MAX_CHUNKS chunks and their
	 * footer is over 300 KiB, which ASan would map and unmap every time */
	static uint8_t *out;
	static size_t out_cap;
	size_t off = 0, out_len = 0, cap;
	uint64_t seek_ts = 0;
	uint32_t n = 0;

	if (size > TT_MAX_CHUNK_SIZE)
		return -1;
	if (!cctx && !(cctx = ZSTD_createCCtx()))
		abort();
	if (!per_chunk)
		per_chunk = 1;
	cap = ZSTD_compressBound(size) + MAX_CHUNKS * 32 + tt_footer__size(MAX_CHUNKS);
	if (cap > out_cap) {
		free(out);
		out = malloc(cap);
		out_cap = out ? cap : 0;
		if (!out)
			return -1;
	}
	while (off < size && n < MAX_CHUNKS) {
		size_t end = off, csize;

		for (unsigned i = 0; i < per_chunk && end < size; i++)
			end = record_end(data, end, size);
		if (n == MAX_CHUNKS - 1)
			end = size;
		csize = ZSTD_compressCCtx(cctx, out + out_len, cap - out_len, data + off, end - off, 1);
		if (ZSTD_isError(csize))
			abort();
		chunks[n] = (struct tt_chunk){ .offset = out_len, .csize = csize,
					       .dsize = end - off };
		chunk_times(data + off, end - off, &chunks[n], &seek_ts);
		n++;
		out_len += csize;
		off = end;
	}
	if (indexed) {
		tt_footer__encode(out + out_len, chunks, n);
		out_len += tt_footer__size(n);
	}
	if (last_ts)
		*last_ts = seek_ts;
	return fuzz__memfile(out, out_len, path, pathlen);
}
