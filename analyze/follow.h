/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * analyze --follow: read a recording while rec writes it, hand every event
 * to the view as it arrives, and (for --top) redraw a live screen of rates.
 */
#ifndef __TT_FOLLOW_H
#define __TT_FOLLOW_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "views.h"

/*
 * Open the recording rec writes as base, waiting (with one line on stderr)
 * until its first file has a header. Returns 0, -EINTR if interrupted while
 * waiting, or -errno with err saying why.
 */
int follow__open(struct tape **out, const char *base, char *err, size_t errlen);

/*
 * Feed the view until the recording ends (TRAILER reason END) or SIGINT or
 * SIGTERM; then what was written up to then is read too, so that the totals
 * are those of the trace so far. screen: where to draw the live screen
 * every second (NULL for none). Returns 0 or the read error (-errno).
 */
int follow__run(struct tape *t, const struct view *v, void *state, const struct view_opts *o,
		FILE *screen);

/*
 * --serve: follow__run holds lock while it reads the tape or hands events
 * to the view (letting go between batches), so that another thread holding
 * it may read the tape and the view's state.
 */
void follow__set_lock(pthread_mutex_t *lock);

/* Has SIGINT or SIGTERM come since follow__open or follow__run began? */
bool follow__stopped(void);

#endif /* __TT_FOLLOW_H */
