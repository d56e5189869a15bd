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
	int threads; /* for each reader, 0 for its default */
};

/* A file to open, and its identity: the same file named twice (or named
 * and found in its directory) is read once. */
struct path_ent {
	char *path;
	dev_t dev;
	ino_t ino;
	int order;     /* position in the arguments, to keep the first naming */
	bool from_dir; /* found in a directory rather than named */
	bool dup;
};

/* Paths of the files to open, growing as arguments are expanded. */
struct path_list {
	struct path_ent *e;
	int n, cap;
};

static int path_list__add(struct path_list *l, char *path, const struct stat *st, bool from_dir)
{
	if (l->n == l->cap) {
		int ncap = l->cap ? l->cap * 2 : 16;
		struct path_ent *ne = realloc(l->e, ncap * sizeof(*ne));

		if (!ne) {
			free(path);
			return -ENOMEM;
		}
		l->e = ne;
		l->cap = ncap;
	}
	l->e[l->n] = (struct path_ent){ .path = path, .dev = st->st_dev, .ino = st->st_ino,
				       .order = l->n, .from_dir = from_dir };
	l->n++;
	return 0;
}

static int cmp_ent_identity(const void *a, const void *b)
{
	const struct path_ent *ea = a, *eb = b;

	if (ea->dev != eb->dev)
		return ea->dev < eb->dev ? -1 : 1;
	if (ea->ino != eb->ino)
		return ea->ino < eb->ino ? -1 : 1;
	return ea->order - eb->order;
}

static int cmp_ent_order(const void *a, const void *b)
{
	return ((const struct path_ent *)a)->order - ((const struct path_ent *)b)->order;
}

/* Mark every naming of a file after its first (device and inode, so that
 * "d/t.zst", "d/./t.zst" and d/ itself are one file). */
static void path_list__mark_dups(struct path_list *l)
{
	qsort(l->e, l->n, sizeof(*l->e), cmp_ent_identity);
	for (int i = 1; i < l->n; i++)
		if (l->e[i].dev == l->e[i - 1].dev && l->e[i].ino == l->e[i - 1].ino)
			l->e[i].dup = true;
	qsort(l->e, l->n, sizeof(*l->e), cmp_ent_order);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t len = strlen(s), slen = strlen(suffix);

	return len > slen && !strcmp(s + len - slen, suffix);
}

static int cmp_ent_path(const void *a, const void *b)
{
	return strcmp(((const struct path_ent *)a)->path, ((const struct path_ent *)b)->path);
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
		err = path_list__add(l, path, &st, true);
	}
	closedir(d);
	if (err)
		return set__fail(s, err, "out of memory");
	if (l->n > first) {
		qsort(l->e + first, l->n - first, sizeof(*l->e), cmp_ent_path);
		for (int i = first; i < l->n; i++)
			l->e[i].order = i;
	}
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

static void copy_name(char *buf, size_t size, const struct tt_bytes *b)
{
	size_t n = b->len < size - 1 ? b->len : size - 1;

	/* a header's bytes are the trace's: only printable ASCII reaches the
	 * message */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = ((const unsigned char *)b->data)[i];

		buf[i] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	buf[n] = '\0';
}

/*
 * Files of one recording only: events of another recording (another host,
 * architecture or boot, or an older run of rec into the same directory)
 * would be merged into one timeline, decoded with the first file's
 * architecture and clock, and counted together. Refuse, naming a file of
 * each.
 */
static int set__check_same(struct trace_set *s, const struct trace_reader *r0,
			   const struct trace_reader *r)
{
	const struct tt_file_header *h0 = trace_reader__header(r0), *h = trace_reader__header(r);
	char host0[64], host[64];

	copy_name(host0, sizeof(host0), &h0->hostname);
	copy_name(host, sizeof(host), &h->hostname);
	if (h->recording_id == h0->recording_id && h->audit_arch == h0->audit_arch &&
	    !strcmp(host0, host))
		return 0;
	if (strcmp(host0, host))
		return set__fail(s, -EXDEV, "%s and %s are from different recordings (hosts %s and %s): "
				 "give the files of one recording", trace_reader__path(r0),
				 trace_reader__path(r), host0, host);
	return set__fail(s, -EXDEV, "%s and %s are from different recordings (two runs of rec on %s): "
			 "give the files of one recording", trace_reader__path(r0),
			 trace_reader__path(r), host0);
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
			ret = p ? path_list__add(&l, p, &st, false) : -ENOMEM;
			if (ret)
				set__fail(s, ret, "out of memory");
		}
	}
	if (!ret && !l.n)
		ret = set__fail(s, -ENOENT, "no trace files (*.zst, *.zst.partial) found");
	if (!ret)
		path_list__mark_dups(&l);

	s->readers = calloc(l.n ?: 1, sizeof(*s->readers));
	if (!ret && !s->readers)
		ret = set__fail(s, -ENOMEM, "out of memory");
	for (int i = 0; i < l.n && !ret; i++) {
		struct trace_reader *r;

		if (l.e[i].dup)
			continue;
		r = trace_reader__open(l.e[i].path, err, sizeof(err));
		if (r) {
			s->readers[s->n++] = r;
			ret = set__check_same(s, s->readers[0], r);
			continue;
		}
		/* a directory of a live recording ends with a file whose first
		 * chunk is not written yet */
		if (l.e[i].from_dir && errno == ENODATA)
			continue;
		ret = set__fail(s, -errno, "%s: %s", l.e[i].path, err);
	}
	if (!ret && !s->n)
		ret = set__fail(s, -ENODATA, "no readable trace files");
	if (!ret)
		qsort(s->readers, s->n, sizeof(*s->readers), cmp_recording_order);
	/* two copies of one file of the recording would count its events twice */
	for (int i = 1; i < s->n && !ret; i++) {
		const struct tt_file_header *a = trace_reader__header(s->readers[i - 1]);
		const struct tt_file_header *b = trace_reader__header(s->readers[i]);

		if (a->seq == b->seq && a->start_ns == b->start_ns)
			ret = set__fail(s, -EEXIST, "%s and %s are copies of one file of the recording: "
					"give one of them", trace_reader__path(s->readers[i - 1]),
					trace_reader__path(s->readers[i]));
	}

	for (int i = 0; i < l.n; i++)
		free(l.e[i].path);
	free(l.e);
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
	/* a file left by an older recording under the same name */
	if (s->n && set__check_same(s, s->readers[0], r))
		return -EXDEV;
	if (s->n == s->cap) {
		int ncap = s->cap ? s->cap * 2 : 8;
		struct trace_reader **nr = realloc(s->readers, ncap * sizeof(*nr));

		if (!nr)
			return set__fail(s, -ENOMEM, "out of memory");
		s->readers = nr;
		s->cap = ncap;
	}
	if (s->threads)
		trace_reader__set_threads(r, s->threads);
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

int trace_set__set_threads(struct trace_set *s, int n)
{
	if (n < 1 || n > TT_MAX_READ_THREADS)
		return -EINVAL;
	s->threads = n;
	for (int i = 0; i < s->n; i++)
		trace_reader__set_threads(s->readers[i], n);
	return 0;
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
