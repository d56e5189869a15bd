/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * analyze --flow SPEC --calls: which threads handled a flow, and when, so
 * that --calls shows only their call trees over that time. The trace is
 * read twice: flow_threads__scan sees every event the first time,
 * flow_threads__shows picks the events the second time.
 */
#ifndef __TT_FLOW_THREADS_H
#define __TT_FLOW_THREADS_H

#include <stdbool.h>
#include <stddef.h>

#include "flow_spec.h"
#include "records.h"
#include "table.h"
#include "tape.h"

struct flow_threads;

/* NULL on ENOMEM. */
struct flow_threads *flow_threads__new(const struct syscall_table *st,
				       const struct flow_spec *spec);

/* The first reading: every event, in time order. */
void flow_threads__scan(struct flow_threads *ft, const struct tt_record *rec);

/* After the first reading: decide the threads, and say which flow, which
 * threads and what time (text, or a "flow" object in JSON). Returns how
 * many threads handled the flow. */
size_t flow_threads__report(struct flow_threads *ft, struct tape *t, struct report *r);

/* The second reading: does --calls show this FUNC_CALL or SYSCALL event? */
bool flow_threads__shows(struct flow_threads *ft, const struct tt_record *rec);

void flow_threads__free(struct flow_threads *ft);

#endif /* __TT_FLOW_THREADS_H */
