// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * analyze --serve's documents of a view (/api/VIEW, and the page's /data):
 * a reading of the recording as it is now, from its first file still there,
 * with the filters of the request, as analyze --VIEW --json reads a trace.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

/* Everything readable now: -EAGAIN once caught up (the events held for
 * later ones let out too), 0 at the recording's end, or a read error. */
static int read_all(struct tape *t, const struct view *v, void *state)
{
	const struct tt_record *rec;
	int ret;

	for (int pass = 0; pass < 2; pass++) {
		while ((ret = tape__next(t, &rec)) > 0)
			v->event(state, t, rec);
		if (ret != -EAGAIN)
			return ret;
		tape__flush(t);
	}
	return ret;
}

int serve__document(const char *base, const struct view *v, const struct view_opts *o,
		    const struct filter_opts *fo, char **out, size_t *len, char *err,
		    size_t errlen)
{
	struct view_opts vo = *o;
	struct tape *t = NULL;
	struct report rep;
	void *state = NULL;
	struct json j;
	FILE *m = NULL;
	int ret;

	*out = NULL;
	ret = tape__open_follow(&t, base, err, errlen);
	if (ret)
		goto cleanup;
	if (tape__filter(t, fo, err, errlen)) {
		ret = -EINVAL;
		goto cleanup;
	}
	if (v->any_order)
		tape__any_order(t);
	vo.paths = (char *const *)&base;
	vo.npaths = 1;
	vo.html_path = NULL;
	ret = -ENOMEM;
	snprintf(err, errlen, "out of memory");
	m = open_memstream(out, len);
	if (!m)
		goto cleanup;
	json__init(&j, m);
	rep = (struct report){ .f = m, .j = &j };
	if (v != &view_html) {
		json__obj_begin(&j, NULL);
		json__str(&j, "view", v->name);
	}
	state = v->new(t, &vo, &rep, err, errlen);
	if (!state) {
		ret = errno == EINVAL ? -EINVAL : -ENOMEM;
		goto cleanup;
	}
	ret = read_all(t, v, state);
	if (ret < 0 && ret != -EAGAIN) {
		snprintf(err, errlen, "%s", tape__error(t));
		goto cleanup;
	}
	if (v == &view_html) {
		/* the page's data: --html's document, not a view's */
		fclose(m);
		m = NULL;
		free(*out);
		ret = view_html__data(state, t, out, len);
		goto cleanup;
	}
	/* as analyze --VIEW --json: the header first, or after streamed events */
	if (!v->streams)
		header__report(t, vo.paths, vo.npaths, &rep);
	v->report(state, t, &rep);
	if (v->streams)
		header__report(t, vo.paths, vo.npaths, &rep);
	json__obj_end(&j);
	ret = fclose(m) ? -ENOMEM : 0;
	m = NULL;
cleanup:
	if (m)
		fclose(m);
	if (ret) {
		free(*out);
		*out = NULL;
	}
	if (state)
		v->free(state);
	tape__close(t);
	return ret;
}
