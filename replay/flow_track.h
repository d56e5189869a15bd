/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which syscalls belong to one flow (analyze --flow 'SRC DST'): its packets,
 * and the processes' fds tied to it by what the trace shows. --flow prints
 * them; --flow --calls takes the threads that made them.
 */
#ifndef __TT_FLOW_TRACK_H
#define __TT_FLOW_TRACK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "flow_spec.h"
#include "records.h"
#include "syscalls.h"
#include "tape.h"

struct flow_track;

/* A syscall kept with its strings (sockaddrs), which the tape reuses. */
struct kept_syscall {
	struct tt_syscall s;
	char *strs; /* free() it */
};

/* Copy sc into k. Returns 0 or -ENOMEM. */
int kept_syscall__init(struct kept_syscall *k, const struct tt_syscall *sc);

struct flow_track_ops {
	/* A syscall on a socket tied to the flow, valid during the call. tie
	 * (from 1) is for flow_track__keeps, once every event is seen. A call
	 * that a packet tied comes right before that packet. */
	void (*syscall)(void *ctx, const struct tt_syscall *sc, uint32_t tie);
	/* A packet of the flow (either way). */
	void (*packet)(void *ctx, const struct tt_packet *p);
};

/* NULL on ENOMEM. st names the syscalls; ops get ctx. */
struct flow_track *flow_track__new(const struct syscall_table *st, const struct flow_spec *spec,
				   const struct flow_track_ops *ops, void *ctx);

/* Every event, in time order. */
void flow_track__event(struct flow_track *ft, const struct tt_record *rec);

/* Once every event was seen: does a syscall of pid on tie belong to the
 * flow? pid must own a packet of it, and a tie made by an address only holds
 * if a packet of the flow has that exact endpoint. */
bool flow_track__keeps(struct flow_track *ft, uint32_t pid, uint32_t tie);

/* Syscall nr's fd argument (0-5), or -1 when it has none. */
int flow_track__fd_arg(const struct flow_track *ft, int nr);

/* The line that says the trace has no packet of the flow, and why if known. */
void flow_track__say_no_packets(FILE *f, const struct tape *t);

void flow_track__free(struct flow_track *ft);

#endif /* __TT_FLOW_TRACK_H */
