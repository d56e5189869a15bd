/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup v2 hierarchy as rec sees it: where it is mounted (pure v2:
 * /sys/fs/cgroup; hybrid: /sys/fs/cgroup/unified), its cgroups and their
 * ids, and the cgroup a container id (rec -c) names.
 */
#ifndef __TT_CGROUP2_H
#define __TT_CGROUP2_H

#include <stddef.h>
#include <stdint.h>

/* The cgroup2 mount point from /proc/self/mounts. 0, or -ENOENT if none. */
int cgroup2__mount(char *path, size_t size);

/*
 * Call fn for the cgroup at rel (relative to mount: "/" or "" for the root)
 * and every cgroup below it, parents first, with its path ("/" for the root,
 * "/a/b" below) and id (the directory's inode). Stops when fn returns
 * nonzero and returns that; 0 otherwise (unreadable directories are skipped).
 */
int cgroup2__walk(const char *mount, const char *rel,
		  int (*fn)(void *ctx, const char *path, uint64_t id), void *ctx);

/*
 * The cgroup directory spec names, relative to mount, into rel: spec is a
 * container id (full, or a prefix of at least 4 characters as `docker ps`
 * prints it), a pod uid or a systemd unit (see container.h), or a cgroup
 * path, absolute or relative to the mount. A container is its outermost
 * cgroup. Returns 0, or -ENOENT / -EINVAL (several containers match) with
 * one line in err.
 */
int cgroup2__resolve(const char *mount, const char *spec, char *rel, size_t size,
		     char *err, size_t errlen);

#endif /* __TT_CGROUP2_H */
