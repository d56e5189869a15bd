/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rec --flight: the writer thread keeps the compressed chunks in a ring in
 * memory instead of writing them, the oldest dropped as new ones come, and
 * writes a snapshot (a trace file of its own) when the consumer marks a
 * chunk as a trigger's. A snapshot opens with the state prologue of a
 * second process table, kept as of the ring's oldest chunk: the process
 * events of each chunk dropped are applied to it, and the shipping marks
 * of its batches say up to when in event time that table is complete.
 */
#ifndef __TT_FLIGHT_H
#define __TT_FLIGHT_H

#include <stdbool.h>
#include <stdint.h>

#include "output.h"
#include "proctrack.h"
#include "records.h"

struct flight_opts {
	uint64_t max_bytes;      /* the ring's compressed bytes, 0: no bound */
	uint64_t max_ns;         /* the span of event time it holds, 0: no bound */
	uint32_t max_snapshots;  /* keep this run's newest N snapshots, 0: all */
	const char *base;        /* -o: snapshots are named after it and their trigger time */
	bool force;
	int level;
	struct proctrack *procs; /* the table as of the ring's start (the writer thread's alone) */
	struct tt_file_header header; /* template: seq, start_ns and wall_offset_ns are set */
};

struct flight;

struct flight *flight__new(const struct flight_opts *opts);
void flight__free(struct flight *f);

/* Take one chunk in the order the consumer made them (the writer thread):
 * opens, writes to and closes snapshots as the chunk says, then keeps its
 * frame in the ring. 0, or -errno with the reason in err (a snapshot that
 * could not be written; the ring goes on). */
int flight__chunk(struct flight *f, const struct chunk *c, char *err, size_t errlen);

/* Close a snapshot still open (rec stopping). */
int flight__finish(struct flight *f, char *err, size_t errlen);

struct flight_stats {
	uint64_t ring_bytes;  /* compressed bytes held now */
	uint64_t ring_chunks;
	uint64_t dropped_chunks; /* let go as newer ones came (not losses) */
	uint32_t snapshots;   /* written (or being written) */
};

/* From any thread. */
void flight__stats(const struct flight *f, struct flight_stats *st);

#endif /* __TT_FLIGHT_H */
