// SPDX-License-Identifier: LGPL-2.1-or-later
/* Output files under the trace's rules: see outfile.h. */
#include "config.h" /* _GNU_SOURCE, for renameat2 and asprintf */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"

int outfile__create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	return fd < 0 ? -errno : fd;
}

static int exists_msg(const char *path, const char *what, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s exists%s%s: not replacing it without --force", path,
		 what ? " and is not " : "", what ? what : "");
	return -EEXIST;
}

int outfile__check(const char *path, unsigned int flags, bool (*is_ours)(const char *path),
		   const char *what, char *why, size_t whylen)
{
	struct stat st;

	if (lstat(path, &st))
		return 0; /* nothing there */
	if (S_ISDIR(st.st_mode)) {
		/* --force replaces files, never a directory's contents. */
		snprintf(why, whylen, "%s is a directory: name a file in it", path);
		return -EISDIR;
	}
	if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
		if (flags & OUTFILE_FORCE)
			return 0;
		snprintf(why, whylen, "%s is %s: not replacing it without --force", path,
			 S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
		return -EEXIST;
	}
	if ((flags & OUTFILE_FORCE) || (is_ours && is_ours(path)))
		return 0;
	return exists_msg(path, is_ours ? what : NULL, why, whylen);
}

/* path.tmp.XXXXXX beside path: O_EXCL makes a guessed name harmless. */
static int create_tmp(struct outfile *of)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(of->path);
	int fd = -EEXIST;

	of->tmp = malloc(len + sizeof(".tmp.XXXXXX"));
	if (!of->tmp)
		return -ENOMEM;
	for (int tries = 0; tries < 100 && fd == -EEXIST; tries++) {
		unsigned char rnd[6];
		char *p = stpcpy(stpcpy(of->tmp, of->path), ".tmp.");

		if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
			unsigned long x = (unsigned long)clock() ^ ((unsigned long)getpid() << 16) ^
					  (unsigned long)tries * 2654435761u;

			for (size_t i = 0; i < sizeof(rnd); i++, x >>= 5)
				rnd[i] = x;
		}
		for (size_t i = 0; i < sizeof(rnd); i++)
			*p++ = set[rnd[i] % (sizeof(set) - 1)];
		*p = '\0';
		fd = outfile__create(of->tmp);
	}
	return fd;
}

int outfile__open(struct outfile *of, const char *path, unsigned int flags, char *why,
		  size_t whylen)
{
	struct stat st;
	int fd, err;

	*of = (struct outfile){ .flags = flags };
	if (!(of->path = strdup(path))) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	/* A device or FIFO is a destination, not a file to replace: written in
	 * place (O_NOFOLLOW: never through a symlink). */
	if (!lstat(path, &st) && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) {
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	} else {
		err = outfile__check(path, flags, NULL, NULL, why, whylen);
		if (err) {
			outfile__discard(of);
			errno = -err;
			return err;
		}
		fd = create_tmp(of);
	}
	if (fd < 0 || !(of->f = fdopen(fd, "w"))) {
		err = fd < 0 ? fd : -errno;
		if (fd >= 0)
			close(fd);
		snprintf(why, whylen, "%s: %s", path, strerror(-err));
		outfile__discard(of);
		errno = -err;
		return err;
	}
	return 0;
}

int outfile__commit(struct outfile *of, char *why, size_t whylen)
{
	int err = 0;

	if (fflush(of->f) || ferror(of->f))
		err = -(errno ?: EIO);
	/* the data before the name: a crash leaves the old file or the whole
	 * new one */
	else if (of->tmp && fsync(fileno(of->f)))
		err = -errno;
	if (fclose(of->f) && !err)
		err = -(errno ?: EIO);
	of->f = NULL;
	if (!err && of->tmp) {
		if (of->flags & OUTFILE_FORCE) {
			/* rename replaces a symlink at the name, never its target */
			if (rename(of->tmp, of->path))
				err = -errno;
		} else if (renameat2(AT_FDCWD, of->tmp, AT_FDCWD, of->path, RENAME_NOREPLACE)) {
			err = -errno;
			/* a file system without RENAME_NOREPLACE: link fails on
			 * anything at the name too */
			if (err == -EINVAL || err == -ENOSYS) {
				err = link(of->tmp, of->path) ? -errno : 0;
				if (!err)
					unlink(of->tmp);
			}
		}
	}
	if (err == -EEXIST)
		exists_msg(of->path, NULL, why, whylen);
	else if (err)
		snprintf(why, whylen, "%s: %s", of->path, strerror(-err));
	if (err && of->tmp)
		unlink(of->tmp);
	free(of->tmp);
	free(of->path);
	of->tmp = of->path = NULL;
	errno = -err;
	return err;
}

void outfile__discard(struct outfile *of)
{
	if (of->f)
		fclose(of->f);
	if (of->tmp)
		unlink(of->tmp);
	free(of->tmp);
	free(of->path);
	*of = (struct outfile){ 0 };
}
