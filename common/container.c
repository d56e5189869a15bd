// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "container.h"

enum rank { RANK_NONE, RANK_SERVICE, RANK_POD, RANK_CONTAINER };

/* How a runtime wraps an id in a cgroup directory name (systemd driver). */
static const struct scope_form {
	const char *prefix, *runtime;
} scope_forms[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "crio" },
	{ "libpod-", "podman" },
};

/* Runtimes whose ids are names, not 64 hex: LXC (lxc.payload.<name> since
 * LXC 4, /lxc/<name> before) and systemd-machined (machine-<name>.scope:
 * systemd-nspawn, libvirt). */
static const struct name_form {
	const char *prefix, *suffix, *parent, *runtime;
} name_forms[] = {
	{ "lxc.payload.", "", NULL, "lxc" },
	{ "", "", "lxc", "lxc" },
	{ "machine-", ".scope", "machine.slice", "machined" },
};

/* The runtimes' ids are 64 lowercase hex characters. */
static bool is_hex_id(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}

/* A pod uid from "pod<uid>" (cgroupfs) or "kubepods-...-pod<uid>.slice"
 * (systemd, which writes the uid's dashes as underscores). */
static bool pod_uid(const char *s, size_t n, char *out, size_t size)
{
	const char *p = NULL;
	size_t len;

	if (n > 3 && !memcmp(s, "pod", 3))
		p = s + 3, len = n - 3;
	else if (n > 9 && !memcmp(s, "kubepods-", 9) && ends_with(s, n, ".slice")) {
		for (const char *q = s; q + 4 <= s + n; q++)
			if (!memcmp(q, "-pod", 4))
				p = q + 4;
		if (!p)
			return false;
		len = s + n - strlen(".slice") - p;
	} else {
		return false;
	}
	if (len < 8 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)p[i]) && p[i] != '-' && p[i] != '_')
			return false;
		out[i] = p[i] == '_' ? '-' : p[i];
	}
	out[len] = 0;
	return true;
}

/* What one path component names, with the rank it takes. */
static enum rank component(const char *s, size_t n, const char *parent, size_t pn,
			   bool in_pod, struct container *c)
{
	for (size_t i = 0; i < sizeof(scope_forms) / sizeof(scope_forms[0]); i++) {
		size_t k = strlen(scope_forms[i].prefix);

		if (n > k && !memcmp(s, scope_forms[i].prefix, k) && ends_with(s, n, ".scope") &&
		    is_hex_id(s + k, n - k - strlen(".scope"))) {
			snprintf(c->id, sizeof(c->id), "%.64s", s + k);
			c->runtime = scope_forms[i].runtime;
			return RANK_CONTAINER;
		}
	}
	for (size_t i = 0; i < sizeof(name_forms) / sizeof(name_forms[0]); i++) {
		const struct name_form *f = &name_forms[i];
		size_t k = strlen(f->prefix), e = strlen(f->suffix);

		if (n > k + e && n - k - e < sizeof(c->id) && !memcmp(s, f->prefix, k) &&
		    ends_with(s, n, f->suffix) &&
		    (!f->parent || (pn == strlen(f->parent) && !memcmp(parent, f->parent, pn)))) {
			snprintf(c->id, sizeof(c->id), "%.*s", (int)(n - k - e), s + k);
			c->runtime = f->runtime;
			return RANK_CONTAINER;
		}
	}
	/* cgroupfs drivers: /docker/<id>, /kubepods/.../pod<uid>/<id>. */
	if (is_hex_id(s, n) && ((pn == 6 && !memcmp(parent, "docker", 6)) || in_pod)) {
		snprintf(c->id, sizeof(c->id), "%.64s", s);
		c->runtime = in_pod ? "cri" : "docker";
		return RANK_CONTAINER;
	}
	if (pod_uid(s, n, c->id, sizeof(c->id))) {
		c->runtime = "kubepods";
		return RANK_POD;
	}
	if (ends_with(s, n, ".service") && n > strlen(".service") && n < sizeof(c->id)) {
		snprintf(c->id, sizeof(c->id), "%.*s", (int)n, s);
		c->runtime = "systemd";
		return RANK_SERVICE;
	}
	return RANK_NONE;
}

int container__from_path(const char *path, struct container *c)
{
	enum rank best = RANK_NONE;
	const char *s = path, *parent = "";
	size_t pn = 0;
	bool in_pod = false;
	struct container cur;

	memset(c, 0, sizeof(*c));
	while (*s) {
		size_t n = strcspn(s, "/");
		enum rank r;

		if (n) {
			r = component(s, n, parent, pn, in_pod, &cur);
			/* The innermost of the highest rank: a container in a
			 * container (docker in docker) is the inner one. */
			if (r != RANK_NONE && r >= best) {
				best = r;
				*c = cur;
			}
			in_pod |= r == RANK_POD;
			parent = s, pn = n;
		}
		s += n;
		s += *s == '/';
	}
	if (best == RANK_NONE) {
		c->id[0] = 0;
		c->runtime = NULL;
		return -ENOENT;
	}
	return 0;
}

const char *container__short_id(const struct container *c, char *buf, size_t size)
{
	bool hex = is_hex_id(c->id, strlen(c->id));

	snprintf(buf, size, "%.*s", hex ? CONTAINER_SHORT_ID : (int)sizeof(c->id), c->id);
	return buf;
}

bool container__match(const struct container *c, const char *spec)
{
	size_t n = strlen(spec);

	if (!c->id[0] || !n)
		return false;
	if (!strcmp(c->id, spec))
		return true;
	/* A prefix of an id, as docker accepts one; a unit without ".service". */
	if (is_hex_id(c->id, strlen(c->id)))
		return n >= 4 && !strncmp(c->id, spec, n);
	return !strcmp(c->runtime, "systemd") && strlen(c->id) == n + strlen(".service") &&
	       !strncmp(c->id, spec, n);
}

bool container__path_under(const char *path, const char *dir)
{
	size_t n;

	while (*dir == '/')
		dir++;
	while (*path == '/')
		path++;
	n = strlen(dir);
	while (n && dir[n - 1] == '/')
		n--;
	if (!n)
		return true;
	return !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

bool container__path_is_container(const char *path)
{
	struct container c;

	return path && !container__from_path(path, &c) && strcmp(c.runtime, "systemd");
}

bool container__spec_matches(const char *spec, const char *path)
{
	struct container c;

	if (spec[0] == '/')
		return container__path_under(path, spec);
	return !container__from_path(path, &c) && container__match(&c, spec);
}
