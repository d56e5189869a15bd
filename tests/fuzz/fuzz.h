/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the fuzz targets share. Each target is one LLVMFuzzerTestOneInput(),
 * linked either with libFuzzer (make fuzz) or with replay.c, which feeds it
 * the saved inputs in make check.
 */
#ifndef __TT_FUZZ_H
#define __TT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The parsers under test take a path: data goes into an anonymous in-memory
 * file (memfd), named by its /proc/self/fd path in path. Returns the fd, to
 * close after use, or -1.
 */
int fuzz__memfile(const void *data, size_t size, char *path, size_t pathlen);

/* A broken invariant: print it and abort, which both drivers report. */
#define fuzz_assert(cond)                                                              \
	((cond) ? (void)0 : fuzz__fail(__FILE__, __LINE__, #cond))
void fuzz__fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* An error text the tools print after "name: ": one non-empty line. */
void fuzz__check_message(const char *msg);

/*
 * Read the trace at path every way the readers can (trace_set, then a lone
 * reader seeking to seek_ts and following), checking what must hold for any
 * file. Returns the events read in the first pass, or -1 if that pass met an
 * error; *events_after gets how many of them were at or after seek_ts, and
 * *seek_events_after how many the seeking pass read at or after it.
 */
long fuzz__read_trace(const char *path, uint64_t seek_ts, long *events_after,
		      long *seek_events_after);

/*
 * Compress records (as `zstd -dc trace.zst` prints them) into a trace in a
 * memfd, per_chunk records a chunk (0 means 1), with a chunk index and seek
 * table if indexed. *last_ts (if not NULL) gets the last event's time.
 * Returns the fd as fuzz__memfile, or -1.
 */
int fuzz__pack_records(const uint8_t *data, size_t size, bool indexed, unsigned per_chunk,
		       uint64_t *last_ts, char *path, size_t pathlen);

#endif /* __TT_FUZZ_H */
