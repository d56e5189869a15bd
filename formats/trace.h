/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading and writing tracetape trace files (formats/TRACE-FORMAT.md): a
 * zstd stream of independent frames ("chunks") of whole records, closed by a
 * chunk index and a zstd seekable-format seek table.
 *
 * Functions returning int give 0 (or a count) on success and -errno on
 * failure; pointer-returning ones give NULL and set errno. Readers describe
 * their last error in words with trace_reader__error().
 */
#ifndef __TT_TRACE_H
#define __TT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"

#define TT_CHUNK_SIZE (1u << 20) /* uncompressed bytes a chunk is cut at */
#define TT_MAX_RECORD_SIZE (1u << 20) /* larger records are refused as corrupt */
#define TT_MAX_CHUNK_SIZE (64u << 20) /* bounds a reader's zstd window */

/* Writing -------------------------------------------------------------- */

struct trace_writer;

struct trace_writer_opts {
	int level;          /* zstd level; 0 means the default (TT_DEFAULT_LEVEL) */
	size_t chunk_size;  /* 0 means TT_CHUNK_SIZE */
	int workers;        /* zstd worker threads, 0 for none */
	bool exclusive;     /* create only: fail if path exists or is a symlink */
};

/* Level 1: on rec's getppid-loop trace it was both the fastest and the
 * smallest of levels 1-6 (0.73 s and 18.0 MB for 235 MB of records, against
 * 1.32 s and 18.6 MB at level 3; tools/bench/RESULTS.md has the rest). */
#define TT_DEFAULT_LEVEL 1

/*
 * Create path (mode 0600, truncating; with opts->exclusive, O_EXCL|O_NOFOLLOW)
 * and write nothing yet. The caller's first record must be a
 * TT_REC_FILE_HEADER.
 *
 * A failed write is cut off again (the file is truncated back to its last
 * whole chunk), so the file stays readable up to there whatever happens. A
 * full disk (-ENOSPC, -EDQUOT) keeps the chunk buffered and the writer
 * usable: trace_writer__flush() may be called again once there is room.
 */
struct trace_writer *trace_writer__open(const char *path, const struct trace_writer_opts *opts);

/* Encode and append one record; a full chunk is compressed and written. */
int trace_writer__append(struct trace_writer *w, const struct tt_record *rec);

/*
 * Append n already-encoded records (buf, len bytes, whole records only),
 * whose event times span [first_ts, last_ts] (0, 0 if none).
 */
int trace_writer__append_raw(struct trace_writer *w, const void *buf, size_t len,
			     uint32_t n, uint64_t first_ts, uint64_t last_ts);

/*
 * Compressing a chunk apart from the writer, in another thread: rec
 * compresses chunks in several threads and writes them in one. A frame is
 * the compressed chunk; its buffer grows as needed and is reused.
 */
struct trace_compressor;

struct trace_frame {
	void *buf;
	size_t len, cap; /* the frame's bytes, and buf's room */
};

/* level 0: TT_DEFAULT_LEVEL; workers: zstd's own threads, 0 for none.
 * NULL with errno EINVAL (a bad level), EOPNOTSUPP or ENOMEM. */
struct trace_compressor *trace_compressor__new(int level, int workers);
/* Compress len bytes of whole records at src into f. Returns 0 or -errno. */
int trace_compressor__compress(struct trace_compressor *z, const void *src, size_t len,
			       struct trace_frame *f);
/* The level of the frames compressed from now on (0: TT_DEFAULT_LEVEL).
 * 0, or -EINVAL for a level zstd refuses. */
int trace_compressor__set_level(struct trace_compressor *z, int level);
void trace_compressor__free(struct trace_compressor *z);
void trace_frame__release(struct trace_frame *f);

/*
 * Append records (as trace_writer__append_raw takes them) that a
 * trace_compressor made into frame f, as the next chunk. Records appended
 * before are flushed first. On a full disk (-ENOSPC, -EDQUOT) nothing of it
 * is in the file and it may be appended again once there is room. buf may
 * be NULL for a frame already written once from its records (which were
 * checked then), but not as a file's first chunk.
 */
int trace_writer__append_frame(struct trace_writer *w, const void *buf, size_t len, uint32_t n,
			       uint64_t first_ts, uint64_t last_ts, const struct trace_frame *f);

/* End the current chunk now: compress it and write it to the file. */
int trace_writer__flush(struct trace_writer *w);

/*
 * Flush and write the chunk index and seek table. On a full disk it may be
 * called again once there is room; nothing may be appended after it.
 */
int trace_writer__seal(struct trace_writer *w);

/* Seal (if not done yet), close the file, free w. */
int trace_writer__close(struct trace_writer *w);

struct trace_writer_stats {
	uint64_t raw_bytes;        /* uncompressed record bytes */
	uint64_t written_bytes;    /* bytes in the file */
	uint64_t records;
	uint32_t chunks;
};

void trace_writer__stats(const struct trace_writer *w, struct trace_writer_stats *st);

/* Rotation naming: the file name of the seq'th file of a recording to base.
 * seq 0 is base itself; later ones insert ".N" before a ".zst" suffix
 * ("t.zst" -> "t.1.zst"), or append it ("t" -> "t.1"). Returns 0 or -ENAMETOOLONG. */
int trace_rotation__name(char *buf, size_t size, const char *base, uint32_t seq);

/* Reading -------------------------------------------------------------- */

struct trace_reader;

/*
 * Open one trace file and read its header. On failure returns NULL, sets
 * errno and writes a one-line reason ("not a tracetape trace (bad magic)")
 * to err (errlen bytes) if err is not NULL. errno is EBADMSG for a file that
 * is not a trace or is corrupt, ENODATA for an empty file or one cut before
 * the end of its header, ENOTSUP for a newer major format version.
 */
struct trace_reader *trace_reader__open(const char *path, char *err, size_t errlen);

const struct tt_file_header *trace_reader__header(const struct trace_reader *r);

/*
 * The next record (the file header is not returned again). Returns 1 with
 * *rec filled (pointers valid until the next call), 0 at the end, -errno on
 * error (see trace_reader__error). A file cut short (the recorder was killed)
 * ends at the last complete record: that is 0, and truncated() says so.
 */
int trace_reader__next(struct trace_reader *r, struct tt_record *rec);

/*
 * Read with n threads in all (1, the default, up to TT_MAX_READ_THREADS;
 * else -EINVAL): the n - 1 beyond the caller's decompress the next chunks
 * ahead, at most two each and 256 MiB in all, so that records come out as
 * fast as the caller takes them. Only a file with a valid chunk index is read that way; records
 * come out the same, in the same order, and errors are the same.
 */
#define TT_MAX_READ_THREADS 64
int trace_reader__set_threads(struct trace_reader *r, int n);

/* Did the file end without its trailer (killed recorder, copy cut short)?
 * Known once trace_reader__next() has returned 0. */
bool trace_reader__truncated(const struct trace_reader *r);

/*
 * Batches of events missing from their CPU's numbers in what was
 * read (SYSCALLS.seq; since the last seek): lost between the kernel and the
 * file, which the file's LOSS records count in events. cpu -1: all CPUs.
 */
uint64_t trace_reader__batches_missing(const struct trace_reader *r, int cpu);

/* Whether the file had a chunk index (a cleanly closed file). */
bool trace_reader__indexed(const struct trace_reader *r);

/* Position the reader at the first chunk that may hold events at or after
 * ts (CLOCK_MONOTONIC ns); events before ts in that chunk are still returned. */
int trace_reader__seek_time(struct trace_reader *r, uint64_t ts);

/*
 * Following a file still being written. In follow mode, reaching the current
 * end of a file that is not complete (no trailer and seek table yet) makes
 * trace_reader__next() return -EAGAIN and keep its place, even inside a
 * chunk; trace_reader__refresh() then looks at the file's size again: 1 if
 * it grew (read on), 0 if not, -errno. Turning follow mode off makes the
 * current end the end of the file (truncated if it is incomplete).
 */
void trace_reader__follow(struct trace_reader *r, bool on);
int trace_reader__refresh(struct trace_reader *r);

/* Is a writer (trace_writer, which locks its file) still writing the
 * file r reads? */
bool trace_reader__writer_alive(const struct trace_reader *r);
/* The same for the file at path (false if there is none). */
bool trace_file__writer_alive(const char *path);

/* Whether the TRAILER was read, and its enum tt_close_reason into *reason. */
bool trace_reader__ended(const struct trace_reader *r, uint32_t *reason);

const char *trace_reader__error(const struct trace_reader *r);
const char *trace_reader__path(const struct trace_reader *r);
void trace_reader__close(struct trace_reader *r);

/* Sets of files ---------------------------------------------------------- */

/*
 * Several traces read as one: each argument is a file or a directory (its
 * *.zst and *.zst.partial files). Files are read in recording order (header
 * start time, then seq). A file named more than once (same device and
 * inode) is read once. Errors as trace_reader__open, and -EXDEV when the
 * files are of different recordings (recording id, architecture or host
 * differ), -EEXIST for two copies of one file: err names the two files.
 */
struct trace_set;

struct trace_set *trace_set__open(char *const *paths, int npaths, char *err, size_t errlen);

/* Like trace_reader__next across all files; file headers are not returned.
 * trace_set__current() is the reader the last record came from. */
int trace_set__next(struct trace_set *s, struct tt_record *rec);
struct trace_reader *trace_set__current(const struct trace_set *s);
/* trace_reader__set_threads for each file (one at a time is read). */
int trace_set__set_threads(struct trace_set *s, int n);
int trace_set__count(const struct trace_set *s);
struct trace_reader *trace_set__reader(const struct trace_set *s, int i);
/*
 * A recording followed while it is written: base is the name given to the
 * recorder (-o); the files read are base, then its rotation names (see
 * trace_rotation__name), each as NAME.partial until renamed. The first file
 * present (the lowest seq: a ring may have dropped older ones) is opened;
 * NULL with errno EAGAIN if there is none yet, or its header is not written.
 *
 * trace_set__next() then returns -EAGAIN at the end of what was written so
 * far (call it again later), and 0 only after the file closed for the end
 * of the recording (TRAILER reason END). A file is left for the next one
 * when it closed for rotation, or when it stopped growing and the next one
 * exists (it was cut short: whatever it holds is read first).
 */
struct trace_set *trace_set__follow(const char *base, char *err, size_t errlen);

const char *trace_set__error(const struct trace_set *s);
/* Following: is a writer still writing the file being read (or is the
 * next file awaited)? 0 if so; else -EPIPE, with trace_set__error saying
 * the file has no writer left. */
int trace_set__check_writer(struct trace_set *s);
void trace_set__close(struct trace_set *s);

#endif /* __TT_TRACE_H */
