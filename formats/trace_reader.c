// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading a trace. The file is decoded as a stream, frame by frame, with
 * ZSTD_decompressStream: memory stays bounded by one record plus zstd's
 * window whatever the file size, and the complete records at the start of a
 * frame cut short (a killed recorder) are still returned. The chunk index, if
 * the file has a valid one, is only used to seek.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "chunk_pool.h"
#include "le.h"
#include "trace.h"
#include "zstd_seek.h"

#define IN_SIZE (128 * 1024)
#define BUF_MIN_SIZE (64 * 1024)
/* enough for any single-segment frame of TT_MAX_CHUNK_SIZE bytes; a corrupt
 * frame header cannot make zstd allocate more */
#define WINDOW_LOG_MAX 26
/* type and magic: what the first record must start with */
#define HEADER_PROBE_SIZE (TT_RECORD_HDR_SIZE + TT_FILE_MAGIC_SIZE)
#define FRAME_HEADER_MAX 18 /* FRAME_HEADER_MAX, outside the stable API */

struct trace_reader {
	char *path;
	int fd;
	uint64_t file_size;
	int failed; /* sticky -errno until the next seek */
	char err[256];

	struct tt_file_header hdr; /* points into hdr_rec */
	void *hdr_rec;

	struct tt_chunk *chunks; /* from the index, if indexed */
	uint32_t nchunks;
	uint64_t data_end;
	bool indexed;

	/* compressed input: in[0] is at file offset in_off */
	ZSTD_DCtx *dctx;
	unsigned char *in;
	size_t in_cap; /* IN_SIZE, or the whole file if it is smaller */
	ZSTD_inBuffer zin;
	uint64_t in_off;

	/* decoded bytes of the current frame, records from start to end */
	unsigned char *buf;
	size_t cap, start, end;
	uint64_t rec_off;   /* offset of buf[start] in the frame's content */
	uint64_t frame_off; /* file offset of the frame records come from */
	bool in_frame;

	/* A SYSCALLS(_DELTA) record being yielded event by event: it stays at
	 * buf[start] until its last event is out (then it is consumed). */
	bool in_batch;
	/* The last batch number seen per CPU (SYSCALLS.seq), and the batches
	 * missing between them: read from where reading started. */
	uint32_t *seq_last; /* [seq_ncpus]: grown to the highest CPU seen */
	uint64_t *seq_missing;
	uint32_t seq_ncpus;
	struct tt_syscalls batch;
	struct tt_syscalls_pos batch_pos; /* of the next event, in batch.events */
	uint32_t batch_size;     /* of the record */
	uint32_t batch_data_off; /* of its events, from the record's start */

	bool eof, cut, trailer_seen, index_seen, seek_table_seen, truncated;
	bool follow; /* the file may still grow: its end is "not yet", not the end */
	uint32_t close_reason; /* of the trailer, once trailer_seen */

	/* threads reading in all (trace_reader__set_threads); those beyond
	 * this one decompress the next chunks ahead, in pool, while reading */
	int threads;
	struct chunk_pool *pool;
	bool no_pool; /* none to start here, or one failed: stream until a seek */
};

static int reader__fail(struct trace_reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reader__fail(struct trace_reader *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	r->failed = err;
	return err;
}

static int reader__corrupt_record(struct trace_reader *r, const char *what)
{
	return reader__fail(r, -EBADMSG, "corrupt trace: %s at byte %llu of the chunk at offset %llu",
			    what, (unsigned long long)r->rec_off,
			    (unsigned long long)r->frame_off);
}

/* Input room for IN_SIZE bytes, or for the whole file if it is smaller:
 * opening a small trace then costs no large allocation, and a file that
 * grows (followed) gets more room. */
static int reader__size_input(struct trace_reader *r)
{
	size_t want = r->file_size < IN_SIZE ? r->file_size : IN_SIZE;
	unsigned char *p;

	if (r->in && want <= r->in_cap)
		return 0;
	p = realloc(r->in, want ? want : 1);
	if (!p)
		return reader__fail(r, -ENOMEM, "out of memory");
	r->in = p;
	r->in_cap = want;
	r->zin.src = p;
	return 0;
}

/* The decoding state is allocated when reading starts and freed at the end,
 * so that a trace set keeps only its current file's. */
static int reader__alloc(struct trace_reader *r)
{
	if (r->dctx)
		return 0;
	r->dctx = ZSTD_createDCtx();
	r->cap = BUF_MIN_SIZE;
	r->buf = malloc(r->cap);
	if (!r->dctx || !r->buf ||
	    ZSTD_isError(ZSTD_DCtx_setParameter(r->dctx, ZSTD_d_windowLogMax, WINDOW_LOG_MAX)))
		return reader__fail(r, -ENOMEM, "out of memory");
	return reader__size_input(r);
}

static void reader__release(struct trace_reader *r)
{
	/* first: the workers may hold buffers the reader handed them */
	chunk_pool__free(r->pool);
	r->pool = NULL;
	ZSTD_freeDCtx(r->dctx);
	free(r->in);
	free(r->buf);
	r->dctx = NULL;
	r->in = r->buf = NULL;
	r->cap = r->in_cap = 0;
}

/* Start reading at file offset off, which must be a frame's. */
static void reader__goto(struct trace_reader *r, uint64_t off)
{
	r->in_off = off;
	r->zin.pos = r->zin.size = 0;
	r->start = r->end = 0;
	r->rec_off = 0;
	r->frame_off = off;
	r->in_frame = false;
	r->in_batch = false;
	/* after a seek, the batches skipped are not missing */
	if (r->seq_ncpus) {
		memset(r->seq_last, 0, r->seq_ncpus * sizeof(*r->seq_last));
		memset(r->seq_missing, 0, r->seq_ncpus * sizeof(*r->seq_missing));
	}
	r->eof = r->cut = r->truncated = false;
	r->no_pool = false;
	r->failed = 0;
	r->err[0] = '\0';
}

static int pread_some(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (int)n;
}

/* Read more input after what is buffered: bytes read, 0 at the end of the
 * file or when the buffer is full, -errno. */
static int reader__refill(struct trace_reader *r)
{
	size_t left = r->zin.size - r->zin.pos;
	uint64_t off;
	int n;

	n = reader__size_input(r);
	if (n)
		return n;
	memmove(r->in, r->in + r->zin.pos, left);
	r->in_off += r->zin.pos;
	r->zin.pos = 0;
	r->zin.size = left;
	off = r->in_off + left;
	if (off >= r->file_size || left == r->in_cap)
		return 0;
	n = pread_some(r->fd, r->in + left, r->in_cap - left < r->file_size - off ?
			r->in_cap - left : r->file_size - off, off);
	if (n < 0)
		return reader__fail(r, n, "read error: %s", strerror(-n));
	r->zin.size += n;
	return n;
}

/* Buffer at least n bytes of input if the file has them; the bytes buffered. */
static int reader__want_input(struct trace_reader *r, size_t n)
{
	while (r->zin.size - r->zin.pos < n) {
		int err = reader__refill(r);

		if (err < 0)
			return err;
		if (!err)
			break;
	}
	return r->zin.size - r->zin.pos;
}

/*
 * Step over skippable frames to the next data frame and start decoding it.
 * 1 when one started, 0 at the end of the file (r->cut if mid-frame).
 */
static int reader__next_frame(struct trace_reader *r)
{
	unsigned long long content;
	uint64_t pos, next;
	uint32_t magic;
	int avail;

	/* chunks hold whole records: leftover bytes are a record cut in two */
	if (r->end > r->start)
		return reader__corrupt_record(r, "record cut by the end of its chunk");
	r->start = r->end = 0;
	r->rec_off = 0;
	for (;;) {
		avail = reader__want_input(r, FRAME_HEADER_MAX);
		if (avail < 0)
			return avail;
		pos = r->in_off + r->zin.pos;
		if (!avail)
			return 0;
		if (avail < 4) {
			r->cut = true;
			return 0;
		}
		magic = get_le32(r->in + r->zin.pos);
		if (!zstd_is_skippable(magic))
			break;
		if (avail < ZSTD_SKIPPABLE_HDR_SIZE) {
			r->cut = true;
			return 0;
		}
		if (magic == TT_INDEX_MAGIC)
			r->index_seen = true;
		if (magic == ZSTD_SEEKABLE_MAGIC)
			r->seek_table_seen = true;
		next = pos + ZSTD_SKIPPABLE_HDR_SIZE + get_le32(r->in + r->zin.pos + 4);
		if (next > r->file_size) {
			r->cut = true;
			return 0;
		}
		if (next <= r->in_off + r->zin.size) {
			r->zin.pos = next - r->in_off;
		} else {
			r->in_off = next;
			r->zin.pos = r->zin.size = 0;
		}
	}

	if (magic != ZSTD_MAGICNUMBER)
		return reader__fail(r, -EBADMSG, "corrupt trace: no zstd frame at offset %llu",
				    (unsigned long long)pos);
	content = ZSTD_getFrameContentSize(r->in + r->zin.pos, avail);
	if (content == ZSTD_CONTENTSIZE_ERROR) {
		/* fewer bytes than a header may need: the file ends here */
		if (avail < FRAME_HEADER_MAX) {
			r->cut = true;
			return 0;
		}
		return reader__fail(r, -EBADMSG, "corrupt trace: bad chunk header at offset %llu",
				    (unsigned long long)pos);
	}
	if (content != ZSTD_CONTENTSIZE_UNKNOWN && content > TT_MAX_CHUNK_SIZE)
		return reader__fail(r, -EBADMSG,
				    "corrupt trace: chunk at offset %llu claims %llu bytes",
				    (unsigned long long)pos, content);
	ZSTD_DCtx_reset(r->dctx, ZSTD_reset_session_only);
	r->frame_off = pos;
	r->in_frame = true;
	return 1;
}

/* Make room after r->end for more decoded bytes. */
static int reader__make_room(struct trace_reader *r)
{
	size_t ncap;
	void *nb;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end < r->cap)
		return 0;
	/* full of one incomplete record, which is at most TT_MAX_RECORD_SIZE */
	ncap = r->cap * 2 < TT_MAX_RECORD_SIZE ? r->cap * 2 : TT_MAX_RECORD_SIZE;
	if (ncap <= r->cap)
		return reader__corrupt_record(r, "oversized record");
	nb = realloc(r->buf, ncap);
	if (!nb)
		return reader__fail(r, -ENOMEM, "out of memory");
	r->buf = nb;
	r->cap = ncap;
	return 0;
}

/* The first chunk at or after file offset off (nchunks if none). */
static uint32_t reader__chunk_at(const struct trace_reader *r, uint64_t off)
{
	uint32_t lo = 0, hi = r->nchunks;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (r->chunks[mid].offset < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Start the pool when there are threads to spare and an index to say where
 * the chunks are (a file without one, cut short or being written, is
 * streamed by this thread alone). It starts after the chunk being streamed.
 */
static void reader__start_pool(struct trace_reader *r)
{
	uint64_t pos = r->in_frame ? r->frame_off + 1 : r->in_off + r->zin.pos;
	uint32_t first;

	if (r->pool || r->no_pool)
		return;
	first = reader__chunk_at(r, pos);
	if (r->threads > 1 && r->indexed && first < r->nchunks)
		r->pool = chunk_pool__new(r->fd, r->chunks, r->nchunks, first, r->threads - 1);
	/* without one (no memory, no threads) this thread reads on alone */
	r->no_pool = !r->pool;
}

/*
 * Between frames: take the next chunk whole from the pool if it has it. 1
 * when a chunk was taken (buf holds all of its records), 0 to stream the
 * next frame instead, -errno.
 */
static int reader__take_chunk(struct trace_reader *r)
{
	uint64_t pos = r->in_off + r->zin.pos;
	const struct tt_chunk *c;
	uint32_t i;

	/* leftover bytes are a record cut in two: next_frame reports it */
	if (!r->pool || r->end > r->start)
		return 0;
	i = reader__chunk_at(r, pos);
	/* past the last chunk, the index and seek table are streamed over */
	if (i >= r->nchunks || r->chunks[i].offset != pos)
		return 0;
	c = &r->chunks[i];
	if (chunk_pool__take(r->pool, i, &r->buf, &r->cap)) {
		/* streaming it finds what it holds and how it is damaged */
		chunk_pool__free(r->pool);
		r->pool = NULL;
		r->no_pool = true;
		return 0;
	}
	r->start = r->rec_off = 0;
	r->end = c->dsize;
	r->frame_off = pos;
	r->in_off = pos + c->csize;
	r->zin.pos = r->zin.size = 0;
	return 1;
}

/*
 * Decode more of the file after r->end. 1 when bytes were added or a frame
 * ended, 0 at the end of the file, -errno.
 */
static int reader__fill(struct trace_reader *r)
{
	int err;

	for (;;) {
		ZSTD_outBuffer out;
		size_t ret, in_pos;

		if (!r->in_frame) {
			err = reader__take_chunk(r);
			if (err)
				return err;
			err = reader__next_frame(r);
			if (err <= 0)
				return err;
		}
		err = reader__make_room(r);
		if (err)
			return err;
		if (r->zin.pos == r->zin.size) {
			err = reader__refill(r);
			if (err < 0)
				return err;
			if (!err) {
				r->cut = true;
				return 0;
			}
		}
		out = (ZSTD_outBuffer){ r->buf, r->cap, r->end };
		in_pos = r->zin.pos;
		ret = ZSTD_decompressStream(r->dctx, &out, &r->zin);
		if (ZSTD_isError(ret))
			return reader__fail(r, -EBADMSG, "corrupt trace: chunk at offset %llu: %s",
					    (unsigned long long)r->frame_off,
					    ZSTD_getErrorName(ret));
		if (!ret) {
			r->in_frame = false;
			r->end = out.pos;
			return 1;
		}
		if (out.pos > r->end) {
			r->end = out.pos;
			return 1;
		}
		/* zstd always moves forward when given input and room */
		if (r->zin.pos == in_pos)
			return reader__fail(r, -EBADMSG, "corrupt trace: chunk at offset %llu stalls the decoder",
					    (unsigned long long)r->frame_off);
	}
}

/* Make the next whole record available at buf + start: 1 with its size,
 * 0 at the end of the file, -errno. */
static int reader__peek(struct trace_reader *r, uint32_t *size)
{
	for (;;) {
		size_t avail = r->end - r->start;
		int err;

		if (avail >= TT_RECORD_HDR_SIZE) {
			*size = get_le32(r->buf + r->start);
			if (*size < TT_RECORD_HDR_SIZE || *size > TT_MAX_RECORD_SIZE)
				return reader__corrupt_record(r, "bad record size");
			if (*size <= avail)
				return 1;
		}
		err = reader__fill(r);
		if (err <= 0)
			return err;
	}
}

static void reader__consume(struct trace_reader *r, uint32_t size)
{
	r->start += size;
	r->rec_off += size;
}

static void reader__end(struct trace_reader *r)
{
	/* a complete file has its trailer and ends with the index and the seek
	 * table, which a valid index found at open already vouches for */
	r->truncated = r->cut || r->end > r->start || !r->trailer_seen ||
		       (!r->indexed && !(r->index_seen && r->seek_table_seen));
	r->eof = true;
	reader__release(r);
}

/* A CPU's batch number: a jump past the next is batches lost on the way. */
static void reader__note_seq(struct trace_reader *r, uint16_t cpu, uint32_t seq)
{
	if (!seq || cpu == TT_CPU_ANY)
		return; /* not a numbered batch */
	if (cpu >= r->seq_ncpus) {
		uint32_t n = cpu + 1;
		uint32_t *last = realloc(r->seq_last, n * sizeof(*last));
		uint64_t *missing = last ? realloc(r->seq_missing, n * sizeof(*missing)) : NULL;

		if (last)
			r->seq_last = last;
		if (!missing)
			return; /* not counted; reading goes on */
		r->seq_missing = missing;
		memset(last + r->seq_ncpus, 0, (n - r->seq_ncpus) * sizeof(*last));
		memset(missing + r->seq_ncpus, 0, (n - r->seq_ncpus) * sizeof(*missing));
		r->seq_ncpus = n;
	}
	if (r->seq_last[cpu] && seq > r->seq_last[cpu] + 1)
		r->seq_missing[cpu] += seq - r->seq_last[cpu] - 1;
	r->seq_last[cpu] = seq;
}

uint64_t trace_reader__batches_missing(const struct trace_reader *r, int cpu)
{
	uint64_t n = 0;

	if (cpu >= 0)
		return (uint32_t)cpu < r->seq_ncpus ? r->seq_missing[cpu] : 0;
	for (uint32_t i = 0; i < r->seq_ncpus; i++)
		n += r->seq_missing[i];
	return n;
}

/* The next event of the run of syscalls at buf[start]: 1, or 0 once it has
 * none left (and it is consumed), or the error. */
static int reader__batch_next(struct trace_reader *r, struct tt_record *rec)
{
	int ret;

	/* the buffer may have moved since the last event (refresh) */
	r->batch.events.data = (const char *)r->buf + r->start + r->batch_data_off;
	ret = tt_syscalls__next(&r->batch, &r->batch_pos, rec);
	if (ret > 0)
		return 1;
	r->in_batch = false;
	if (ret < 0)
		return reader__corrupt_record(r, r->batch.coding == TT_SC_SPLIT ?
						 "malformed event in a SYSCALLS_SPLIT record" :
						 r->batch.coding == TT_SC_DELTAS ?
						 "malformed event in a SYSCALLS_DELTA record" :
						 "malformed event in a SYSCALLS record");
	reader__consume(r, r->batch_size);
	return 0;
}

int trace_reader__next(struct trace_reader *r, struct tt_record *rec)
{
	uint32_t size;
	int ret;

	if (r->failed)
		return r->failed;
	if (r->eof)
		return 0;
	ret = reader__alloc(r);
	if (ret)
		return ret;
	if (r->in_batch) {
		ret = reader__batch_next(r, rec);
		if (ret)
			return ret;
	}
	reader__start_pool(r);
	for (;;) {
		ret = reader__peek(r, &size);
		if (ret == 0 && r->follow && (r->cut || !(r->trailer_seen && r->seek_table_seen))) {
			/* Everything up to the current end was taken; the decoder
			 * keeps its place in a frame cut by it, and goes on from
			 * there once trace_reader__refresh() sees more bytes. */
			r->cut = false;
			return -EAGAIN;
		}
		if (ret <= 0) {
			if (!ret)
				reader__end(r);
			return ret;
		}
		ret = tt_record__decode(r->buf + r->start, size, rec);
		if (ret < 0)
			return reader__corrupt_record(r, "malformed record");
		if (tt_record__is_syscalls(rec)) {
			reader__note_seq(r, rec->syscalls.cpu, rec->syscalls.seq);
			r->in_batch = true;
			r->batch = rec->syscalls;
			r->batch_pos = (struct tt_syscalls_pos){ 0 };
			r->batch_size = size;
			r->batch_data_off = (const unsigned char *)rec->syscalls.events.data -
					    (r->buf + r->start);
			ret = reader__batch_next(r, rec);
			if (ret)
				return ret;
			continue;
		}
		reader__consume(r, size);
		if (rec->type == TT_REC_TRAILER) {
			r->trailer_seen = true;
			r->close_reason = rec->trailer.reason;
		}
		/* the header was returned by trace_reader__header() */
		if (rec->type == TT_REC_FILE_HEADER || !tt_record__is_known(rec->type))
			continue;
		return 1;
	}
}

/* Does what was decoded so far start like a file header? Only the bytes there
 * are compared, so that garbage is told from a file cut short. */
static bool reader__looks_like_header(const struct trace_reader *r)
{
	size_t avail = r->end - r->start;
	const unsigned char *p = r->buf + r->start;
	unsigned char type[2];

	put_le16(type, TT_REC_FILE_HEADER);
	for (size_t i = 4; i < avail && i < HEADER_PROBE_SIZE; i++) {
		if (i < 6 && p[i] != type[i - 4])
			return false;
		if (i >= TT_RECORD_HDR_SIZE && p[i] != (unsigned char)TT_FILE_MAGIC[i - TT_RECORD_HDR_SIZE])
			return false;
	}
	return true;
}

static int reader__read_header(struct trace_reader *r)
{
	struct tt_record rec;
	uint16_t major, minor;
	uint32_t size;
	int ret = 0;

	ret = reader__alloc(r);
	if (ret)
		return ret;
	while (r->end - r->start < HEADER_PROBE_SIZE) {
		ret = reader__fill(r);
		if (ret <= 0)
			break;
		/* a whole first chunk too short for a header */
		if (!r->in_frame && r->end - r->start < HEADER_PROBE_SIZE)
			return reader__fail(r, -EBADMSG, "not a tracetape trace (bad magic)");
	}
	if (!reader__looks_like_header(r))
		return reader__fail(r, -EBADMSG, "not a tracetape trace (bad magic)");
	if (ret < 0)
		return ret;
	ret = reader__peek(r, &size);
	if (ret < 0)
		return ret;
	if (!ret)
		return reader__fail(r, -ENODATA, "truncated before the end of the file header");
	if (tt_file_header__probe(r->buf + r->start, size, &major, &minor))
		return reader__fail(r, -EBADMSG, "not a tracetape trace (bad magic)");
	if (major > TT_FORMAT_MAJOR)
		return reader__fail(r, -ENOTSUP,
				    "trace format %u.%u is newer than this reader (%u.x)",
				    major, minor, TT_FORMAT_MAJOR);
	r->hdr_rec = malloc(size);
	if (!r->hdr_rec)
		return reader__fail(r, -ENOMEM, "out of memory");
	memcpy(r->hdr_rec, r->buf + r->start, size);
	if (tt_record__decode(r->hdr_rec, size, &rec) < 0)
		return reader__corrupt_record(r, "malformed file header");
	r->hdr = rec.header;
	reader__consume(r, size);
	return 0;
}

static int reader__open(struct trace_reader *r)
{
	unsigned char magic[4];
	struct stat st;
	int ret;

	r->fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st))
		return reader__fail(r, -errno, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return reader__fail(r, -EISDIR, "is a directory");
	if (!S_ISREG(st.st_mode))
		return reader__fail(r, -EINVAL, "not a regular file");
	r->file_size = st.st_size;
	if (!r->file_size)
		return reader__fail(r, -ENODATA, "not a tracetape trace (empty file)");
	ret = pread_some(r->fd, magic, sizeof(magic), 0);
	if (ret < 0)
		return reader__fail(r, ret, "read error: %s", strerror(-ret));
	if (ret < (int)sizeof(magic) || get_le32(magic) != ZSTD_MAGICNUMBER)
		return reader__fail(r, -EBADMSG, "not a tracetape trace (no zstd frame at offset 0)");

	ret = tt_footer__read(r->fd, r->file_size, &r->chunks, &r->nchunks, &r->data_end);
	if (ret && ret != -ENOENT)
		return reader__fail(r, ret, "cannot read the chunk index: %s", strerror(-ret));
	r->indexed = !ret;
	reader__goto(r, 0);
	return reader__read_header(r);
}

struct trace_reader *trace_reader__open(const char *path, char *err, size_t errlen)
{
	struct trace_reader *r = calloc(1, sizeof(*r));
	int ret;

	if (!r || !(r->path = strdup(path))) {
		free(r);
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	r->fd = -1;
	ret = reader__open(r);
	if (ret) {
		if (err && errlen)
			snprintf(err, errlen, "%s", r->err);
		trace_reader__close(r);
		errno = -ret;
		return NULL;
	}
	return r;
}

const struct tt_file_header *trace_reader__header(const struct trace_reader *r)
{
	return &r->hdr;
}

bool trace_reader__truncated(const struct trace_reader *r)
{
	return r->truncated;
}

bool trace_reader__indexed(const struct trace_reader *r)
{
	return r->indexed;
}

/* Without an index: read from the start to the first chunk holding an event
 * at or after ts, then go back to that chunk's start. */
static int reader__scan_time(struct trace_reader *r, uint64_t ts)
{
	struct tt_record rec;
	int ret;

	reader__goto(r, 0);
	while ((ret = trace_reader__next(r, &rec)) > 0) {
		if (tt_record__is_event(&rec) && tt_record__ts(&rec) >= ts) {
			reader__goto(r, r->frame_off);
			return 0;
		}
	}
	return ret;
}

int trace_reader__seek_time(struct trace_reader *r, uint64_t ts)
{
	if (!r->indexed)
		return reader__scan_time(r, ts);
	for (uint32_t i = 0; i < r->nchunks; i++) {
		/* chunks are not sorted by time (per-CPU batches): the first
		 * one reaching ts may also hold earlier events */
		if (r->chunks[i].last_ts >= ts) {
			reader__goto(r, r->chunks[i].offset);
			return 0;
		}
	}
	reader__goto(r, r->data_end);
	return 0;
}

int trace_reader__set_threads(struct trace_reader *r, int n)
{
	if (n < 1 || n > TT_MAX_READ_THREADS)
		return -EINVAL;
	r->threads = n;
	return 0;
}

void trace_reader__follow(struct trace_reader *r, bool on)
{
	r->follow = on;
}

int trace_reader__refresh(struct trace_reader *r)
{
	struct stat st;

	if (r->eof || r->failed)
		return 0;
	if (fstat(r->fd, &st))
		return reader__fail(r, -errno, "%s", strerror(errno));
	if ((uint64_t)st.st_size <= r->file_size)
		return 0;
	r->file_size = st.st_size;
	return 1;
}

bool trace_reader__ended(const struct trace_reader *r, uint32_t *reason)
{
	if (reason)
		*reason = r->close_reason;
	return r->trailer_seen;
}

const char *trace_reader__error(const struct trace_reader *r)
{
	return r->err;
}

const char *trace_reader__path(const struct trace_reader *r)
{
	return r->path;
}

void trace_reader__close(struct trace_reader *r)
{
	if (!r)
		return;
	/* the workers first: one may be reading the file */
	reader__release(r);
	if (r->fd >= 0)
		close(r->fd);
	free(r->hdr_rec);
	free(r->chunks);
	free(r->seq_last);
	free(r->seq_missing);
	free(r->path);
	free(r);
}

/* A shared lock is refused while the writer holds its exclusive one. */
static bool fd_writer_alive(int fd)
{
	if (flock(fd, LOCK_SH | LOCK_NB))
		return errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	return false;
}

bool trace_reader__writer_alive(const struct trace_reader *r)
{
	return fd_writer_alive(r->fd);
}

bool trace_file__writer_alive(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool alive;

	if (fd < 0)
		return false;
	alive = fd_writer_alive(fd);
	close(fd);
	return alive;
}
