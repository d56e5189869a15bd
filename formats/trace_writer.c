// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writing a trace: records are gathered into a chunk buffer and each full
 * chunk becomes one independent zstd frame, so that a reader can start at any
 * chunk and a file cut short loses at most its last chunk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <zstd.h>

#include "le.h"
#include "outfile.h"
#include "trace.h"
#include "zstd_seek.h"

struct trace_writer {
	int fd;
	int err; /* sticky: the first write error fails every later call */
	size_t chunk_size;
	struct trace_compressor *z;

	/* the chunk being gathered */
	unsigned char *buf;
	size_t len, cap;
	uint32_t nrecords;
	uint64_t first_ts, last_ts;

	struct trace_frame frame; /* compressed output */

	struct tt_chunk *chunks; /* the index, written at close */
	uint32_t nchunks, chunks_cap;

	struct trace_writer_stats st;
	bool sealed; /* the footer is written: nothing may follow */
};

struct trace_writer *trace_writer__open(const char *path, const struct trace_writer_opts *opts)
{
	struct trace_writer_opts o = opts ? *opts : (struct trace_writer_opts){};
	struct trace_writer *w;
	int err = -ENOMEM;

	if (!o.level)
		o.level = TT_DEFAULT_LEVEL;
	if (!o.chunk_size)
		o.chunk_size = TT_CHUNK_SIZE;
	if (o.chunk_size > TT_MAX_CHUNK_SIZE || o.workers < 0) {
		errno = EINVAL;
		return NULL;
	}

	w = calloc(1, sizeof(*w));
	if (!w)
		goto err;
	w->fd = -1;
	w->chunk_size = o.chunk_size;
	/* a chunk is cut before the record that would overflow it, so the
	 * buffer holds a chunk plus the largest record */
	w->cap = o.chunk_size + TT_MAX_RECORD_SIZE;
	w->buf = malloc(w->cap);
	if (!w->buf)
		goto err;
	w->z = trace_compressor__new(o.level, o.workers);
	if (!w->z) {
		err = -errno;
		goto err;
	}

	w->fd = o.exclusive ? outfile__create(path) :
		open(path, O_CREAT | O_WRONLY | O_CLOEXEC | O_TRUNC, 0600);
	if (w->fd < 0) {
		err = o.exclusive ? w->fd : -errno;
		goto err;
	}
	/* Held while the file is written (closing lets it go): a reader
	 * following it, or a rec told to --force, can tell it is live. */
	flock(w->fd, LOCK_EX | LOCK_NB);
	return w;
err:
	if (w) {
		trace_compressor__free(w->z);
		free(w->buf);
		free(w);
	}
	errno = -err;
	return NULL;
}

static int write_full(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		buf = (const char *)buf + n;
		len -= n;
	}
	return 0;
}

static int writer__write(struct trace_writer *w, const void *buf, size_t len)
{
	int err = write_full(w->fd, buf, len);

	if (err) {
		/* Cut the torn frame off: the file ends on a whole chunk. */
		if (ftruncate(w->fd, w->st.written_bytes) ||
		    lseek(w->fd, w->st.written_bytes, SEEK_SET) < 0)
			return w->err = err;
		/* A full disk may get room again: not a sticky error. */
		if (err != -ENOSPC && err != -EDQUOT)
			w->err = err;
		return err;
	}
	w->st.written_bytes += len;
	return 0;
}

static int writer__add_chunk(struct trace_writer *w, const struct tt_chunk *c)
{
	if (w->nchunks == w->chunks_cap) {
		uint32_t ncap = w->chunks_cap ? w->chunks_cap * 2 : 64;
		struct tt_chunk *nc = realloc(w->chunks, ncap * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		w->chunks = nc;
		w->chunks_cap = ncap;
	}
	w->chunks[w->nchunks++] = *c;
	return 0;
}

/* Write frame f, the chunk of src (whole records), and index it. */
static int writer__write_frame(struct trace_writer *w, const struct trace_frame *f, size_t len,
			       uint32_t nrecords, uint64_t first_ts, uint64_t last_ts)
{
	struct tt_chunk c = {
		.offset = w->st.written_bytes,
		.dsize = len,
		.csize = f->len,
		.first_ts = first_ts,
		.last_ts = last_ts,
		.nrecords = nrecords,
	};
	int err;

	/* keep the index entry ready before writing, so that a successful
	 * write is never missing from the index */
	err = writer__add_chunk(w, &c);
	if (err)
		return err;
	err = writer__write(w, f->buf, f->len);
	if (err) {
		w->nchunks--;
		return err;
	}
	w->st.chunks++;
	return 0;
}

/* Compress src (whole records) into one frame and write it. */
static int writer__write_chunk(struct trace_writer *w, const void *src, size_t len,
			       uint32_t nrecords, uint64_t first_ts, uint64_t last_ts)
{
	int err = trace_compressor__compress(w->z, src, len, &w->frame);

	return err ?: writer__write_frame(w, &w->frame, len, nrecords, first_ts, last_ts);
}

static void writer__reset_chunk(struct trace_writer *w)
{
	w->len = 0;
	w->nrecords = 0;
	w->first_ts = w->last_ts = 0;
}

int trace_writer__flush(struct trace_writer *w)
{
	int err;

	if (w->err)
		return w->err;
	if (!w->len)
		return 0;
	err = writer__write_chunk(w, w->buf, w->len, w->nrecords, w->first_ts, w->last_ts);
	if (err)
		return err;
	writer__reset_chunk(w);
	return 0;
}

static void writer__add_times(struct trace_writer *w, uint64_t first_ts, uint64_t last_ts)
{
	if (!first_ts && !last_ts)
		return;
	if (!w->first_ts && !w->last_ts) {
		w->first_ts = first_ts;
		w->last_ts = last_ts;
		return;
	}
	if (first_ts < w->first_ts)
		w->first_ts = first_ts;
	if (last_ts > w->last_ts)
		w->last_ts = last_ts;
}

int trace_writer__append(struct trace_writer *w, const struct tt_record *rec)
{
	unsigned char *p = w->buf + w->len;
	int n, err;

	if (w->err)
		return w->err;
	if (!w->st.records && rec->type != TT_REC_FILE_HEADER)
		return -EINVAL;
	/* w->len < chunk_size here, so a record of any valid size fits */
	n = tt_record__encode(p, w->cap - w->len, rec);
	if (n < 0)
		return n;
	if (w->len && w->len + n > w->chunk_size) {
		/* cut the chunk before this record: it starts the next one */
		err = writer__write_chunk(w, w->buf, w->len, w->nrecords, w->first_ts,
					  w->last_ts);
		if (err)
			return err;
		memmove(w->buf, p, n);
		writer__reset_chunk(w);
	}
	w->len += n;
	w->nrecords++;
	if (tt_record__is_event(rec))
		writer__add_times(w, tt_record__ts(rec), tt_record__last_ts(rec));
	w->st.raw_bytes += n;
	w->st.records++;
	if (w->len >= w->chunk_size)
		return trace_writer__flush(w);
	return 0;
}

/* Are buf's len bytes exactly n whole records, starting with a file header
 * if first is set? Cheap, and keeps a caller's bug out of the file. */
static bool records_valid(const unsigned char *buf, size_t len, uint32_t n, bool first)
{
	size_t off = 0;
	uint32_t i;

	for (i = 0; off < len; i++) {
		uint32_t size;

		if (len - off < TT_RECORD_HDR_SIZE)
			return false;
		size = get_le32(buf + off);
		if (size < TT_RECORD_HDR_SIZE || size > TT_MAX_RECORD_SIZE || size > len - off)
			return false;
		if (first && !i && get_le16(buf + off + 4) != TT_REC_FILE_HEADER)
			return false;
		off += size;
	}
	return i == n;
}

/* May these pre-encoded records be appended? 1 if so, 0 if there are none,
 * or -errno. */
static int writer__check_raw(const struct trace_writer *w, const void *buf, size_t len,
			     uint32_t n, uint64_t first_ts, uint64_t last_ts)
{
	if (w->err)
		return w->err;
	if (!len)
		return 0;
	if (len > TT_MAX_CHUNK_SIZE)
		return -EMSGSIZE;
	/* no buf: a frame whose records were checked when it was first
	 * written (rec --flight keeps frames, not their records) */
	if (first_ts > last_ts || (!buf && !w->st.records) ||
	    (buf && !records_valid(buf, len, n, !w->st.records)))
		return -EINVAL;
	return 1;
}

int trace_writer__append_raw(struct trace_writer *w, const void *buf, size_t len,
			     uint32_t n, uint64_t first_ts, uint64_t last_ts)
{
	int err = writer__check_raw(w, buf, len, n, first_ts, last_ts);

	if (err <= 0)
		return err;
	err = 0;
	if (w->len && w->len + len > w->chunk_size) {
		err = trace_writer__flush(w);
		if (err)
			return err;
	}
	if (len > w->chunk_size || (!w->len && len >= w->chunk_size / 2)) {
		/* too big to share a chunk, or a chunk by itself (rec's are):
		 * compress it from the caller's buffer, without a copy */
		err = writer__write_chunk(w, buf, len, n, first_ts, last_ts);
		if ((err == -ENOSPC || err == -EDQUOT) && len <= w->chunk_size) {
			/* kept, as a full disk keeps any chunk: a flush retries it */
			memcpy(w->buf, buf, len);
			w->len = len;
			w->nrecords = n;
			writer__add_times(w, first_ts, last_ts);
		} else if (err) {
			return err;
		}
	} else {
		memcpy(w->buf + w->len, buf, len);
		w->len += len;
		w->nrecords += n;
		writer__add_times(w, first_ts, last_ts);
	}
	w->st.raw_bytes += len;
	w->st.records += n;
	if (err)
		return err;
	if (w->len >= w->chunk_size)
		return trace_writer__flush(w);
	return 0;
}

int trace_writer__append_frame(struct trace_writer *w, const void *buf, size_t len, uint32_t n,
			       uint64_t first_ts, uint64_t last_ts, const struct trace_frame *f)
{
	int err = writer__check_raw(w, buf, len, n, first_ts, last_ts);

	if (err <= 0)
		return err;
	err = trace_writer__flush(w);
	err = err ?: writer__write_frame(w, f, len, n, first_ts, last_ts);
	if (err)
		return err;
	w->st.raw_bytes += len;
	w->st.records += n;
	return 0;
}

int trace_writer__seal(struct trace_writer *w)
{
	void *footer;
	size_t size;
	int err;

	if (w->sealed)
		return 0;
	err = trace_writer__flush(w);
	if (err)
		return err;
	size = tt_footer__size(w->nchunks);
	footer = malloc(size);
	if (!footer)
		return -ENOMEM;
	tt_footer__encode(footer, w->chunks, w->nchunks);
	err = writer__write(w, footer, size);
	free(footer);
	if (!err)
		w->sealed = true;
	return err;
}

int trace_writer__close(struct trace_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = trace_writer__seal(w);
	if (close(w->fd) && !err)
		err = -errno;
	trace_compressor__free(w->z);
	trace_frame__release(&w->frame);
	free(w->buf);
	free(w->chunks);
	free(w);
	return err;
}

void trace_writer__stats(const struct trace_writer *w, struct trace_writer_stats *st)
{
	*st = w->st;
}

int trace_rotation__name(char *buf, size_t size, const char *base, uint32_t seq)
{
	static const char suffix[] = ".zst";
	size_t len = strlen(base), slen = sizeof(suffix) - 1;
	int n;

	if (!seq)
		n = snprintf(buf, size, "%s", base);
	else if (len > slen && !strcmp(base + len - slen, suffix))
		n = snprintf(buf, size, "%.*s.%u%s", (int)(len - slen), base, seq, suffix);
	else
		n = snprintf(buf, size, "%s.%u", base, seq);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}
