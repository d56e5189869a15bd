// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Several trace files read as one recording: the files a recorder rotated
 * through, given one by one or as the directory holding them.
 */
#include "config.h" /* _GNU_SOURCE, for asprintf */

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace.h"

struct trace_set {
	struct trace_reader **readers;
	int n, cur;
	char err[512];
};

/* Paths of the files to open, growing as arguments are expanded. */
struct path_list {
	char **paths;
	bool *from_dir; /* found in a directory rather than named */
	int n, cap;
};

static int path_list__add(struct path_list *l, char *path, bool from_dir)
{
	if (l->n == l->cap) {
		int ncap = l->cap ? l->cap * 2 : 16;
		char **np = realloc(l->paths, ncap * sizeof(*np));
		bool *nf;

		if (!np)
			goto err;
		l->paths = np;
		nf = realloc(l->from_dir, ncap * sizeof(*nf));
		if (!nf)
			goto err;
		l->from_dir = nf;
		l->cap = ncap;
	}
	l->paths[l->n] = path;
	l->from_dir[l->n++] = from_dir;
	return 0;
err:
	free(path);
	return -ENOMEM;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t len = strlen(s), slen = strlen(suffix);

	return len > slen && !strcmp(s + len - slen, suffix);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int set__fail(struct trace_set *s, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set__fail(struct trace_set *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return err;
}

/* Add dir's *.zst and *.zst.partial files, in name order. */
static int set__add_dir(struct trace_set *s, struct path_list *l, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int first = l->n, err = 0;

	if (!d)
		return set__fail(s, -errno, "%s: %s", dir, strerror(errno));
	while (!err && (de = readdir(d))) {
		struct stat st;
		char *path;

		if (!has_suffix(de->d_name, ".zst") && !has_suffix(de->d_name, ".zst.partial"))
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0) {
			err = -ENOMEM;
			break;
		}
		if (stat(path, &st) || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		err = path_list__add(l, path, true);
	}
	closedir(d);
	if (err)
		return set__fail(s, err, "out of memory");
	if (l->n > first)
		qsort(l->paths + first, l->n - first, sizeof(*l->paths), cmp_str);
	return 0;
}

static int cmp_recording_order(const void *a, const void *b)
{
	const struct trace_reader *ra = *(struct trace_reader *const *)a;
	const struct trace_reader *rb = *(struct trace_reader *const *)b;
	const struct tt_file_header *ha = trace_reader__header(ra);
	const struct tt_file_header *hb = trace_reader__header(rb);

	if (ha->start_ns != hb->start_ns)
		return ha->start_ns < hb->start_ns ? -1 : 1;
	if (ha->seq != hb->seq)
		return ha->seq < hb->seq ? -1 : 1;
	return strcmp(trace_reader__path(ra), trace_reader__path(rb));
}

static int set__open(struct trace_set *s, char *const *paths, int npaths)
{
	struct path_list l = {};
	char err[256];
	int ret = 0;

	for (int i = 0; i < npaths && !ret; i++) {
		struct stat st;
		char *p;

		if (stat(paths[i], &st)) {
			ret = set__fail(s, -errno, "%s: %s", paths[i], strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			ret = set__add_dir(s, &l, paths[i]);
		} else {
			p = strdup(paths[i]);
			ret = p ? path_list__add(&l, p, false) : -ENOMEM;
			if (ret)
				set__fail(s, ret, "out of memory");
		}
	}
	if (!ret && !l.n)
		ret = set__fail(s, -ENOENT, "no trace files (*.zst, *.zst.partial) found");

	s->readers = calloc(l.n ?: 1, sizeof(*s->readers));
	if (!ret && !s->readers)
		ret = set__fail(s, -ENOMEM, "out of memory");
	for (int i = 0; i < l.n && !ret; i++) {
		struct trace_reader *r = trace_reader__open(l.paths[i], err, sizeof(err));

		if (r) {
			s->readers[s->n++] = r;
			continue;
		}
		/* a directory of a live recording ends with a file whose first
		 * chunk is not written yet */
		if (l.from_dir[i] && errno == ENODATA)
			continue;
		ret = set__fail(s, -errno, "%s: %s", l.paths[i], err);
	}
	if (!ret && !s->n)
		ret = set__fail(s, -ENODATA, "no readable trace files");
	if (!ret)
		qsort(s->readers, s->n, sizeof(*s->readers), cmp_recording_order);

	for (int i = 0; i < l.n; i++)
		free(l.paths[i]);
	free(l.paths);
	free(l.from_dir);
	return ret;
}

struct trace_set *trace_set__open(char *const *paths, int npaths, char *err, size_t errlen)
{
	struct trace_set *s = calloc(1, sizeof(*s));
	int ret;

	if (!s) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	ret = set__open(s, paths, npaths);
	if (ret) {
		if (err && errlen)
			snprintf(err, errlen, "%s", s->err);
		trace_set__close(s);
		errno = -ret;
		return NULL;
	}
	return s;
}

int trace_set__next(struct trace_set *s, struct tt_record *rec)
{
	while (s->cur < s->n) {
		struct trace_reader *r = s->readers[s->cur];
		int ret = trace_reader__next(r, rec);

		if (ret > 0)
			return ret;
		/* a truncated file (its recorder killed) ends normally, and so
		 * the next one is read; after an error, a further call goes on
		 * with the next file too */
		s->cur++;
		if (ret < 0) {
			set__fail(s, ret, "%s: %s", trace_reader__path(r), trace_reader__error(r));
			return ret;
		}
	}
	return 0;
}

struct trace_reader *trace_set__current(const struct trace_set *s)
{
	if (!s->n)
		return NULL;
	/* after a file's last record, cur has not moved on yet */
	return s->readers[s->cur < s->n ? s->cur : s->n - 1];
}

int trace_set__count(const struct trace_set *s)
{
	return s->n;
}

struct trace_reader *trace_set__reader(const struct trace_set *s, int i)
{
	if (i < 0 || i >= s->n) {
		errno = ENOENT;
		return NULL;
	}
	return s->readers[i];
}

const char *trace_set__error(const struct trace_set *s)
{
	return s->err;
}

void trace_set__close(struct trace_set *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		trace_reader__close(s->readers[i]);
	free(s->readers);
	free(s);
}
