/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The records of a tracetape trace, decoded. formats/TRACE-FORMAT.md gives
 * their byte layout; records.c is the one place that encodes and decodes
 * each of them. These structs are an in-memory view, never written as is.
 */
#ifndef __TT_RECORDS_H
#define __TT_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#define TT_FORMAT_MAJOR 1 /* a reader refuses a file of a newer major */
#define TT_FORMAT_MINOR 14/* 1: PACKET records, the packet monitor; 2: FUNC records;
                           * 3: PACKET version 2 (ifname); 4: PROC version 2 (exit_ns),
                           * RENAME records; 5: TRAILER version 2 (signal);
                           * 6: SAMPLED records (rec --max-rate); 7: SYSCALLS records;
                           * 8: SIGNAL records, the signal monitor; 9: FD records
                           * (a prologue's fds and cwds); 10: DATA strings
                           * (rec --datasize), unknown string kinds of SYSCALLS events
                           * kept; 11: EXEC version 2 (envp, rec --envsize);
                           * 12: TRIGGER records (rec --flight snapshots);
                           * 13: SYSCALLS_DELTA records;
                           * 14: SYSCALLS_SPLIT records */
#define TT_RECORD_HDR_SIZE 8 /* u32 size, u16 type, u16 version */
#define TT_COMM_SIZE 16
#define TT_MAX_STRS 4 /* strings one syscall record may carry */
#define TT_FILE_MAGIC "TRCTAPE" /* 8 bytes with its NUL, first in a file header */
#define TT_FILE_MAGIC_SIZE 8

enum tt_record_type {
	TT_REC_FILE_HEADER = 1,
	TT_REC_PROC = 2,
	TT_REC_CGROUP = 3,
	TT_REC_SYSCALL = 4,
	TT_REC_EXEC = 5,
	TT_REC_FORK = 6,
	TT_REC_EXIT = 7,
	TT_REC_LOSS = 8,
	TT_REC_CONFIG = 9,
	TT_REC_TRAILER = 10,
	TT_REC_PACKET = 11,
	TT_REC_FUNC = 12,
	TT_REC_FUNC_CALL = 13,
	TT_REC_FUNC_STATS = 14,
	TT_REC_RENAME = 15,
	TT_REC_SAMPLED = 16,
	TT_REC_SYSCALLS = 17, /* a CPU's syscalls in compact form; readers yield them as SYSCALL */
	TT_REC_SIGNAL = 18,   /* a signal generated or delivered (format 1.8) */
	TT_REC_FD = 19,       /* a prologue's fd of a process, or its cwd */
	TT_REC_TRIGGER = 21,  /* what made rec --flight write a snapshot (format 1.12) */
	TT_REC_SYSCALLS_DELTA = 22, /* SYSCALLS, most of each event as differences (1.13) */
	TT_REC_SYSCALLS_SPLIT = 23, /* SYSCALLS_DELTA in three columns, times as varints (1.14) */
};

/* Monitors, as bits of tt_file_header.monitors and values of tt_loss.monitor. */
enum tt_monitor_id {
	TT_MONITOR_SYSCALL = 0,
	TT_MONITOR_EXEC = 1,
	TT_MONITOR_PACKET = 2,
	TT_MONITOR_FUNC = 3,
	TT_MONITOR_SIGNAL = 4,
	TT_MONITOR__COUNT,
};

/* A length-counted byte string pointing into the reader's buffer (not NUL-terminated). */
struct tt_bytes {
	const char *data;
	uint32_t len;
};

struct tt_file_header {
	uint16_t format_major, format_minor;
	uint32_t seq;        /* 0 for the first file of a recording, +1 per rotation */
	uint32_t audit_arch; /* AUDIT_ARCH_* of the recorded machine */
	uint32_t ncpus;
	uint32_t monitors;   /* 1 << enum tt_monitor_id */
	uint32_t rec_pid;
	uint64_t start_ns;   /* CLOCK_MONOTONIC when this file was started */
	int64_t wall_offset_ns; /* add to an event time to get Unix time (ns) */
	uint64_t recording_id;  /* the same in every file of one recording */
	struct tt_bytes tool_version, hostname, kernel_release, machine;
	struct tt_bytes cmdline; /* rec's argv, each argument NUL-terminated */
	struct tt_bytes options; /* "key=value\n" lines of the settings used */
};

/* One process of the state prologue, or a state update. */
struct tt_proc {
	uint32_t pid, ppid, uid, gid;
	uint64_t start_ns; /* CLOCK_MONOTONIC start time */
	uint64_t cgroup_id;
	struct tt_bytes comm, exe;
	struct tt_bytes argv; /* each argument NUL-terminated */
	uint64_t exit_ns; /* a prologue's process that had exited before the file began, else 0 */
};

struct tt_cgroup {
	uint64_t id;
	struct tt_bytes path; /* relative to the cgroup2 mount, "/" for the root */
};

enum tt_str_kind {
	TT_STR_PATH = 1,
	TT_STR_SOCKADDR = 2,
	TT_STR_DATA = 3, /* format 1.10: the first bytes of a buffer read or written (rec --datasize) */
};

#define TT_STR_TRUNCATED 0x1

struct tt_str {
	uint8_t arg;   /* argument index 0-5 */
	uint8_t kind;  /* enum tt_str_kind */
	uint16_t flags; /* TT_STR_TRUNCATED */
	struct tt_bytes value; /* a path includes no NUL */
};

#define TT_SYSCALL_NORETURN 0x1 /* exit, exit_group, rt_sigreturn: recorded at entry */
#define TT_SYSCALL_COMPAT 0x2   /* a 32-bit call: nr is in the header's arch's compat table
                                 * (AUDIT_ARCH_I386 for x86_64) */
#define TT_SYSCALL_LONG 0x4     /* in a SYSCALLS event only: a u64 duration follows ret */
#define TT_SYSCALLS_EVENT_SIZE 32 /* the fixed part of a SYSCALLS event */

struct tt_syscall {
	uint64_t ts;       /* entry time, CLOCK_MONOTONIC ns */
	uint64_t duration; /* ns */
	uint32_t pid, tid;
	uint16_t cpu, nr;
	uint8_t flags;
	uint8_t nstr;
	uint8_t nargs;     /* arguments the syscall takes (0-6); args beyond are 0 */
	int64_t ret;
	uint64_t args[6];
	struct tt_str strs[TT_MAX_STRS];
};

/*
 * A run of one CPU's syscalls as rec's BPF side staged them, in time order
 * (TRACE-FORMAT.md: SYSCALLS). Readers never see this record:
 * trace_reader__next() yields its events one by one as SYSCALL records.
 */
struct tt_syscalls {
	uint16_t cpu;
	uint32_t seq;      /* the CPU's batch it came from (batches lost count too) */
	uint32_t count;    /* events */
	uint64_t base_ts;  /* their exit times are deltas from this */
	uint64_t first_ts, last_ts; /* the earliest and latest entry time of its events */
	struct tt_bytes events; /* count events, in the coding below */
	/*
	 * How events holds them: set when a record is decoded, to its type's
	 * coding. Encoding a SYSCALLS_DELTA or SYSCALLS_SPLIT record from
	 * values (0, as rec stages them) codes them; from its own coding,
	 * copies them; from another, fails.
	 */
	uint8_t coding;
};

enum tt_syscalls_coding {
	TT_SC_VALUES = 0, /* back to back, as staged (SYSCALLS) */
	TT_SC_DELTAS = 1, /* bytes 8 to 31 as differences (SYSCALLS_DELTA) */
	TT_SC_SPLIT = 2,  /* the differences in three columns (SYSCALLS_SPLIT) */
};

#define TT_SC_WORDS 6 /* the u32 words of an event's bytes 8 to 31 */

/* Where tt_syscalls__next() is in a record: zeroed before the first event. */
struct tt_syscalls_pos {
	uint32_t off;     /* bytes of events read (SPLIT: of its third column) */
	uint32_t prev[TT_SC_WORDS]; /* the previous event's words of bytes 8 to 31 */
	uint32_t k;       /* SPLIT: events read */
	uint32_t times;   /* SPLIT: where the next event's times are */
};

#define TT_EXEC_ARGV_TRUNCATED 0x1
#define TT_EXEC_FILENAME_TRUNCATED 0x2
#define TT_EXEC_ENVP 0x4           /* format 1.11: envp was recorded (rec --envsize) */
#define TT_EXEC_ENVP_TRUNCATED 0x8

struct tt_exec {
	uint64_t ts;
	uint32_t pid, tid, ppid, uid, gid;
	int32_t ret; /* 0, or -errno of a failed execve */
	uint32_t flags;
	uint32_t nargs;
	uint16_t cpu;
	uint64_t cgroup_id;
	char comm[TT_COMM_SIZE]; /* NUL-padded */
	struct tt_bytes filename;
	struct tt_bytes argv; /* each argument NUL-terminated; empty without the exec monitor */
	/* version 2 (format 1.11), with TT_EXEC_ENVP: */
	uint32_t nenv;        /* variables of the environment (envp may hold fewer) */
	struct tt_bytes envp; /* each variable NUL-terminated */
};

struct tt_fork {
	uint64_t ts;
	uint32_t parent_pid, parent_tid, child_pid, child_tid, uid, gid;
	uint16_t cpu;
	uint64_t clone_flags;
	uint64_t cgroup_id;
	char comm[TT_COMM_SIZE];
};

struct tt_exit {
	uint64_t ts;
	uint32_t pid, tid;
	int32_t status; /* wait(2) status: (code << 8) | signal */
	uint8_t group_dead;
	uint16_t cpu;
};

/* A task's new name (format 1.4): tid == pid renames the process. */
struct tt_rename {
	uint64_t ts;
	uint32_t pid, tid;
	uint16_t cpu;     /* TT_CPU_ANY: a prologue's, the name in force since ts */
	char comm[TT_COMM_SIZE]; /* NUL-padded; no NUL if 16 characters */
};

#define TT_CPU_ANY 0xffff

struct tt_loss {
	uint16_t monitor; /* enum tt_monitor_id */
	uint16_t cpu;     /* TT_CPU_ANY when not known */
	uint64_t count;   /* events lost */
	uint64_t from_ts, to_ts; /* the window they were lost in */
};

/*
 * Syscall events rec --max-rate left out on one CPU (format 1.6): not lost,
 * counted, so that a reader can say how many were recorded of how many.
 */
/* An FD record's kinds. */
enum tt_fd_kind {
	TT_FD_PATH = 1,   /* a file or directory: name is its absolute path */
	TT_FD_SOCKET = 2, /* name as strace -yy writes it: "TCP:[1.2.3.4:80->5.6.7.8:9]" */
	TT_FD_OTHER = 3,  /* pipe:[ino], anon_inode:[eventfd]...: /proc's link text */
};

#define TT_FD_CLOEXEC 0x1 /* tt_fd.flags: close-on-exec */
#define TT_FD_CWD (-100)  /* tt_fd.fd of the process's working directory (AT_FDCWD) */

/*
 * An fd of a process running when the file began (format 1.9), in its
 * prologue, from /proc/PID/fd and /proc/net; fd TT_FD_CWD is its cwd.
 */
struct tt_fd {
	uint32_t pid;
	int32_t fd;
	uint8_t kind;  /* enum tt_fd_kind */
	uint8_t flags; /* TT_FD_CLOEXEC */
	struct tt_bytes name;
};

struct tt_sampled {
	uint16_t cpu;
	uint16_t nr;
	uint8_t flags;  /* TT_SYSCALL_COMPAT: nr is in the compat table */
	uint64_t count; /* calls left out */
	/* The first call counted here (for a later record of the same CPU and
	 * syscall: the last one the previous record counted), and the last. */
	uint64_t from_ts, to_ts;
};

enum tt_signal_event {
	TT_SIGNAL_GENERATE = 1, /* sent: pid/tid are the sender, target_* the receiver */
	TT_SIGNAL_DELIVER = 2,  /* delivered: pid/tid are the receiving thread */
};

/* Which siginfo fields a SIGNAL record holds: the kernel's siginfo layouts. */
enum tt_siginfo_layout {
	TT_SIL_NONE = 0,  /* no siginfo (the kernel sent it with SEND_SIG_NOINFO/PRIV) */
	TT_SIL_KILL = 1,  /* si_pid, si_uid (info_pid, info_uid) */
	TT_SIL_TIMER = 2, /* si_timerid in info_pid, si_overrun in info_status, si_value in info_value */
	TT_SIL_POLL = 3,  /* si_band in info_value, si_fd in info_status */
	TT_SIL_FAULT = 4, /* si_addr in info_addr */
	TT_SIL_CHLD = 5,  /* si_pid, si_uid, si_status */
	TT_SIL_RT = 6,    /* si_pid, si_uid, si_value (sival_ptr, or sival_int in its low bits) */
	TT_SIL_SYS = 7,   /* si_call_addr in info_addr, si_syscall in info_status, si_arch in info_value */
};

/* A signal generated (signal_generate) or delivered (signal_deliver), format 1.8. */
struct tt_signal {
	uint64_t ts;
	uint32_t pid, tid;
	uint16_t cpu;
	uint8_t event;    /* enum tt_signal_event */
	uint8_t layout;   /* enum tt_siginfo_layout */
	int32_t signo, code, errno_; /* si_signo, si_code, si_errno */
	uint32_t target_pid, target_tid; /* generate; for a delivery, pid and tid */
	int32_t result;   /* generate: 0 delivered, 1 ignored, 2 already pending,
	                   * 3 overflow (failed), 4 info lost */
	uint8_t group;    /* generate: sent to the whole thread group */
	uint64_t handler; /* deliver: 0 default action (SIG_DFL), 1 ignored (SIG_IGN), else its address */
	uint64_t sa_flags;
	/* siginfo's fields, as layout says (si_pid is a macro of <signal.h>) */
	uint32_t info_pid, info_uid;
	int32_t info_status;
	uint64_t info_addr, info_value;
};

/* What fired a flight recorder's trigger (rec --flight). */
enum tt_trigger_kind {
	TT_TRIGGER_SIGNAL = 1,  /* SIGUSR2 sent to rec; value: the sender's pid */
	TT_TRIGGER_RULE = 2,    /* an alert rule matched an event (--trigger) */
	TT_TRIGGER_COMMAND = 3, /* the traced command exited non-zero (--trigger-cmd); value: its wait status */
	TT_TRIGGER_EXIT = 4,    /* rec stopped (--flight-on-exit) */
};

/*
 * A trigger of the flight recorder (format 1.12), in the stream where it
 * fired: the snapshot it opened, or extended while that one's --post window
 * was still open. A rule's trigger names the event that matched (event_ts,
 * pid, tid, event_type); others have event_type 0.
 */
struct tt_trigger {
	uint64_t ts;         /* when it fired: the event's time for a rule */
	uint32_t snapshot;   /* the snapshot's number (its file header's seq) */
	uint16_t kind;       /* enum tt_trigger_kind */
	uint16_t severity;   /* a rule's (analyze --alerts' order, info 0 .. critical 4) */
	uint16_t event_type; /* TT_REC_SYSCALL, TT_REC_EXEC or TT_REC_SIGNAL; 0 for none */
	uint32_t pid, tid;   /* of that event */
	uint64_t event_ts;   /* its time (a syscall's entry) */
	int64_t value;       /* by kind: see enum tt_trigger_kind */
	char comm[TT_COMM_SIZE]; /* the event's task's name then; NUL-padded */
	struct tt_bytes rule;    /* a rule's id; "" otherwise */
	struct tt_bytes message; /* what it says, in words */
};

struct tt_config {
	uint64_t ts;
	struct tt_bytes text; /* the new settings, "key=value\n" lines */
};

enum tt_close_reason {
	TT_CLOSE_END = 0,
	TT_CLOSE_ROTATE = 1,
	TT_CLOSE_CUT = 2, /* a second signal ended the recording before its command exited */
};

struct tt_trailer {
	uint64_t end_ns;
	uint64_t events; /* event records in this file */
	uint64_t lost;   /* events counted in this file's loss records */
	uint32_t reason; /* enum tt_close_reason */
	uint32_t signal; /* version 2: the signal that began the end (SIGINT, SIGTERM), or 0 */
};

#define TT_PACKET_OUTBOUND 0x1
#define TT_PACKET_OWNED 0x2    /* pid, tid, uid, comm and cgroup_id name the socket's owner */
#define TT_PACKET_LISTENER 0x4 /* the owner is that of the listening socket (handshake) */

/*
 * One captured packet: where and whose it is, and where its bytes are in
 * the pcapng file written beside the trace (the one with the same rotation
 * number). Addresses are IPv4 (first 4 bytes) or IPv6 in network order.
 */
struct tt_packet {
	uint64_t ts;
	uint64_t id;        /* the recording's packet sequence number (epb_packetid) */
	uint64_t cgroup_id;
	uint32_t pid, tid, uid;
	uint32_t ifindex;
	uint32_t netns;     /* network namespace inode */
	uint32_t length;    /* bytes from the network header on */
	uint32_t pcap_index; /* 1-based frame number in the pcapng file; 0 if not written */
	uint16_t cpu;
	uint16_t ethertype;
	uint8_t flags;      /* TT_PACKET_* */
	uint8_t family;     /* 4, 6, or 0 for neither */
	uint8_t ip_proto;   /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, ... */
	uint8_t tcp_flags;  /* of a TCP packet */
	uint16_t sport, dport; /* TCP/UDP ports, 0 otherwise */
	uint8_t saddr[16], daddr[16];
	char comm[TT_COMM_SIZE];
	char ifname[TT_COMM_SIZE]; /* as the pcapng's interface block names it; "" before version 2 */
};

enum tt_func_kind {
	TT_FUNC_KERNEL = 1,
	TT_FUNC_USER = 2,
};

enum tt_func_probe {
	TT_PROBE_FENTRY = 1, /* fentry/fexit */
	TT_PROBE_KPROBE = 2, /* kprobe/kretprobe */
	TT_PROBE_UPROBE = 3, /* uprobe/uretprobe */
};

/* One entry of the function table, in every file's prologue. */
struct tt_func {
	uint32_t id;      /* what FUNC_CALL and FUNC_STATS records name it by */
	uint8_t kind;     /* enum tt_func_kind */
	uint8_t probe;    /* enum tt_func_probe */
	uint64_t addr;    /* kernel: its address (0 if unknown); user: the symbol's file offset */
	struct tt_bytes name;
	struct tt_bytes module; /* "vmlinux", a kernel module, or the binary's path */
};

enum tt_func_event {
	TT_FUNC_ENTRY = 1,
	TT_FUNC_RETURN = 2,
};

/* One entry into or return from a function (rec --func-mode calls). */
struct tt_func_call {
	uint64_t ts;
	uint64_t duration; /* a return: ns since its entry; 0 for an entry, or if not timed */
	uint32_t pid, tid;
	uint32_t func;     /* tt_func.id */
	uint16_t cpu;
	uint16_t depth;    /* probed calls the thread had open around this one */
	uint8_t event;     /* enum tt_func_event */
};

#define TT_FUNC_BUCKETS 32 /* hist[i]: calls of [2^i, 2^(i+1)) ns; [0] from 0, [31] open-ended */

/* The calls of one function in one process over [from_ts, to_ts] (count mode). */
struct tt_func_stats {
	uint64_t from_ts, to_ts;
	uint32_t pid, func;
	uint64_t count;
	uint64_t total_ns, max_ns;
	uint64_t hist[TT_FUNC_BUCKETS];
};

struct tt_record {
	uint16_t type;    /* enum tt_record_type; others are skipped by readers */
	uint16_t version; /* the record layout's version, 1 for all today */
	uint32_t size;    /* bytes on disk, header included */
	union {
		struct tt_file_header header;
		struct tt_proc proc;
		struct tt_cgroup cgroup;
		struct tt_syscall syscall;
		struct tt_exec exec;
		struct tt_fork fork;
		struct tt_exit exit;
		struct tt_loss loss;
		struct tt_config config;
		struct tt_trailer trailer;
		struct tt_packet packet;
		struct tt_func func;
		struct tt_func_call func_call;
		struct tt_func_stats func_stats;
		struct tt_rename rename;
		struct tt_sampled sampled;
		struct tt_syscalls syscalls;
		struct tt_signal signal;
		struct tt_fd fd;
		struct tt_trigger trigger;
	};
};

/*
 * Encode rec (of the type in rec->type) into buf. Returns the bytes written,
 * or -ENOSPC if it does not fit in cap, -EINVAL for an unknown type (or more
 * than TT_MAX_STRS strings), -EMSGSIZE if it would be larger than
 * TT_MAX_RECORD_SIZE. Sizes and versions in rec are ignored: the encoder
 * sets them, including a file header's format_major and format_minor.
 */
int tt_record__encode(void *buf, size_t cap, const struct tt_record *rec);

/*
 * Decode the record at buf (avail bytes available). Returns its size on disk
 * (> 0), -ENODATA if avail is shorter than the record (it is cut), -EBADMSG
 * if it is malformed. Records of unknown type decode to their header only;
 * fields a newer writer appended are ignored. Pointers in rec point into buf.
 */
int tt_record__decode(const void *buf, size_t avail, struct tt_record *rec);

/*
 * The event of a SYSCALLS, SYSCALLS_DELTA or SYSCALLS_SPLIT record at pos
 * (zeroed for the first) as a SYSCALL record, with pos moved past it.
 * Returns 1, 0 past the last event, or -EBADMSG if the events are
 * malformed. Strings point into b->events.
 */
int tt_syscalls__next(const struct tt_syscalls *b, struct tt_syscalls_pos *pos,
		      struct tt_record *rec);

/*
 * Check that buf starts with a file header record and read its format
 * version, without decoding the rest (whose layout a newer major may have
 * changed). Returns 0, -ENODATA if buf is cut, -EBADMSG if it is not a file
 * header (wrong type or magic).
 */
int tt_file_header__probe(const void *buf, size_t avail, uint16_t *major, uint16_t *minor);

/*
 * The timestamp a record sorts by: an event's time, a config change's, the
 * start of a loss or sampling window; 0 for records that have none.
 */
uint64_t tt_record__ts(const struct tt_record *rec);

/* Is it a run of syscalls (SYSCALLS, SYSCALLS_DELTA or SYSCALLS_SPLIT,
 * rec->syscalls)? */
static inline int tt_record__is_syscalls(const struct tt_record *rec)
{
	return rec->type == TT_REC_SYSCALLS || rec->type == TT_REC_SYSCALLS_DELTA ||
	       rec->type == TT_REC_SYSCALLS_SPLIT;
}

/* The latest event time a record holds: its time, but for a run of syscalls. */
uint64_t tt_record__last_ts(const struct tt_record *rec);

/* Is this record an event (syscall, exec, fork, exit, packet, function call
 * or count, signal) rather than state? */
int tt_record__is_event(const struct tt_record *rec);

/*
 * Is this a prologue's restatement, an EXEC or RENAME with cpu TT_CPU_ANY:
 * state as at the file's start, applied at its time like the event it
 * repeats, but not an event of the file (views neither show nor count it)?
 */
int tt_record__is_restated(const struct tt_record *rec);

/* Is this a record type this library decodes (readers skip the others)? */
int tt_record__is_known(uint16_t type);

const char *tt_monitor__name(enum tt_monitor_id m);
/* Returns the monitor id for a name, or -EINVAL. */
int tt_monitor__from_name(const char *name);

#endif /* __TT_RECORDS_H */
