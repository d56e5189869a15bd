/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container a cgroup v2 path belongs to, as the runtimes name their
 * cgroups: docker (docker-<id>.scope, /docker/<id>), containerd
 * (cri-containerd-<id>.scope), CRI-O (crio-<id>.scope), podman
 * (libpod-<id>.scope), LXC (lxc.payload.<name>, /lxc/<name>), machined
 * (machine.slice/machine-<name>.scope), Kubernetes pods (kubepods...pod<uid>
 * slices, the pod when no container cgroup is below it) and systemd services
 * (the unit name). The one place every tool derives containers from.
 */
#ifndef __TT_CONTAINER_H
#define __TT_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#define CONTAINER_ID_SIZE 128  /* an id with its NUL (unit names are the longest) */
#define CONTAINER_SHORT_ID 12  /* hex characters `docker ps` shows */

struct container {
	char id[CONTAINER_ID_SIZE]; /* full id, pod uid or unit name */
	const char *runtime;        /* "docker", "containerd", "crio", "podman", "cri",
				     * "lxc", "machined", "kubepods", "systemd" */
};

/*
 * The container of the cgroup at path (relative to the cgroup2 mount, as a
 * trace's CGROUP records give it). The innermost container cgroup wins, then
 * a pod, then a systemd service. Returns 0, or -ENOENT when the path names
 * none (the root, user sessions, slices).
 */
int container__from_path(const char *path, struct container *c);

/* Is the cgroup at path (NULL: unknown, no) in a runtime's container or a
 * pod, not merely a systemd service? What alert rules call a container. */
bool container__path_is_container(const char *path);

/* The id as tables show it: 12 hex characters for a runtime's 64-hex id,
 * the whole id otherwise. Returns buf. */
const char *container__short_id(const struct container *c, char *buf, size_t size);

/*
 * Does spec (as `docker ps` prints it, full or a prefix of at least 4
 * characters of an id; a pod uid; a unit name) name the container c?
 */
bool container__match(const struct container *c, const char *spec);

/*
 * Does spec, as -c takes it, name the cgroup at path: a cgroup path (path is
 * it or below it) or what container__match takes (the path's container)?
 */
bool container__spec_matches(const char *spec, const char *path);

/* Does the cgroup path equal dir or lie below it? Both relative to the mount,
 * "/" for the root. */
bool container__path_under(const char *path, const char *dir);

#endif /* __TT_CONTAINER_H */
