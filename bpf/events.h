/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The kernel <-> user ABI of rec's BPF programs: fixed-width types only, no
 * includes, shared by the bpf/ programs and record/. This is NOT the file format:
 * record/ translates these structs into the records of formats/trace.h.
 *
 * Events are not sent one by one. Each CPU appends them to a staging area
 * and ships the whole batch with one ring buffer write (struct ev_batch),
 * because a shared-ring reservation per event costs more than the rest of
 * the hot path together (measured on the development VM: ~100-200 ns per
 * reservation, against ~80 ns for attached but empty programs).
 */
#ifndef __TT_EVENTS_H
#define __TT_EVENTS_H

#define TT_COMM_LEN 16
#define TT_NR_SYSCALLS 512  /* syscall numbers handled; larger ones are skipped */
#define TT_MAX_CPUS 1024
#define TT_STAGE_SIZE 16384 /* a batch is shipped before it grows past this */
#define TT_MAX_EVENT 8192   /* largest batched event (a syscall with its strings) */
#define TT_MAX_STRSIZE 4096
/* An exec event (filename up to TT_MAX_STRSIZE, argv up to TT_MAX_ARGSIZE)
 * is larger than a batch: it is built in a per-CPU scratch area and shipped
 * as a batch of its own (rec.bpf.h, exec_ship). Its size must fit ev_hdr.size. */
#define TT_MAX_ARGSIZE 32768
#define TT_EXEC_SCRATCH (1 << 17)
#define TT_MAX_ARGS 128    /* argv (and envp) entries walked for a failed exec */
/* rec --envsize's largest: filename, argv and envp of one exec event
 * together must fit ev_hdr.size (rec.bpf.h asserts it). */
#define TT_MAX_ENVSIZE 16384
#define TT_SOCKADDR_MAX 128
/* rec --datasize's largest: a DATA string is the last of an event, staged
 * at an offset below TT_MAX_EVENT / 2, so 8 + 4096 more bytes keep the
 * event within TT_MAX_EVENT. */
#define TT_MAX_DATASIZE 4096

/* Monitors, as bits of the enabled mask and indexes of the loss counters. */
enum tt_monitor {
	TT_MON_SYSCALL = 0,
	TT_MON_EXEC = 1, /* exec, fork, exit: the process lifecycle */
	TT_MON_PACKET = 2,
	TT_MON_FUNC = 3,
	TT_MON_SIGNAL = 4, /* signal generation and delivery */
	TT_NR_MONITORS = 5,
};

enum ev_type {
	EV_SYSCALL = 1,
	EV_EXEC = 2,
	EV_FORK = 3,
	EV_EXIT = 4,
	EV_FUNC_ENTRY = 5, /* these two go through the func ring, not the batches */
	EV_FUNC_RETURN = 6,
	EV_RENAME = 7, /* a task's name changed (prctl PR_SET_NAME, exec, /proc/.../comm) */
	EV_SIGNAL = 8, /* a signal generated (sent) or delivered (signal.bpf.c) */
};

/*
 * Every event of a batch starts with its size (8-aligned, this header
 * included) and its type, so a batch can be walked without knowing the
 * types; the other events of the process lifecycle go on with this header.
 */
struct ev_hdr {
	__u16 size;
	__u8 type;
	__u8 pad;
	__u32 tid;
	__u64 ts; /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
};

/* ev_syscall.flags */
#define EV_SC_NORETURN 0x01 /* exit/exit_group: recorded at entry */
#define EV_SC_COMPAT 0x02   /* a 32-bit (ia32) syscall: nr is in that table */
#define EV_SC_LONG 0x04     /* took 2^32 ns or more: a u64 duration follows ret */

/* Captured strings of a syscall, after the fixed part, each 8-aligned. */
enum ev_str_kind {
	EV_STR_PATH = 1,
	EV_STR_SOCKADDR = 2, /* raw struct sockaddr bytes */
	EV_STR_DATA = 3,     /* rec --datasize: the first bytes of a read or written buffer */
};

struct ev_str {
	__u8 arg; /* which argument (0-5) it was read from */
	__u8 kind;
	__u16 len; /* bytes of data (a path includes its NUL) */
	__u32 truncated;
	/* char data[len], padded to 8 */
};

/*
 * A syscall, in the byte layout of an event of a SYSCALLS record
 * (formats/TRACE-FORMAT.md): rec copies runs of these from a batch into the
 * trace as they are, without decoding them. Its time is a delta from the
 * batch's base_ts (a batch is shipped within flush_ns, well under 2^32 ns),
 * and it holds only the arguments the syscall takes: a getppid is 32 bytes.
 * Then, in order: a u64 duration if EV_SC_LONG, nargs u64 arguments, and
 * nstr strings (struct ev_str, each 8-aligned).
 */
struct ev_syscall {
	__u16 size;
	__u8 type; /* EV_SYSCALL */
	__u8 flags;
	__u16 nr;
	__u8 nargs;
	__u8 nstr;
	__u32 tid;
	__u32 pid;
	__u32 end_delta; /* exit time - the batch's base_ts */
	__u32 duration;  /* exit - entry time, ns; 0 with EV_SC_LONG */
	__s64 ret;
};

/* ev_exec.flags */
#define EV_EXEC_ARGV_TRUNCATED 0x01
#define EV_EXEC_FILENAME_TRUNCATED 0x02
#define EV_EXEC_ENVP 0x04           /* rec --envsize: envp follows argv */
#define EV_EXEC_ENVP_TRUNCATED 0x08

/*
 * A successful exec (sched_process_exec) or, with ret < 0, a failed
 * execve/execveat. Followed by filename (NUL-terminated, filename_len bytes)
 * then argv (args_len bytes, each argument NUL-terminated), then with
 * EV_EXEC_ENVP the environment (env_len bytes, alike), padded to 8.
 */
struct ev_exec {
	struct ev_hdr hdr;
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__s32 ret;
	__u32 flags;
	__u32 nargs; /* arguments in the process, even when argv is cut */
	__u16 filename_len;
	__u16 args_len;
	__u64 cgroup_id;
	char comm[TT_COMM_LEN];
	__u16 env_len; /* with EV_EXEC_ENVP; else not set */
	__u16 pad;
	__u32 nenv;    /* variables in the environment, even when envp is cut */
};

struct ev_fork {
	struct ev_hdr hdr; /* hdr.tid is the parent thread */
	__u32 parent_pid;
	__u32 child_pid;
	__u32 child_tid;
	__u32 uid;
	__u32 gid;
	__u32 pad;
	__u64 clone_flags;
	__u64 cgroup_id;
	char comm[TT_COMM_LEN];
};

struct ev_exit {
	struct ev_hdr hdr;
	__u32 pid;
	__s32 exit_code; /* as wait(2) status: (code << 8) | signal */
	__u32 group_dead; /* the last thread of its process */
	__u32 pad;
};

/* hdr.tid is the renamed task (a thread: its own name), pid its process. */
struct ev_rename {
	struct ev_hdr hdr;
	__u32 pid;
	__u32 pad;
	char comm[TT_COMM_LEN];
};

/* ev_signal.event */
#define EV_SIG_GENERATE 1 /* signal_generate: hdr.tid/pid are the sender (current) */
#define EV_SIG_DELIVER 2  /* signal_deliver: hdr.tid/pid are the receiving thread */

/*
 * A signal (signal.bpf.c), shipped as a batch of its own (nevents counted
 * under TT_MON_SIGNAL). sifields is the kernel's siginfo union as it is
 * (the first 32 bytes of union __sifields): rec reads the fields that
 * signo and code say it holds, as glibc's siginfo_t, whose layout it shares.
 */
struct ev_signal {
	struct ev_hdr hdr;
	__u32 pid;
	__s32 signo;
	__s32 code;     /* si_code */
	__s32 errno_;   /* si_errno */
	__u32 target_pid, target_tid; /* generate: the task it was sent to */
	__s32 result;   /* generate: TRACE_SIGNAL_DELIVERED, _IGNORED, ... */
	__u8 event;     /* EV_SIG_* */
	__u8 group;     /* generate: sent to the whole thread group */
	__u8 has_info;  /* sifields was read (not SEND_SIG_NOINFO/PRIV) */
	__u8 pad;
	__u32 uid;      /* of the current task (the sender of a generate) */
	__u32 pad2;
	__u64 handler;  /* deliver: sa_handler (0 SIG_DFL, 1 SIG_IGN, else its address) */
	__u64 sa_flags; /* deliver */
	__u64 sifields[4];
};

/* One ring buffer record: a CPU's batch of events, back to back. */
struct ev_batch {
	__u32 cpu;
	__u32 len; /* bytes of data */
	__u32 nevents[TT_NR_MONITORS];
	__u32 seq;     /* of the CPU's staged batches from 1, counting those lost; 0 for an exec's */
	__u32 pad;
	__u64 base_ts; /* the time syscall events are deltas from */
	/*
	 * The CPU's shipping mark: every event this CPU made before this time
	 * (bpf_ktime_get_ns(), the events' clock) is in this batch or in an
	 * earlier one of its ring, so that rec, having read this batch, has
	 * read them all. 0 when the batch says nothing of the kind (a
	 * signal's: it may run in the middle of a program that is staging).
	 * rec's flusher ships a batch of no events (len 0, seq 0) from a CPU
	 * that has nothing staged, so that an idle CPU's mark moves on too.
	 */
	__u64 shipped_ts;
	/* char data[len] */
};

/* Per-CPU counters of events the ring buffer had no room for. */
struct ev_loss {
	__u64 events[TT_NR_MONITORS];
	__u64 pkt_pending; /* packets lost since this CPU's last packet got through */
	__u64 batches;
	__u64 last_ts;
};

/*
 * rec --max-rate: per CPU, the syscall events left out over the rate, by
 * slot: a native syscall's number, or TT_NR_SYSCALLS + a 32-bit one's.
 * Kept in an array indexed by CPU (as the staging areas: too large a value
 * for a per-CPU map). The window fields are the kernel side's own.
 */
#define TT_SAMPLED_SLOTS (2 * TT_NR_SYSCALLS)
#define TT_MAX_RATE 10000000 /* --max-rate's largest: more than a CPU makes */

struct ev_sampled {
	__u64 window_start; /* the second being counted began here */
	__u64 window_events; /* events staged in it */
	__u64 count[TT_SAMPLED_SLOTS];    /* calls left out */
	__u64 first_ts[TT_SAMPLED_SLOTS]; /* entry time of the first one */
	__u64 last_ts[TT_SAMPLED_SLOTS];  /* and of the last one */
};

/*
 * Packets do not go through the per-CPU batches: each is one record of its
 * own ring buffer (packets), so payloads never crowd out syscall events.
 */
#define TT_MAX_SNAPLEN 262144
#define TT_PKT_NEST_MAX 2 /* packet captures one CPU runs at once (a softirq's in a task's) */
#define TT_MAX_TC_IFACES 64 /* rec -i interfaces */
#define TT_PKT_PARSE_LEN 128 /* bytes always copied, for rec to read the headers */

/* ev_packet.flags */
#define EV_PKT_OUTBOUND 0x01
#define EV_PKT_OWNED 0x02    /* the socket had an owner: pid, uid, comm, cgroup_id are set */
#define EV_PKT_LISTENER 0x04 /* the owner is the listening socket's (a handshake packet) */

struct ev_packet {
	__u64 ts;        /* bpf_ktime_get_ns() */
	__u64 id;        /* sequence number of the recording's packets; gaps are losses */
	__u64 cgroup_id; /* the owner's cgroup when it last used the socket */
	__u64 drops;     /* packets this CPU lost since its previous packet */
	__u32 pid, tid, uid;
	__u32 ifindex;
	__u32 netns;     /* inode of the interface's network namespace */
	__u32 len;       /* the packet's length (from the network header) */
	__u32 datalen;   /* bytes of data that follow */
	__u32 caplen;    /* of those, what goes to the pcapng (snaplen) */
	__u16 protocol;  /* EtherType, host order */
	__u8 pkttype;    /* PACKET_HOST, PACKET_OUTGOING, ... */
	__u8 flags;
	__u16 cpu;
	__u16 hatype;    /* the interface's ARPHRD_* type */
	char comm[TT_COMM_LEN];
	char ifname[TT_COMM_LEN];
	/* __u8 data[datalen]: the packet from its network header */
};

/*
 * rec -i: an interface captured by the tc programs (the tc_ifaces map, filled
 * by rec before attaching). The cgroup_skb programs leave that interface's
 * packets to them, so each packet is written once.
 */
struct tc_iface_key {
	__u32 netns;   /* inode of the interface's network namespace */
	__u32 ifindex;
};

struct tc_iface {
	__u16 l2len;   /* bytes before the network header: 14 on Ethernet, 0 on a tunnel */
	__u16 hatype;  /* ARPHRD_* */
	char name[TT_COMM_LEN];
};

/* Who owns a socket, as last seen from process context (SK_STORAGE value). */
struct sk_owner {
	__u32 pid, tid, uid, pad;
	__u64 cgroup_id;
	char comm[TT_COMM_LEN];
};

/*
 * The function monitor (func.bpf.c). Probes carry the function's id in the
 * recording's function table: as the attach cookie (uprobes, kprobes), or as
 * an immediate rec patches into each clone of the fentry/fexit templates.
 * Its call events are records of their own ring (func_events): a probe may
 * fire inside another program's half-written batch (a kprobe on a function
 * a helper calls), so it must not touch the per-CPU staging.
 */
#define TT_MAX_FUNCS 4096   /* functions one recording may probe */
#define TT_FUNC_BUCKETS 32  /* log2 latency buckets: [2^i, 2^(i+1)) ns, the last open */
#define TT_FUNC_DEPTH 32    /* nested probed calls timed per thread */
#define TT_FUNC_ID_MARK 0x7eadbeef /* the immediate rec replaces in fentry clones */

struct ev_func {
	struct ev_hdr hdr; /* EV_FUNC_ENTRY or EV_FUNC_RETURN; ts of the event */
	__u32 pid;
	__u32 func;        /* id in the function table */
	__u64 duration;    /* a return: ns since its entry, 0 if the entry was not timed */
	__u16 cpu;
	__u16 depth;       /* probed calls this thread had open before this one */
	__u32 pad;
};

/* Count mode: per-CPU totals of one function in one process. */
struct func_key {
	__u32 pid;
	__u32 func;
};

struct func_stat {
	__u64 count;
	__u64 total_ns;
	__u64 max_ns;
	__u64 hist[TT_FUNC_BUCKETS];
};

/* sc_desc[nr]: which arguments of a syscall are worth reading at exit. */
#define SC_STR1_SHIFT 0   /* (argument index + 1) of a path, 0 for none */
#define SC_STR2_SHIFT 4   /* a second path (rename, link, ...) */
#define SC_ADDR_SHIFT 8   /* (index + 1) of a struct sockaddr pointer */
#define SC_ALEN_SHIFT 12  /* (index + 1) of its length */
#define SC_ALEN_PTR 0x10000 /* the length argument is a socklen_t pointer */
#define SC_DATA_RET 0x20000 /* the data buffer's length is the return value (a read) */
#define SC_NARGS_SHIFT 20 /* arguments the syscall takes, 0-6 (its event keeps only those) */
#define SC_DATA_SHIFT 24  /* (index + 1) of a data buffer (rec --datasize) */
#define SC_DLEN_SHIFT 28  /* (index + 1) of its length, unless SC_DATA_RET */
#define SC_FIELD(d, shift) (((d) >> (shift)) & 0xf)

#endif /* __TT_EVENTS_H */
