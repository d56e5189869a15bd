// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * A socket fd's link reads socket:[INODE]; its protocol and addresses are in
 * the process's network namespace's /proc/PID/net tables (tcp, tcp6, udp,
 * udp6, unix), read once per namespace and prologue and looked up by inode.
 * Names follow strace -yy: TCP:[1.2.3.4:80->5.6.7.8:9000], TCPv6:[[::1]:80],
 * UNIX-STREAM:[INODE,"/run/x.sock"], TCP:[INODE] while unbound; a socket the
 * tables do not have stays socket:[INODE], as strace -y writes it.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfds.h"

struct sock_name {
	uint64_t ino;
	char *name;
};

struct netns {
	char id[64]; /* the link of /proc/PID/ns/net: net:[4026531840] */
	struct sock_name *socks;
	size_t n, cap;
};

struct procfds {
	struct netns *ns;
	size_t nns;
};

struct procfds *procfds__new(void)
{
	return calloc(1, sizeof(struct procfds));
}

void procfds__free(struct procfds *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nns; i++) {
		for (size_t k = 0; k < s->ns[i].n; k++)
			free(s->ns[i].socks[k].name);
		free(s->ns[i].socks);
	}
	free(s->ns);
	free(s);
}

static void add_sock(struct netns *ns, uint64_t ino, char *name)
{
	struct sock_name *socks;

	if (!name)
		return;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 64;

		if (!(socks = realloc(ns->socks, cap * sizeof(*socks)))) {
			free(name);
			return;
		}
		ns->socks = socks;
		ns->cap = cap;
	}
	ns->socks[ns->n++] = (struct sock_name){ ino, name };
}

/* "0100007F:1F90" (the kernel's hex of the address's words as they are
 * in memory, then the port) as "127.0.0.1:8080" or "[::1]:8080". */
static bool inet_text(const char *hex, bool v6, char *buf, size_t size, bool *any)
{
	unsigned char addr[16];
	char text[INET6_ADDRSTRLEN];
	unsigned int port, words = v6 ? 4 : 1;

	for (unsigned int i = 0; i < words; i++) {
		unsigned int w;

		if (sscanf(hex + 8 * i, "%8x", &w) != 1)
			return false;
		memcpy(addr + 4 * i, &w, 4);
	}
	if (hex[8 * words] != ':' || sscanf(hex + 8 * words + 1, "%x", &port) != 1)
		return false;
	*any = port == 0;
	for (unsigned int i = 0; i < 4 * words; i++)
		*any = *any && !addr[i];
	inet_ntop(v6 ? AF_INET6 : AF_INET, addr, text, sizeof(text));
	snprintf(buf, size, v6 ? "[%s]:%u" : "%s:%u", text, port);
	return true;
}

static void read_inet(struct netns *ns, uint32_t pid, const char *file, const char *proto,
		      bool v6)
{
	char path[64], *line = NULL, local[80], remote[80];
	char lhex[64], rhex[64];
	size_t len = 0;
	unsigned long long ino;
	bool lany, rany;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/net/%s", pid, file);
	if (!(f = fopen(path, "re")))
		return;
	while (getline(&line, &len, f) > 0) {
		char *name = NULL;
		int n;

		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, "%*s %63s %63s %*s %*s %*s %*s %*s %*s %llu", lhex, rhex, &ino) != 3 ||
		    !inet_text(lhex, v6, local, sizeof(local), &lany) ||
		    !inet_text(rhex, v6, remote, sizeof(remote), &rany) || !ino)
			continue;
		if (lany && rany)
			n = asprintf(&name, "%s:[%llu]", proto, ino); /* not bound: strace's form */
		else if (rany)
			n = asprintf(&name, "%s:[%s]", proto, local);
		else
			n = asprintf(&name, "%s:[%s->%s]", proto, local, remote);
		add_sock(ns, ino, n < 0 ? NULL : name);
	}
	free(line);
	fclose(f);
}

static void read_unix(struct netns *ns, uint32_t pid)
{
	static const char *const types[] = { [1] = "STREAM", [2] = "DGRAM", [5] = "SEQPACKET" };
	char path[64], *line = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/net/unix", pid);
	if (!(f = fopen(path, "re")))
		return;
	while (getline(&line, &len, f) > 0) {
		unsigned int type;
		unsigned long long ino;
		int end = 0, n;
		char *name = NULL, *p;

		/* Num RefCount Protocol Flags Type St Inode [Path] */
		if (sscanf(line, "%*s %*s %*s %*s %x %*s %llu%n", &type, &ino, &end) != 2 ||
		    type >= sizeof(types) / sizeof(types[0]) || !types[type])
			continue;
		p = line + end + strspn(line + end, " ");
		p[strcspn(p, "\n")] = 0;
		if (*p == '@')
			n = asprintf(&name, "UNIX-%s:[%llu,@\"%s\"]", types[type], ino, p + 1);
		else if (*p)
			n = asprintf(&name, "UNIX-%s:[%llu,\"%s\"]", types[type], ino, p);
		else
			n = asprintf(&name, "UNIX-%s:[%llu]", types[type], ino);
		add_sock(ns, ino, n < 0 ? NULL : name);
	}
	free(line);
	fclose(f);
}

/* pid's network namespace, its sockets read the first time; NULL if
 * unknown. */
static struct netns *netns_of(struct procfds *s, uint32_t pid)
{
	char path[64], id[64];
	struct netns *ns;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/ns/net", pid);
	n = readlink(path, id, sizeof(id) - 1);
	if (n <= 0)
		return NULL;
	id[n] = 0;
	for (size_t i = 0; i < s->nns; i++)
		if (!strcmp(s->ns[i].id, id))
			return &s->ns[i];
	ns = realloc(s->ns, (s->nns + 1) * sizeof(*ns));
	if (!ns)
		return NULL;
	s->ns = ns;
	ns = &s->ns[s->nns++];
	memset(ns, 0, sizeof(*ns));
	snprintf(ns->id, sizeof(ns->id), "%s", id);
	read_inet(ns, pid, "tcp", "TCP", false);
	read_inet(ns, pid, "tcp6", "TCPv6", true);
	read_inet(ns, pid, "udp", "UDP", false);
	read_inet(ns, pid, "udp6", "UDPv6", true);
	read_unix(ns, pid);
	return ns;
}

static const char *sock_name(struct procfds *s, uint32_t pid, uint64_t ino)
{
	struct netns *ns = netns_of(s, pid);

	for (size_t i = 0; ns && i < ns->n; i++)
		if (ns->socks[i].ino == ino)
			return ns->socks[i].name;
	return NULL;
}

/* Is fd close-on-exec? fdinfo's flags are octal, O_CLOEXEC among them. */
static bool fd_cloexec(uint32_t pid, int fd)
{
	char path[64], buf[256];
	unsigned long flags = 0;
	const char *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%u/fdinfo/%d", pid, fd);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strstr(buf, "flags:");
	return p && sscanf(p + 6, "%lo", &flags) == 1 && (flags & O_CLOEXEC);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int emit_fd(uint32_t pid, int fd, uint8_t kind, uint8_t flags, const char *name,
		   proctrack_emit_fn emit, void *ctx)
{
	struct tt_record rec = { .type = TT_REC_FD };

	rec.fd = (struct tt_fd){ .pid = pid, .fd = fd, .kind = kind, .flags = flags,
				 .name = { name, strlen(name) } };
	return emit(&rec, ctx);
}

int procfds__emit(struct procfds *s, uint32_t pid, proctrack_emit_fn emit, void *ctx)
{
	char path[64], link[4096];
	int fds[PROCFDS_MAX_FDS], nfds = 0, err;
	struct dirent *d;
	ssize_t n;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%u/cwd", pid);
	n = readlink(path, link, sizeof(link) - 1);
	/* " (deleted)" or a path outside the reader's root is no base */
	if (n > 0 && link[0] == '/' && (link[n] = 0, !strstr(link, " (deleted)")) &&
	    (err = emit_fd(pid, TT_FD_CWD, TT_FD_PATH, 0, link, emit, ctx)))
		return err;
	snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	if (!(dir = opendir(path)))
		return 0;
	/* the lowest PROCFDS_MAX_FDS: kept sorted, the highest dropped */
	while ((d = readdir(dir))) {
		char *end;
		long fd = strtol(d->d_name, &end, 10);

		if (d->d_name[0] < '0' || d->d_name[0] > '9' || *end || fd < 0 || fd > INT32_MAX)
			continue;
		if (nfds == PROCFDS_MAX_FDS) {
			if (fd >= fds[nfds - 1])
				continue;
			nfds--;
		}
		fds[nfds++] = fd;
		qsort(fds, nfds, sizeof(fds[0]), cmp_int);
	}
	closedir(dir);
	for (int i = 0; i < nfds; i++) {
		const char *name = link;
		unsigned long long ino;
		uint8_t kind = TT_FD_OTHER;

		snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fds[i]);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue; /* closed since */
		link[n] = 0;
		if (link[0] == '/' && !strstr(link, " (deleted)")) {
			kind = TT_FD_PATH;
		} else if (sscanf(link, "socket:[%llu]", &ino) == 1) {
			kind = TT_FD_SOCKET;
			name = sock_name(s, pid, ino);
			if (!name) { /* a protocol the tables lack: strace -y's form */
				kind = TT_FD_OTHER;
				name = link;
			}
		}
		if ((err = emit_fd(pid, fds[i], kind, fd_cloexec(pid, fds[i]) ? TT_FD_CLOEXEC : 0,
				   name, emit, ctx)))
			return err;
	}
	return 0;
}
