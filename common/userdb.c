// SPDX-License-Identifier: LGPL-2.1-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "userdb.h"

#define USERDB_MAX_GROUPS 256

/* The fields of one "a:b:c" line, in place; how many (up to max). */
static int split(char *line, char **fields, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		fields[n++] = line;
		line = strchr(line, ':');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

static int parse_id(const char *s, unsigned int *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v >= (uid_t)-1)
		return -EINVAL;
	*id = v;
	return 0;
}

int userdb__user_in(const char *passwd, const char *name, struct userdb_user *u)
{
	char *line = NULL, *f[7];
	unsigned int uid, gid;
	size_t cap = 0;
	int ret = -ENOENT;
	FILE *fp = fopen(passwd, "re");

	if (!fp)
		return -errno;
	while (getline(&line, &cap, fp) > 0) {
		/* name:password:uid:gid:gecos:home:shell */
		if (split(line, f, 7) < 4 || strcmp(f[0], name))
			continue;
		if (parse_id(f[2], &uid) || parse_id(f[3], &gid))
			continue;
		u->uid = uid;
		u->gid = gid;
		ret = 0;
		break;
	}
	free(line);
	fclose(fp);
	return ret;
}

static int has_member(char *members, const char *name)
{
	for (char *m = strtok(members, ","); m; m = strtok(NULL, ","))
		if (!strcmp(m, name))
			return 1;
	return 0;
}

int userdb__groups_in(const char *group, const char *name, gid_t gid, gid_t *gids, int max)
{
	char *line = NULL, *f[4];
	size_t cap = 0;
	unsigned int id;
	int n = 0;
	FILE *fp;

	if (max < 1)
		return -ERANGE;
	gids[n++] = gid;
	fp = fopen(group, "re");
	if (!fp)
		return -errno;
	/* name:password:gid:member,member */
	while (getline(&line, &cap, fp) > 0) {
		if (split(line, f, 4) < 4 || parse_id(f[2], &id) || id == gid)
			continue;
		if (!has_member(f[3], name))
			continue;
		if (n == max) {
			n = -ERANGE;
			break;
		}
		gids[n++] = id;
	}
	free(line);
	fclose(fp);
	return n;
}

#ifdef TT_STATIC
int userdb__user(const char *name, struct userdb_user *u)
{
	return userdb__user_in("/etc/passwd", name, u);
}

int userdb__setgroups(const char *name, gid_t gid)
{
	gid_t gids[USERDB_MAX_GROUPS];
	int n = userdb__groups_in("/etc/group", name, gid, gids, USERDB_MAX_GROUPS);

	if (n == -ENOENT) /* no group file: the primary group alone */
		n = 1;
	if (n < 0)
		return n;
	return setgroups(n, gids) ? -errno : 0;
}
#else
int userdb__user(const char *name, struct userdb_user *u)
{
	long size = sysconf(_SC_GETPW_R_SIZE_MAX);
	struct passwd pw, *res = NULL;
	char *buf;
	int ret;

	if (size < 0)
		size = 16384;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	ret = getpwnam_r(name, &pw, buf, size, &res);
	if (res) {
		u->uid = res->pw_uid;
		u->gid = res->pw_gid;
	}
	free(buf);
	if (ret)
		return -ret;
	return res ? 0 : -ENOENT;
}

int userdb__setgroups(const char *name, gid_t gid)
{
	return initgroups(name, gid) ? -errno : 0;
}
#endif
