/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A bounded reorder window. Events reach a trace in per-CPU batches, so they
 * are only roughly in time order; this min-heap holds copies of them and
 * releases the oldest once the newest is more than a window later (or the
 * heap is full), which restores time order for any skew under the window
 * while memory stays bounded by the window, not by the trace.
 */
#ifndef __TT_REORDER_H
#define __TT_REORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"

#define REORDER_WINDOW_NS 1000000000ull /* 1 s */
#define REORDER_MAX_EVENTS (1u << 18) /* the heap's cap whatever the window */
/* and its cap in bytes: 2^18 events with ~400 bytes of paths each fit, a few
 * hundred events of 1 MiB strings do not wait for their time (see
 * reorder__early) */
#define REORDER_MAX_BYTES (128u << 20)

struct reorder;

struct reorder *reorder__new(uint64_t window_ns, size_t max_events);
void reorder__free(struct reorder *r);

/* Add a copy of rec (an event). Returns 0 or -ENOMEM. */
int reorder__push(struct reorder *r, const struct tt_record *rec);

/*
 * The oldest event if it is due (drain: whatever is left), or NULL. The
 * record stays valid until the next pop or push.
 */
const struct tt_record *reorder__pop(struct reorder *r, bool drain);

/* How many events were released before their time because the window was
 * over REORDER_MAX_BYTES: after one, order is approximate. */
uint64_t reorder__early(const struct reorder *r);

#endif /* __TT_REORDER_H */
