/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The consumer thread: drains the ring buffer on a timer (the BPF side never
 * wakes it per event), turns each batch into trace records, and hands whole
 * chunks to the writer thread at least once a second. It alone builds what
 * goes into the files, so file headers, state prologues, loss records and
 * trailers land in order with the events.
 */
#ifndef __TT_CONSUMER_H
#define __TT_CONSUMER_H

#include <stdbool.h>
#include <stdint.h>

#include "output.h"
#include "packets.h"
#include "programs.h"
#include "proctrack.h"
#include "records.h"

struct consumer;

struct consumer_opts {
	struct programs *programs;
	struct output *output;
	struct proctrack *procs;
	struct tt_file_header header; /* template: seq and start_ns are set per file */
	uint32_t rotate_seconds;      /* -G, 0 for none */
	struct packet_sink *packets;  /* the packet monitor's pcapng side, NULL without it */
	struct func_probes *funcs;    /* the function monitor's table and counts, NULL without it */
	bool flight;                  /* rec --flight: output keeps a ring; triggers make snapshots */
	uint64_t post_ns;             /* --post: a snapshot goes on this long after its last trigger */
	struct triggers *triggers;    /* --trigger: rules matched on the events, NULL for none */
	const struct fdtouch *fdtouch; /* --flight: the calls whose fds a snapshot's prologue leaves out */
};

struct consumer *consumer__start(const struct consumer_opts *opts, char *err, size_t errlen);

/* Ask for a new file at the next chunk boundary (SIGUSR1). */
void consumer__rotate(struct consumer *c);

/*
 * rec --flight: a trigger fired outside the consumer (SIGUSR2, the
 * command's exit, rec's end): at the next tick, a TRIGGER record of this
 * kind, value and message, opening a snapshot or extending the open one.
 */
void consumer__trigger(struct consumer *c, enum tt_trigger_kind kind, int64_t value,
		       const char *message);

/* Record a settings change (SIGHUP) at this point of the stream. */
void consumer__config_changed(struct consumer *c, const char *text);

/* How the recording ends, for the last file's trailer (before finish):
 * TT_CLOSE_END or TT_CLOSE_CUT, and the signal that began it, or 0. */
void consumer__set_end(struct consumer *c, enum tt_close_reason reason, int signal);

/* Drain what the kernel still holds, close the last file, join. Returns
 * 0 or the writer's (or the pcapng side's) first error. */
int consumer__finish(struct consumer *c);

/*
 * The flusher's pass has reached the CPUs marked in reached[] (one per
 * possible CPU, programs__ncpus): the position the prologues are decided by
 * waits for each one's shipping mark (proctrack__watch_cpus).
 */
void consumer__cpus_flushed(struct consumer *c, const bool *reached);

struct consumer_stats {
	uint64_t events[TT_MONITOR__COUNT];
	uint64_t lost[TT_MONITOR__COUNT];
	uint64_t batches;
	uint64_t sampled; /* syscall events --max-rate left out (SAMPLED records) */
	uint64_t triggers; /* rec --flight's triggers fired */
	int procs; /* processes in the table prologues are made from, now */
};

void consumer__stats(struct consumer *c, struct consumer_stats *st);
void consumer__free(struct consumer *c);

#endif /* __TT_CONSUMER_H */
