// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup2.h"
#include "container.h"

#define MAX_DEPTH 32

/* The first cgroup2 mount in a mounts table, prefixed (for another mount
 * namespace's, seen through /proc/PID/root). */
static int find_mount(const char *table, const char *prefix, char *path, size_t size)
{
	char dev[256], dir[PATH_MAX], type[64];
	FILE *f = fopen(table, "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
		if (!strcmp(type, "cgroup2")) {
			ret = snprintf(path, size, "%s%s", prefix, dir) < (int)size ? 0 : -ENAMETOOLONG;
			break;
		}
	}
	fclose(f);
	return ret;
}

int cgroup2__mount(char *path, size_t size)
{
	int ret = find_mount("/proc/self/mounts", "", path, size);

	/* `ip netns exec` gives its command a mount namespace with /sys
	 * mounted again, without the cgroup2 hierarchy: the one init sees is
	 * the same, reached through its root. */
	if (ret == -ENOENT)
		ret = find_mount("/proc/1/mounts", "/proc/1/root", path, size);
	return ret;
}

static int walk(const char *mount, const char *rel, int depth,
		int (*fn)(void *ctx, const char *path, uint64_t id), void *ctx)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int ret = 0;
	DIR *d;

	if (snprintf(path, sizeof(path), "%s%s", mount, rel) >= (int)sizeof(path) ||
	    depth > MAX_DEPTH || stat(path, &st))
		return 0;
	/* The cgroup id of a v2 cgroup is the inode number of its directory. */
	ret = fn(ctx, *rel ? rel : "/", st.st_ino);
	d = ret ? NULL : opendir(path);
	while (d && !ret && (de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name) < (int)sizeof(sub))
			ret = walk(mount, sub, depth + 1, fn, ctx);
	}
	if (d)
		closedir(d);
	return ret;
}

int cgroup2__walk(const char *mount, const char *rel,
		  int (*fn)(void *ctx, const char *path, uint64_t id), void *ctx)
{
	return walk(mount, strcmp(rel, "/") ? rel : "", 0, fn, ctx);
}

struct find {
	const char *spec;
	char found[PATH_MAX];
	char id[CONTAINER_ID_SIZE];
	bool ambiguous;
	char other[CONTAINER_ID_SIZE];
};

static int find_container(void *ctx, const char *path, uint64_t id)
{
	struct find *f = ctx;
	struct container c;

	if (container__from_path(path, &c) || !container__match(&c, f->spec))
		return 0;
	if (!f->found[0]) {
		/* Parents come first: the first match is the outermost. */
		snprintf(f->found, sizeof(f->found), "%s", path);
		snprintf(f->id, sizeof(f->id), "%s", c.id);
	} else if (strcmp(c.id, f->id)) {
		snprintf(f->other, sizeof(f->other), "%s", c.id);
		f->ambiguous = true;
		return 1;
	}
	return 0;
}

int cgroup2__resolve(const char *mount, const char *spec, char *rel, size_t size,
		     char *err, size_t errlen)
{
	size_t mlen = strlen(mount);
	char path[PATH_MAX];
	struct find f = { .spec = spec };
	struct stat st;

	if (spec[0] == '/') {
		/* A path under the mount, given with or without it. */
		if (!strncmp(spec, mount, mlen) && (spec[mlen] == '/' || !spec[mlen]))
			spec += mlen;
		snprintf(path, sizeof(path), "%s%s", mount, spec);
		if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "-c %s: no such cgroup (%s)", f.spec, path);
			return -ENOENT;
		}
		snprintf(rel, size, "%s", *spec ? spec : "/");
		return 0;
	}
	cgroup2__walk(mount, "/", find_container, &f);
	if (f.ambiguous) {
		snprintf(err, errlen, "-c %s: several containers match (%s and %s); give more of the id",
			 spec, f.id, f.other);
		return -EINVAL;
	}
	if (!f.found[0]) {
		snprintf(err, errlen, "-c %s: no running container, pod or service has this id "
			 "(looked for its cgroup under %s)", spec, mount);
		return -ENOENT;
	}
	snprintf(rel, size, "%s", f.found);
	return 0;
}
