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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

struct trace_set {
	struct trace_reader **readers;
	int n, cur, cap;
	char err[512];
	/* following a live recording: the name given to the recorder, and
	 * the rotation number of the file to open when the current one ends */
	char *base;
	uint32_t next_seq;
	bool ended;
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

/* A file of a followed recording, by its final name or as NAME.partial. */
static struct trace_reader *set_follow__open(struct trace_set *s, uint32_t seq, bool *exists)
{
	char name[4096], partial[4096 + 16], err[256];
	struct trace_reader *r = NULL;
	const char *path = NULL;

	*exists = false;
	if (trace_rotation__name(name, sizeof(name), s->base, seq)) {
		errno = ENAMETOOLONG;
		set__fail(s, -errno, "%s: name too long", s->base);
		return NULL;
	}
	snprintf(partial, sizeof(partial), "%s.partial", name);
	/* The partial name first: renamed between the two tries, the file is
	 * found by its final name. */
	if (!access(partial, F_OK))
		path = partial;
	else if (!access(name, F_OK))
		path = name;
	if (!path) {
		errno = EAGAIN;
		return NULL;
	}
	*exists = true;
	r = trace_reader__open(path, err, sizeof(err));
	if (!r && errno == ENOENT && path == partial)
		r = trace_reader__open(name, err, sizeof(err));
	if (!r) {
		/* its first chunk is not written yet */
		if (errno == ENODATA || errno == ENOENT)
			errno = EAGAIN;
		else
			set__fail(s, -errno, "%s: %s", path, err);
		return NULL;
	}
	trace_reader__follow(r, true);
	return r;
}

static bool set_follow__exists(struct trace_set *s, uint32_t seq)
{
	char name[4096], partial[4096 + 16];

	if (trace_rotation__name(name, sizeof(name), s->base, seq))
		return false;
	snprintf(partial, sizeof(partial), "%s.partial", name);
	return !access(partial, F_OK) || !access(name, F_OK);
}

static int set_follow__add(struct trace_set *s, struct trace_reader *r)
{
	if (s->n == s->cap) {
		int ncap = s->cap ? s->cap * 2 : 8;
		struct trace_reader **nr = realloc(s->readers, ncap * sizeof(*nr));

		if (!nr)
			return set__fail(s, -ENOMEM, "out of memory");
		s->readers = nr;
		s->cap = ncap;
	}
	s->readers[s->n++] = r;
	s->next_seq = trace_reader__header(r)->seq + 1;
	return 0;
}

/* Is entry the file name, or name.partial? */
static bool is_file_of(const char *entry, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(entry, name, n) && (!entry[n] || !strcmp(entry + n, ".partial"));
}

/* Rotation numbers of base's files present now: the lowest one into *seq. */
static int set_follow__first(struct trace_set *s, uint32_t *seq)
{
	char *dir = strdup(s->base), *slash, name[4096];
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		slash[1] = '\0';
	d = opendir(slash ? dir : ".");
	if (!d) {
		free(dir);
		return -errno;
	}
	while ((de = readdir(d))) {
		char *end, *dot;
		unsigned long k;

		/* a rotation name has a number in it: try the number in each
		 * ".N." or ".N" and keep it if it makes the name back */
		for (dot = strchr(de->d_name, '.'); dot; dot = strchr(dot + 1, '.')) {
			k = strtoul(dot + 1, &end, 10);
			if (end == dot + 1 || k > UINT32_MAX || (*end && *end != '.'))
				continue;
			if (trace_rotation__name(name, sizeof(name), s->base, k) ||
			    !is_file_of(de->d_name, strrchr(name, '/') ? strrchr(name, '/') + 1 : name))
				continue;
			if (!found || k < *seq)
				*seq = k;
			found = true;
		}
	}
	closedir(d);
	free(dir);
	if (set_follow__exists(s, 0))
		*seq = 0, found = true;
	return found ? 0 : -ENOENT;
}

static int set_follow__next(struct trace_set *s, struct tt_record *rec)
{
	for (;;) {
		struct trace_reader *r = s->cur < s->n ? s->readers[s->cur] : NULL;
		uint32_t reason;
		bool exists;
		int ret;

		if (s->ended)
			return 0;
		if (!r) {
			r = set_follow__open(s, s->next_seq, &exists);
			if (!r)
				return errno == EAGAIN ? -EAGAIN : -errno;
			ret = set_follow__add(s, r);
			if (ret) {
				trace_reader__close(r);
				return ret;
			}
		}
		ret = trace_reader__next(r, rec);
		if (ret > 0)
			return ret;
		if (ret == -EAGAIN) {
			if (trace_reader__refresh(r) > 0)
				continue;
			if (!set_follow__exists(s, s->next_seq))
				return -EAGAIN;
			/* The next file exists, so this one was closed before: one
			 * more look reads all of it, and then it is over. */
			if (trace_reader__refresh(r) <= 0)
				trace_reader__follow(r, false);
			continue;
		}
		if (ret < 0) {
			s->cur++;
			return set__fail(s, ret, "%s: %s", trace_reader__path(r), trace_reader__error(r));
		}
		s->cur++;
		if (trace_reader__ended(r, &reason) && reason == TT_CLOSE_END)
			s->ended = true;
	}
}

int trace_set__next(struct trace_set *s, struct tt_record *rec)
{
	if (s->base)
		return set_follow__next(s, rec);
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

struct trace_set *trace_set__follow(const char *base, char *err, size_t errlen)
{
	struct trace_set *s = calloc(1, sizeof(*s));
	struct trace_reader *r = NULL;
	bool exists;
	uint32_t seq = 0;
	int ret;

	if (!s || !(s->base = strdup(base))) {
		ret = -ENOMEM;
		if (s)
			set__fail(s, ret, "out of memory");
		goto fail;
	}
	ret = set_follow__first(s, &seq);
	if (ret == -ENOENT) {
		ret = -EAGAIN;
		set__fail(s, ret, "%s: no such trace yet", base);
		goto fail;
	}
	if (ret) {
		set__fail(s, ret, "%s: %s", base, strerror(-ret));
		goto fail;
	}
	r = set_follow__open(s, seq, &exists);
	if (!r) {
		ret = -errno;
		if (ret == -EAGAIN)
			set__fail(s, ret, "%s: no header written yet", base);
		goto fail;
	}
	ret = set_follow__add(s, r);
	if (!ret)
		return s;
	trace_reader__close(r);
fail:
	if (err && errlen)
		snprintf(err, errlen, "%s", s ? s->err : "out of memory");
	trace_set__close(s);
	errno = -ret;
	return NULL;
}

void trace_set__close(struct trace_set *s)
{
	if (!s)
		return;
	free(s->base);
	for (int i = 0; i < s->n; i++)
		trace_reader__close(s->readers[i]);
	free(s->readers);
	free(s);
}

int trace_set__check_writer(struct trace_set *s)
{
	struct trace_reader *r;

	if (s->cur >= s->n)
		return 0; /* between files: the next one is awaited */
	r = s->readers[s->cur];
	if (trace_reader__writer_alive(r))
		return 0;
	return set__fail(s, -EPIPE, "%s: no rec is writing it any more (killed?), and it "
			 "stopped growing", trace_reader__path(r));
}
