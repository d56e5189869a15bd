/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Users and groups by name (rec's -u and -Z). The static build reads
 * /etc/passwd and /etc/group itself: a static glibc's NSS would load the
 * host's NSS modules, built for another glibc. The shared build asks NSS.
 */
#ifndef __TT_USERDB_H
#define __TT_USERDB_H

#include <sys/types.h>

struct userdb_user {
	uid_t uid;
	gid_t gid; /* the primary group */
};

/* 0 and *u, -ENOENT for a user that does not exist, or another -errno. */
int userdb__user(const char *name, struct userdb_user *u);

/* Set the supplementary groups to NAME's (initgroups(3)): gid and every
 * group that lists NAME as a member. 0 or -errno. */
int userdb__setgroups(const char *name, gid_t gid);

/* The file readers the static build uses, on any passwd or group file. */
int userdb__user_in(const char *passwd, const char *name, struct userdb_user *u);
/* gid, then the groups listing NAME, at most max of them: how many, or -errno. */
int userdb__groups_in(const char *group, const char *name, gid_t gid, gid_t *gids, int max);

#endif /* __TT_USERDB_H */
