/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The writer: compressing threads make each chunk the consumer builds into
 * its zstd frame, in parallel, off the ring-draining thread; one writer
 * thread writes the frames in the order the chunks came and rotates files.
 * A file being written is NAME.partial and takes its name when closed.
 */
#ifndef __TT_OUTPUT_H
#define __TT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fdtouch.h"
#include "records.h"
#include "trace.h"

enum chunk_state {
	CHUNK_QUEUED,      /* waiting for a compressing thread */
	CHUNK_COMPRESSING,
	CHUNK_COMPRESSED,  /* frame (or zerr) ready for the writer thread */
};

/*
 * What rec --flight's ring keeps of a chunk besides its frame (flight.c):
 * what the ring's process table needs once the chunk is let go, and what
 * a snapshot's prologue needs while it is kept.
 */
struct chunk_keep {
	char *pevents;              /* its process events, encoded (chunk__append) */
	size_t pevents_len, pevents_cap;
	/* The shipping marks (proctrack.h) of the batches whose last records
	 * it holds, one per CPU: where the ring's table stands once the
	 * chunk is let go. And the CPUs those marks are waited for, when
	 * rec's flusher found them changed while it was being built. */
	struct chunk_mark { uint32_t cpu; uint64_t ts; } *marks;
	uint32_t nmarks, marks_cap;
	bool *watched;
	int nwatched;
	/* The fds its calls may have given another meaning (fdtouch.h). */
	struct fd_touch *touches;
	uint32_t ntouches, touches_cap;
	bool touches_lost; /* one could not be kept (no memory), or --max-rate left such calls out */
};

/* A copy of src in dst, each array its exact size: 0 or -ENOMEM. */
int chunk_keep__copy(struct chunk_keep *dst, const struct chunk_keep *src);
/* The bytes its arrays hold. */
size_t chunk_keep__bytes(const struct chunk_keep *k);
void chunk_keep__release(struct chunk_keep *k);

/* Whole encoded records, in one zstd frame once written. */
struct chunk {
	char *buf;
	size_t len, cap;
	uint32_t nrecords;
	uint64_t first_ts, last_ts; /* min/max event time, 0 if none */
	bool starts_file;           /* open the next file before writing it */
	bool ends_file;             /* close the file after writing it */
	enum chunk_state state;     /* under the output's lock */
	int zerr;                   /* compressing it failed: -errno */
	struct trace_frame frame;
	/* rec --flight (flight.h) */
	bool keep_pevents;          /* chunk__append copies process events into keep.pevents */
	struct chunk_keep keep;
	uint64_t events, lost;      /* events it holds, and those its LOSS records count */
	uint32_t snap_open;         /* a trigger in it opens snapshot N, 0 for none */
	int64_t snap_time_ns;       /* when (Unix ns): the snapshot's name */
	int64_t snap_wall_offset_ns; /* then: its header's wall_offset_ns */
	bool snap_close;            /* the snapshot ends with it */
	struct chunk *next;
};

struct chunk *chunk__new(size_t cap);
void chunk__free(struct chunk *c);
/* Encode rec at the end of c; -ENOSPC if it does not fit. */
int chunk__append(struct chunk *c, const struct tt_record *rec);
/* rec --flight: a batch of cpu's with shipping mark ts ends in c; and the
 * CPUs the marks are waited for are now watched[ncpus]. 0 or -ENOMEM. */
int chunk__mark(struct chunk *c, uint32_t cpu, uint64_t ts);
int chunk__watch(struct chunk *c, const bool *watched, int ncpus);
/* rec --flight: a call of the batch that ends in c touched pid's fd. */
int chunk__touch(struct chunk *c, uint32_t pid, int32_t fd);

struct output_opts {
	const char *base;       /* the first file's name; later ones from trace_rotation__name */
	uint64_t rotate_bytes;  /* ask for a rotation past this many bytes written, 0 never */
	uint32_t rotate_count;  /* keep at most this many files, 0 all */
	int level;
	int max_queued;         /* chunks waiting before output__submit blocks */
	int compressors;        /* compressing threads; 0: half the online CPUs, 1 to 8 */
	bool force;             /* replace files that are not traces, stale .partial files */
	bool drop_oldest;       /* on a full disk, delete this recording's oldest file */
	const struct flight_opts *flight; /* rec --flight: a ring in memory, and snapshots */
};

/*
 * May path be written as a trace? Traces are replaced, anything else (or a
 * symlink, or a leftover path.partial) only with force. Returns 0, or -EEXIST
 * with the reason in why.
 */
int output__check_path(const char *path, bool force, char *why, size_t whylen);
/* The same for another file rec writes beside the trace (the pcapng):
 * is_ours() accepts a file of that kind, which what names ("a pcapng file"). */
int output__check_name(const char *path, bool force, bool (*is_ours)(const char *path),
		       const char *what, char *why, size_t whylen);

struct output;
struct flight_opts;

struct output *output__start(const struct output_opts *opts);

/* An empty chunk of TT_CHUNK_SIZE bytes, recycled from those written. */
struct chunk *output__chunk(struct output *o);

/* Queue a chunk (ownership passes); blocks while the queue is full.
 * Returns the writer's first error, if it has failed, and frees c. */
int output__submit(struct output *o, struct chunk *c);

/*
 * Would a file holding raw_bytes of records reach rotate_bytes? Estimated
 * from the compression ratio so far, so the consumer can cut the file on a
 * chunk boundary instead of waiting for chunks still queued to land.
 */
bool output__would_rotate(const struct output *o, uint64_t raw_bytes);

/* Write what is queued, close the last file, join the thread. Returns the
 * writer's first error. The file names written are kept for the summary. */
int output__finish(struct output *o);

/* One line describing the writer's first error, "" if none. */
const char *output__error(const struct output *o);

/*
 * The faster zstd levels for chunks that wait behind the compressing
 * threads, one step faster the longer the queue (output.c). zstd on a
 * getppid storm's chunks (format 1.14, 1 MiB blocks, an Intel Xeon VM,
 * 2026-12-06): level 1 ~21 ns an event for 1.25 bytes on disk, -5 ~16 ns
 * for 1.7, -30 ~10 ns for 2.9, -100 ~5.6 ns for 4.2.
 */
#define OUTPUT_CATCH_UP_STEPS 3
extern const int output_catch_up_levels[OUTPUT_CATCH_UP_STEPS];
/* The step (an index of output_catch_up_levels) for a chunk with waiting
 * chunks queued behind it, -1 for none. */
int output__catch_up_step(int waiting, int ncompressors, int max_queued);

struct output_stats {
	uint64_t written_bytes; /* compressed bytes in files */
	uint64_t raw_bytes;     /* uncompressed record bytes */
	uint32_t files;
	int queued;
	/* chunks compressed at each of output_catch_up_levels to keep up */
	uint64_t caught_up[OUTPUT_CATCH_UP_STEPS];
};

void output__stats(struct output *o, struct output_stats *st);
/* The name of the newest file (without .partial). */
const char *output__current_name(struct output *o);
/* rec --flight: the ring's state (at any time); false without --flight. */
struct flight_stats;
bool output__flight_stats(struct output *o, struct flight_stats *st);
void output__free(struct output *o);

#endif /* __TT_OUTPUT_H */
