/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one syscall table: names and numbers come from libseccomp for the
 * architecture a trace was recorded on (not the one reading it); the rest
 * (category, the arguments worth capturing, how to show them, the file
 * descriptors used) is one row per syscall by name, in syscall_rows.c.
 */
#ifndef __TT_SYSCALLS_H
#define __TT_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYSCALL_MAX_NR 512 /* numbers at or above are not decoded */

enum syscall_category {
	CAT_FILE_IO,
	CAT_NETWORK,
	CAT_MEMORY,
	CAT_PROCESS,
	CAT_SIGNAL,
	CAT_TIME,
	CAT_IPC,
	CAT_OTHER,
	CAT__COUNT,
};

const char *syscall_category__name(enum syscall_category cat);
/* The category named name, or -EINVAL. */
int syscall_category__from_name(const char *name);

/* Which arguments a syscall has that rec captures (see bpf/events.h). */
struct syscall_args {
	int8_t path[2];  /* argument indexes of path strings, -1 for none */
	int8_t addr;     /* argument index of a struct sockaddr *, -1 for none */
	int8_t addrlen;  /* argument index of its length, -1 for none */
	bool addrlen_ptr; /* the length is passed as a socklen_t * */
	int8_t data;     /* argument index of a buffer read or written (rec --datasize), -1 */
	int8_t datalen;  /* argument index of its length, -1 with data_ret */
	bool data_ret;   /* a read: the bytes that count are the return value's */
};

/* What a syscall does with file descriptors, for following one socket
 * through the processes that use it (replay/flow_track.c) and for the fd
 * tables of the processes (replay/fdtable.c). */
enum syscall_fd_role {
	SYSCALL_FD_CLOSE = 0x01,  /* the fd is gone after it */
	SYSCALL_FD_DUP = 0x02,    /* returns another fd for the same file */
	SYSCALL_FD_DUP2 = 0x04,   /* args[1] is replaced by it */
	SYSCALL_FD_ACCEPT = 0x08, /* returns a socket accepted on args[0], with its peer's address */
	SYSCALL_FD_PEER = 0x10,   /* its sockaddr is the peer's (not bind's own) */
	SYSCALL_FD_SEND = 0x20,   /* a packet can leave the socket during it */
	SYSCALL_FD_OPEN = 0x40,   /* returns a new fd for the path it names */
	SYSCALL_FD_NEW = 0x80,    /* returns a new fd that the trace cannot name */
	SYSCALL_FD_SOCKET = 0x100, /* returns a socket: domain args[0], type args[1] */
	SYSCALL_FD_FCNTL = 0x200, /* fcntl's commands: F_DUPFD(_CLOEXEC), F_SETFD */
	SYSCALL_FD_CLOSE_RANGE = 0x400, /* closes args[0]..args[1] (or marks them) */
	SYSCALL_FD_CHDIR = 0x800, /* the cwd becomes its path, or its fd's file */
	SYSCALL_FD_LOCAL = 0x1000, /* its sockaddr is the socket's own once it succeeded */
	SYSCALL_FD_CONNECT = 0x2000, /* its sockaddr is the socket's peer once it succeeded */
	SYSCALL_FD_CLOEXEC_UNKNOWN = 0x4000, /* whether its fd is close-on-exec is
					      * not recorded (openat2: behind a pointer) */
};

struct syscall_fds {
	int8_t arg;     /* argument index of the fd it works on, -1 for none */
	int8_t cloexec; /* argument whose O_CLOEXEC bit (SOCK_CLOEXEC, the same
			 * bit) makes the new fd close-on-exec, -1 for none */
	uint16_t roles; /* enum syscall_fd_role bits */
};

struct syscall_table;

/* The table for an AUDIT_ARCH_* value, or NULL with errno = EINVAL when
 * libseccomp does not know it. */
struct syscall_table *syscall_table__new(uint32_t audit_arch);
/* The table of the machine we run on. */
struct syscall_table *syscall_table__native(void);
void syscall_table__free(struct syscall_table *t);

uint32_t syscall_table__arch(const struct syscall_table *t);
/* The syscall's name, or NULL if the number is unknown on this arch. */
const char *syscall_table__name(const struct syscall_table *t, int nr);
/* The number of a syscall name on this arch, or -ENOENT. */
int syscall_table__nr(const struct syscall_table *t, const char *name);
enum syscall_category syscall_table__category(const struct syscall_table *t, int nr);
/* Returns false if nr has no arguments worth capturing. */
bool syscall_table__args(const struct syscall_table *t, int nr, struct syscall_args *args);
/* How replay/decode.c shows nr's arguments, one letter each (listed in
 * syscall_rows.c), or NULL to show them in hex. */
const char *syscall_table__signature(const struct syscall_table *t, int nr);
/* How replay/decode.c shows nr's successful result, a letter of the ret
 * column (syscall_rows.c): 'x' an address in hex (mmap, brk), 'm' a mode;
 * 0 for a plain number. */
char syscall_table__ret_kind(const struct syscall_table *t, int nr);
/* Returns false, with fds->arg -1, if nr does nothing with descriptors
 * that following a socket needs to know. */
bool syscall_table__fds(const struct syscall_table *t, int nr, struct syscall_fds *fds);

/*
 * Mark in mask (SYSCALL_MAX_NR bits) the syscalls named by list, a comma
 * list of syscall and category names ("openat,network"). Returns 0, or
 * -EINVAL with the offending word in bad (badlen bytes).
 */
int syscall_table__select(const struct syscall_table *t, const char *list, uint64_t *mask,
			  char *bad, size_t badlen);

#endif /* __TT_SYSCALLS_H */
