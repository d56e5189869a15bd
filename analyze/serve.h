/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * analyze --serve: follow a recording as --follow does and serve it over
 * HTTP (libmicrohttpd): the live page, /metrics, /api/VIEW and /events.
 */
#ifndef __TT_SERVE_H
#define __TT_SERVE_H

#include <stddef.h>

#include "filter.h"
#include "serve_addr.h"
#include "views.h"

/*
 * Serve the recording rec writes as base until SIGINT or SIGTERM (the
 * recording's end does not stop it): o and fo as the command line says
 * (o->rules_path: the alert rules), the follower reading with threads
 * (-j). Returns the exit status.
 */
int serve__run(const struct serve_addr *a, const char *base, const struct view_opts *o,
	       const struct filter_opts *fo, int threads);

/*
 * serve_api.c: view v's JSON document (as analyze --VIEW --json), or, for
 * view_html, the page's data, from a reading of the recording base as it
 * is now with the filters fo, into *out (malloc'd, *len bytes). Returns 0,
 * -EAGAIN (no file with a header yet), -EINVAL (err: the filters are wrong)
 * or another -errno with err saying why.
 */
int serve__document(const char *base, const struct view *v, const struct view_opts *o,
		    const struct filter_opts *fo, char **out, size_t *len, char *err,
		    size_t errlen);

#endif /* __TT_SERVE_H */
