// SPDX-License-Identifier: GPL-2.0-or-later
/* The passwd and group readers of the static build (common/userdb.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "userdb.h"

static char passwd[] = "/tmp/tt-passwd-XXXXXX", group[] = "/tmp/tt-group-XXXXXX";

static void write_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	write_file(passwd, "root:x:0:0:root:/root:/bin/bash\n"
			   "# a comment line\n"
			   "+nis\n"
			   "broken:x:notanumber:1::/:/bin/sh\n"
			   "alice:x:1001:1001:Alice,,,:/home/alice:/bin/sh\n"
			   "al:x:1002:100::/home/al:/bin/sh"); /* no final newline */
	write_file(group, "root:x:0:\n"
			  "alice:x:1001:\n"
			  "adm:x:4:syslog,alice\n"
			  "users:x:100:al\n"
			  "audio:x:29:alicex,xalice\n"
			  "video:x:44:bob,alice,carol\n");
}

static void teardown(void)
{
	unlink(passwd);
	unlink(group);
}

TestSuite(userdb, .init = setup, .fini = teardown);

Test(userdb, user_by_name)
{
	struct userdb_user u;

	cr_assert_eq(userdb__user_in(passwd, "alice", &u), 0);
	cr_expect_eq(u.uid, 1001);
	cr_expect_eq(u.gid, 1001);
	cr_assert_eq(userdb__user_in(passwd, "al", &u), 0, "a last line without a newline");
	cr_expect_eq(u.uid, 1002);
	cr_expect_eq(u.gid, 100);
	cr_assert_eq(userdb__user_in(passwd, "root", &u), 0);
	cr_expect_eq(u.uid, 0);
}

Test(userdb, unknown_and_malformed)
{
	struct userdb_user u;

	cr_expect_eq(userdb__user_in(passwd, "bob", &u), -ENOENT);
	cr_expect_eq(userdb__user_in(passwd, "ali", &u), -ENOENT, "a prefix is not a name");
	cr_expect_eq(userdb__user_in(passwd, "broken", &u), -ENOENT, "a uid that is no number");
	cr_expect_eq(userdb__user_in(passwd, "+nis", &u), -ENOENT);
	cr_expect_eq(userdb__user_in("/nonexistent/passwd", "root", &u), -ENOENT);
}

Test(userdb, groups_of_a_user)
{
	gid_t gids[8];
	int n = userdb__groups_in(group, "alice", 1001, gids, 8);

	cr_assert_eq(n, 3, "the primary group, adm and video; not audio's alicex or xalice");
	cr_expect_eq(gids[0], 1001);
	cr_expect_eq(gids[1], 4);
	cr_expect_eq(gids[2], 44);
	n = userdb__groups_in(group, "al", 100, gids, 8);
	cr_expect_eq(n, 1, "a member of its primary group is listed once");
	cr_expect_eq(userdb__groups_in(group, "alice", 1001, gids, 2), -ERANGE);
}
