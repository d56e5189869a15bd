// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Encoding and decoding of trace records. Each record type is described once,
 * as a list of fields in on-disk order (formats/TRACE-FORMAT.md), and one
 * walker moves between that layout and struct tt_record in either direction,
 * so the encoder and the decoder cannot disagree.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "le.h"
#include "records.h"
#include "trace.h"

enum field_kind {
	F_U8,
	F_U16,
	F_U32,
	F_U64,
	F_MAGIC, /* TT_FILE_MAGIC, fixed */
	F_FORMAT, /* u16 set by the encoder to this library's format version */
	F_COMM,  /* char[TT_COMM_SIZE] */
	F_BYTES, /* struct tt_bytes: u32 length + bytes */
	F_SYSCALL, /* a whole syscall body: written out in walk_syscall, for speed */
	F_ADDR,  /* uint8_t[16], an IP address */
	F_HIST,  /* uint64_t[TT_FUNC_BUCKETS] */
	F_SC_VALUES, /* struct tt_syscalls: its events, of a SYSCALLS record */
	F_SC_DELTAS, /* the same, of a SYSCALLS_DELTA record: coded on the way out */
	F_SC_SPLIT,  /* the same, of a SYSCALLS_SPLIT record */
};

struct field {
	enum field_kind kind;
	size_t off; /* in struct tt_record */
};

struct layout {
	const struct field *fields;
	unsigned int nfields;
	unsigned int nfields_v1; /* the fields of layout version 1; later versions appended the rest */
	uint16_t version;        /* the version the encoder writes */
};

#define FLD(kind, member) { kind, offsetof(struct tt_record, member) }
#define LAYOUT(f) { f, sizeof(f) / sizeof(f[0]), sizeof(f) / sizeof(f[0]), 1 }
/* A version 2 layout: its first n1 fields are version 1's. */
#define LAYOUT_V2(f, n1) { f, sizeof(f) / sizeof(f[0]), n1, 2 }

static const struct field header_fields[] = {
	FLD(F_MAGIC, header),
	FLD(F_FORMAT, header.format_major),
	FLD(F_FORMAT, header.format_minor),
	FLD(F_U32, header.seq),
	FLD(F_U32, header.audit_arch),
	FLD(F_U32, header.ncpus),
	FLD(F_U32, header.monitors),
	FLD(F_U32, header.rec_pid),
	FLD(F_U64, header.start_ns),
	FLD(F_U64, header.wall_offset_ns),
	FLD(F_U64, header.recording_id),
	FLD(F_BYTES, header.tool_version),
	FLD(F_BYTES, header.hostname),
	FLD(F_BYTES, header.kernel_release),
	FLD(F_BYTES, header.machine),
	FLD(F_BYTES, header.cmdline),
	FLD(F_BYTES, header.options),
};

/* tt_file_header__probe reads only these: magic, format_major, format_minor */
#define HEADER_PROBE_FIELDS 3

static const struct field proc_fields[] = {
	FLD(F_U32, proc.pid),
	FLD(F_U32, proc.ppid),
	FLD(F_U32, proc.uid),
	FLD(F_U32, proc.gid),
	FLD(F_U64, proc.start_ns),
	FLD(F_U64, proc.cgroup_id),
	FLD(F_BYTES, proc.comm),
	FLD(F_BYTES, proc.exe),
	FLD(F_BYTES, proc.argv),
	FLD(F_U64, proc.exit_ns), /* version 2 */
};

static const struct field cgroup_fields[] = {
	FLD(F_U64, cgroup.id),
	FLD(F_BYTES, cgroup.path),
};

/* ts u64, duration u64, pid u32, tid u32, cpu u16, nr u16, flags u8, nstr u8,
 * nargs u8, ret i64, args[nargs] u64, strings: see walk_syscall. */
static const struct field syscall_fields[] = {
	FLD(F_SYSCALL, syscall),
};

static const struct field exec_fields[] = {
	FLD(F_U64, exec.ts),
	FLD(F_U32, exec.pid),
	FLD(F_U32, exec.tid),
	FLD(F_U32, exec.ppid),
	FLD(F_U32, exec.uid),
	FLD(F_U32, exec.gid),
	FLD(F_U32, exec.ret),
	FLD(F_U32, exec.flags),
	FLD(F_U32, exec.nargs),
	FLD(F_U16, exec.cpu),
	FLD(F_U64, exec.cgroup_id),
	FLD(F_COMM, exec.comm),
	FLD(F_BYTES, exec.filename),
	FLD(F_BYTES, exec.argv),
	FLD(F_U32, exec.nenv),    /* version 2 */
	FLD(F_BYTES, exec.envp),
};

static const struct field fork_fields[] = {
	FLD(F_U64, fork.ts),
	FLD(F_U32, fork.parent_pid),
	FLD(F_U32, fork.parent_tid),
	FLD(F_U32, fork.child_pid),
	FLD(F_U32, fork.child_tid),
	FLD(F_U32, fork.uid),
	FLD(F_U32, fork.gid),
	FLD(F_U16, fork.cpu),
	FLD(F_U64, fork.clone_flags),
	FLD(F_U64, fork.cgroup_id),
	FLD(F_COMM, fork.comm),
};

static const struct field exit_fields[] = {
	FLD(F_U64, exit.ts),
	FLD(F_U32, exit.pid),
	FLD(F_U32, exit.tid),
	FLD(F_U32, exit.status),
	FLD(F_U8, exit.group_dead),
	FLD(F_U16, exit.cpu),
};

static const struct field rename_fields[] = {
	FLD(F_U64, rename.ts),
	FLD(F_U32, rename.pid),
	FLD(F_U32, rename.tid),
	FLD(F_U16, rename.cpu),
	FLD(F_COMM, rename.comm),
};

/* SYSCALLS and SYSCALLS_DELTA: one layout, the events stored two ways */
#define SYSCALLS_FIELDS(events_kind)                                                   \
	FLD(F_U16, syscalls.cpu), FLD(F_U32, syscalls.seq), FLD(F_U32, syscalls.count),     \
	FLD(F_U64, syscalls.base_ts), FLD(F_U64, syscalls.first_ts),                        \
	FLD(F_U64, syscalls.last_ts), FLD(events_kind, syscalls)

static const struct field syscalls_fields[] = { SYSCALLS_FIELDS(F_SC_VALUES) };
static const struct field syscalls_delta_fields[] = { SYSCALLS_FIELDS(F_SC_DELTAS) };
static const struct field syscalls_split_fields[] = { SYSCALLS_FIELDS(F_SC_SPLIT) };

static const struct field loss_fields[] = {
	FLD(F_U16, loss.monitor),
	FLD(F_U16, loss.cpu),
	FLD(F_U64, loss.count),
	FLD(F_U64, loss.from_ts),
	FLD(F_U64, loss.to_ts),
};

static const struct field signal_fields[] = {
	FLD(F_U64, signal.ts),
	FLD(F_U32, signal.pid),
	FLD(F_U32, signal.tid),
	FLD(F_U16, signal.cpu),
	FLD(F_U8, signal.event),
	FLD(F_U8, signal.layout),
	FLD(F_U32, signal.signo),
	FLD(F_U32, signal.code),
	FLD(F_U32, signal.errno_),
	FLD(F_U32, signal.target_pid),
	FLD(F_U32, signal.target_tid),
	FLD(F_U32, signal.result),
	FLD(F_U8, signal.group),
	FLD(F_U64, signal.handler),
	FLD(F_U64, signal.sa_flags),
	FLD(F_U32, signal.info_pid),
	FLD(F_U32, signal.info_uid),
	FLD(F_U32, signal.info_status),
	FLD(F_U64, signal.info_addr),
	FLD(F_U64, signal.info_value),
};

static const struct field sampled_fields[] = {
	FLD(F_U16, sampled.cpu),
	FLD(F_U16, sampled.nr),
	FLD(F_U8, sampled.flags),
	FLD(F_U64, sampled.count),
	FLD(F_U64, sampled.from_ts),
	FLD(F_U64, sampled.to_ts),
};

static const struct field config_fields[] = {
	FLD(F_U64, config.ts),
	FLD(F_BYTES, config.text),
};

static const struct field trailer_fields[] = {
	FLD(F_U64, trailer.end_ns),
	FLD(F_U64, trailer.events),
	FLD(F_U64, trailer.lost),
	FLD(F_U32, trailer.reason),
	FLD(F_U32, trailer.signal), /* version 2 */
};

static const struct field packet_fields[] = {
	FLD(F_U64, packet.ts),
	FLD(F_U64, packet.id),
	FLD(F_U64, packet.cgroup_id),
	FLD(F_U32, packet.pid),
	FLD(F_U32, packet.tid),
	FLD(F_U32, packet.uid),
	FLD(F_U32, packet.ifindex),
	FLD(F_U32, packet.netns),
	FLD(F_U32, packet.length),
	FLD(F_U32, packet.pcap_index),
	FLD(F_U16, packet.cpu),
	FLD(F_U16, packet.ethertype),
	FLD(F_U8, packet.flags),
	FLD(F_U8, packet.family),
	FLD(F_U8, packet.ip_proto),
	FLD(F_U8, packet.tcp_flags),
	FLD(F_U16, packet.sport),
	FLD(F_U16, packet.dport),
	FLD(F_ADDR, packet.saddr),
	FLD(F_ADDR, packet.daddr),
	FLD(F_COMM, packet.comm),
	FLD(F_COMM, packet.ifname), /* version 2 */
};

static const struct field func_fields[] = {
	FLD(F_U32, func.id),
	FLD(F_U8, func.kind),
	FLD(F_U8, func.probe),
	FLD(F_U64, func.addr),
	FLD(F_BYTES, func.name),
	FLD(F_BYTES, func.module),
};

static const struct field func_call_fields[] = {
	FLD(F_U64, func_call.ts),
	FLD(F_U64, func_call.duration),
	FLD(F_U32, func_call.pid),
	FLD(F_U32, func_call.tid),
	FLD(F_U32, func_call.func),
	FLD(F_U16, func_call.cpu),
	FLD(F_U16, func_call.depth),
	FLD(F_U8, func_call.event),
};

static const struct field func_stats_fields[] = {
	FLD(F_U64, func_stats.from_ts),
	FLD(F_U64, func_stats.to_ts),
	FLD(F_U32, func_stats.pid),
	FLD(F_U32, func_stats.func),
	FLD(F_U64, func_stats.count),
	FLD(F_U64, func_stats.total_ns),
	FLD(F_U64, func_stats.max_ns),
	FLD(F_HIST, func_stats.hist),
};

static const struct field fd_fields[] = {
	FLD(F_U32, fd.pid),
	FLD(F_U32, fd.fd),
	FLD(F_U8, fd.kind),
	FLD(F_U8, fd.flags),
	FLD(F_BYTES, fd.name),
};

static const struct field trigger_fields[] = {
	FLD(F_U64, trigger.ts),
	FLD(F_U32, trigger.snapshot),
	FLD(F_U16, trigger.kind),
	FLD(F_U16, trigger.severity),
	FLD(F_U16, trigger.event_type),
	FLD(F_U32, trigger.pid),
	FLD(F_U32, trigger.tid),
	FLD(F_U64, trigger.event_ts),
	FLD(F_U64, trigger.value),
	FLD(F_COMM, trigger.comm),
	FLD(F_BYTES, trigger.rule),
	FLD(F_BYTES, trigger.message),
};

static const struct layout layouts[] = {
	[TT_REC_FILE_HEADER] = LAYOUT(header_fields),
	[TT_REC_PROC] = LAYOUT_V2(proc_fields, 9),
	[TT_REC_CGROUP] = LAYOUT(cgroup_fields),
	[TT_REC_SYSCALL] = LAYOUT(syscall_fields),
	[TT_REC_EXEC] = LAYOUT_V2(exec_fields, 14),
	[TT_REC_FORK] = LAYOUT(fork_fields),
	[TT_REC_EXIT] = LAYOUT(exit_fields),
	[TT_REC_LOSS] = LAYOUT(loss_fields),
	[TT_REC_CONFIG] = LAYOUT(config_fields),
	[TT_REC_TRAILER] = LAYOUT_V2(trailer_fields, 4),
	[TT_REC_PACKET] = LAYOUT_V2(packet_fields, 21),
	[TT_REC_FUNC] = LAYOUT(func_fields),
	[TT_REC_FUNC_CALL] = LAYOUT(func_call_fields),
	[TT_REC_FUNC_STATS] = LAYOUT(func_stats_fields),
	[TT_REC_RENAME] = LAYOUT(rename_fields),
	[TT_REC_SAMPLED] = LAYOUT(sampled_fields),
	[TT_REC_SYSCALLS] = LAYOUT(syscalls_fields),
	[TT_REC_SIGNAL] = LAYOUT(signal_fields),
	[TT_REC_FD] = LAYOUT(fd_fields),
	[TT_REC_TRIGGER] = LAYOUT(trigger_fields),
	[TT_REC_SYSCALLS_DELTA] = LAYOUT(syscalls_delta_fields),
	[TT_REC_SYSCALLS_SPLIT] = LAYOUT(syscalls_split_fields),
};

static const struct layout *layout_of(uint16_t type)
{
	if (type >= sizeof(layouts) / sizeof(layouts[0]) || !layouts[type].fields)
		return NULL;
	return &layouts[type];
}

/* A window of the record being encoded or decoded. The walk is inlined into
 * the encoder and the decoder so that each is specialised for its direction:
 * this codec runs for every event rec writes and analyze reads. */
struct cursor {
	unsigned char *p, *end;
	bool enc;
};

/* Room for n more bytes? Running out is a full buffer when encoding and a
 * record shorter than its layout when decoding. */
static inline __attribute__((always_inline)) int cursor__need(const struct cursor *c, size_t n)
{
	if ((size_t)(c->end - c->p) >= n)
		return 0;
	return c->enc ? -ENOSPC : -EBADMSG;
}

/* Move an integer of width bytes between the cursor and *v. */
static inline __attribute__((always_inline)) int walk_int(struct cursor *c, void *v, size_t width)
{
	int err = cursor__need(c, width);

	if (err)
		return err;
	switch (width) {
	case 1:
		if (c->enc)
			*c->p = *(uint8_t *)v;
		else
			*(uint8_t *)v = *c->p;
		break;
	case 2:
		if (c->enc)
			put_le16(c->p, *(uint16_t *)v);
		else
			*(uint16_t *)v = get_le16(c->p);
		break;
	case 4:
		if (c->enc)
			put_le32(c->p, *(uint32_t *)v);
		else
			*(uint32_t *)v = get_le32(c->p);
		break;
	default:
		if (c->enc)
			put_le64(c->p, *(uint64_t *)v);
		else
			*(uint64_t *)v = get_le64(c->p);
		break;
	}
	c->p += width;
	return 0;
}

static inline __attribute__((always_inline)) int walk_bytes(struct cursor *c, struct tt_bytes *b)
{
	int err = walk_int(c, &b->len, 4);

	if (err)
		return err;
	err = cursor__need(c, b->len);
	if (err)
		return err;
	if (c->enc) {
		if (b->len && !b->data)
			return -EINVAL;
		if (b->len) /* an empty value may have no data pointer */
			memcpy(c->p, b->data, b->len);
	} else {
		b->data = (const char *)c->p;
	}
	c->p += b->len;
	return 0;
}

static inline __attribute__((always_inline)) int walk_strs(struct cursor *c, struct tt_syscall *sc)
{
	int err = 0;

	if (sc->nstr > TT_MAX_STRS)
		return c->enc ? -EINVAL : -EBADMSG;
	for (unsigned int i = 0; i < sc->nstr && !err; i++) {
		struct tt_str *s = &sc->strs[i];

		err = walk_int(c, &s->arg, 1);
		err = err ?: walk_int(c, &s->kind, 1);
		err = err ?: walk_int(c, &s->flags, 2);
		err = err ?: walk_bytes(c, &s->value);
	}
	return err;
}

#define SYSCALL_FIXED 39 /* bytes before the arguments */

/*
 * The syscall record is nearly every record of a trace, so its body is
 * walked in straight-line code with one bounds check instead of field by
 * field: decoding it this way is three times faster. Only the arguments the
 * syscall takes are stored (nargs): a getppid record holds none of the six.
 */
static inline __attribute__((always_inline)) int walk_syscall(struct cursor *c, struct tt_syscall *sc)
{
	unsigned char *p = c->p;
	unsigned int i;
	int err;

	if (c->enc && (sc->nargs > 6 || sc->nstr > TT_MAX_STRS))
		return -EINVAL;
	err = cursor__need(c, SYSCALL_FIXED);
	if (err)
		return err;
	if (c->enc) {
		put_le64(p, sc->ts);
		put_le64(p + 8, sc->duration);
		put_le32(p + 16, sc->pid);
		put_le32(p + 20, sc->tid);
		put_le16(p + 24, sc->cpu);
		put_le16(p + 26, sc->nr);
		p[28] = sc->flags;
		p[29] = sc->nstr;
		p[30] = sc->nargs;
		put_le64(p + 31, (uint64_t)sc->ret);
	} else {
		sc->ts = get_le64(p);
		sc->duration = get_le64(p + 8);
		sc->pid = get_le32(p + 16);
		sc->tid = get_le32(p + 20);
		sc->cpu = get_le16(p + 24);
		sc->nr = get_le16(p + 26);
		sc->flags = p[28];
		sc->nstr = p[29];
		sc->nargs = p[30];
		sc->ret = (int64_t)get_le64(p + 31);
		if (sc->nargs > 6 || sc->nstr > TT_MAX_STRS)
			return -EBADMSG;
	}
	c->p += SYSCALL_FIXED;
	err = cursor__need(c, 8u * sc->nargs);
	if (err)
		return err;
	for (i = 0; i < sc->nargs; i++) {
		if (c->enc)
			put_le64(c->p + 8 * i, sc->args[i]);
		else
			sc->args[i] = get_le64(c->p + 8 * i);
	}
	c->p += 8u * sc->nargs;
	return sc->nstr ? walk_strs(c, sc) : 0;
}

/* The bytes of each syscall event stored as differences (SYSCALLS_DELTA,
 * SYSCALLS_SPLIT): its u32 words from byte 8 on. */
#define SC_WORDS_AT 8
/* A SYSCALLS_SPLIT event's part in the first column: bytes 0 to 15 and 24
 * to 31; its words 2 and 3 (end_delta, duration) go to the times column. */
#define SC_SPLIT_FIXED 24

_Static_assert(SC_WORDS_AT + 4 * TT_SC_WORDS == TT_SYSCALLS_EVENT_SIZE, "words to the end");

/* A staged event's size, if the len bytes at e can hold it; 0 if not. */
static uint32_t staged_event__size(const unsigned char *e, uint32_t len)
{
	uint32_t size;

	if (len < TT_SYSCALLS_EVENT_SIZE)
		return 0;
	size = get_le16(e);
	if (size < TT_SYSCALLS_EVENT_SIZE || size > len || size % 8)
		return 0;
	return size;
}

/* The words of the staged event at e less prev's into w; prev becomes e's. */
static inline void event_words__diff(const unsigned char *e, uint32_t *prev, uint32_t *w)
{
	for (int i = 0; i < TT_SC_WORDS; i++) {
		uint32_t v = get_le32(e + SC_WORDS_AT + 4 * i);

		w[i] = v - prev[i];
		prev[i] = v;
	}
}

/*
 * Copy len bytes of events from src to dst as a SYSCALLS_DELTA record stores
 * them: each u32 of bytes 8 to 31 (tid, pid, end_delta, duration, ret) less
 * the previous event's, modulo 2^32. One CPU's consecutive calls repeat
 * most of these or change them by little, so that the chunk is mostly
 * zeros. One pass: the events are read once, from where rec's ring has them.
 */
static int syscall_events__code(unsigned char *dst, const unsigned char *src, uint32_t len)
{
	uint32_t prev[TT_SC_WORDS] = { 0 }, off = 0;

	while (off < len) {
		const unsigned char *e = src + off;
		unsigned char *d = dst + off;
		uint32_t size = staged_event__size(e, len - off), w[TT_SC_WORDS];

		if (!size)
			return -EINVAL;
		memcpy(d, e, SC_WORDS_AT);
		event_words__diff(e, prev, w);
		for (int i = 0; i < TT_SC_WORDS; i++)
			put_le32(d + SC_WORDS_AT + 4 * i, w[i]);
		if (size > TT_SYSCALLS_EVENT_SIZE)
			memcpy(d + TT_SYSCALLS_EVENT_SIZE, e + TT_SYSCALLS_EVENT_SIZE,
			       size - TT_SYSCALLS_EVENT_SIZE);
		off += size;
	}
	return 0;
}

/* A difference as zigzag LEB128 (TRACE-FORMAT.md, SYSCALLS_SPLIT): a small
 * one, of either sign, in one or two bytes. */
static inline unsigned char *varint__put(unsigned char *p, uint32_t d)
{
	uint32_t z = d << 1 ^ (0u - (d >> 31));

	while (z >= 0x80) {
		*p++ = (unsigned char)(z | 0x80);
		z >>= 7;
	}
	*p++ = (unsigned char)z;
	return p;
}

/* The difference at *p, before end; *p moved past it. More than 32 bits, a
 * cut one or a longer form than needed is -EBADMSG. */
static inline int varint__get(const unsigned char **p, const unsigned char *end, uint32_t *d)
{
	uint32_t z = 0;

	for (int shift = 0; shift < 35; shift += 7) {
		unsigned char b;

		if (*p == end)
			return -EBADMSG;
		b = *(*p)++;
		if ((shift == 28 && b > 0x0f) || (shift && !b))
			return -EBADMSG;
		z |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*d = z >> 1 ^ (0u - (z & 1));
			return 0;
		}
	}
	return -EBADMSG;
}

/* What coding count events of len bytes as SYSCALLS_SPLIT may take, at most:
 * 4 bytes more, and two per event for times of 5 bytes rather than 4. */
static uint64_t split__bound(uint32_t len, uint32_t count)
{
	return 4 + (uint64_t)len + 2ull * count;
}

/*
 * Code len bytes of count events from src (values, as staged) into dst as
 * a SYSCALLS_SPLIT record stores them, in one pass: the differences of
 * SYSCALLS_DELTA, in three columns (bytes 0 to 15 and 24 to 31 of each
 * event; each event's bytes from 32 on; the differences of end_delta and
 * duration as varints). The first column is mostly the same bytes from
 * one event to the next, which zstd takes in long matches; only the times
 * change from call to call, and they take ~3 bytes an event rather than 8.
 * dst has room for split__bound(); *out the bytes written.
 */
static int syscall_events__split(unsigned char *dst, const unsigned char *src, uint32_t len,
				 uint32_t count, uint32_t *out)
{
	/* the previous event's words, in scalars: an array of them went
	 * through memory, and its stores and loads through the stack */
	uint32_t tid = 0, pid = 0, end = 0, dur = 0, ret_lo = 0, ret_hi = 0, off = 0, n = 0;
	unsigned char *fixed = dst + 4, *rest, *times_at, *times;

	if (count > len / TT_SYSCALLS_EVENT_SIZE)
		return -EINVAL;
	rest = fixed + SC_SPLIT_FIXED * count;
	/* each event's bytes from 32 on, if count events make up len */
	times = times_at = rest + (len - TT_SYSCALLS_EVENT_SIZE * count);
	while (off < len) {
		const unsigned char *e = src + off;
		uint32_t size = staged_event__size(e, len - off), v;

		if (!size || n == count || size - TT_SYSCALLS_EVENT_SIZE > (size_t)(times_at - rest))
			return -EINVAL;
		memcpy(fixed, e, SC_WORDS_AT);
		v = get_le32(e + 8), put_le32(fixed + 8, v - tid), tid = v;
		v = get_le32(e + 12), put_le32(fixed + 12, v - pid), pid = v;
		v = get_le32(e + 16), times = varint__put(times, v - end), end = v;
		v = get_le32(e + 20), times = varint__put(times, v - dur), dur = v;
		v = get_le32(e + 24), put_le32(fixed + 16, v - ret_lo), ret_lo = v;
		v = get_le32(e + 28), put_le32(fixed + 20, v - ret_hi), ret_hi = v;
		fixed += SC_SPLIT_FIXED;
		if (size > TT_SYSCALLS_EVENT_SIZE) {
			memcpy(rest, e + TT_SYSCALLS_EVENT_SIZE, size - TT_SYSCALLS_EVENT_SIZE);
			rest += size - TT_SYSCALLS_EVENT_SIZE;
		}
		off += size;
		n++;
	}
	if (n != count)
		return -EINVAL;
	put_le32(dst, times - times_at);
	*out = times - dst;
	return 0;
}

/* The events of a run of syscalls, in the coding of the record's type. */
static int walk_syscall_events(struct cursor *c, struct tt_syscalls *b, uint8_t coding)
{
	uint32_t len = b->events.len, out;
	int err;

	if (!c->enc) {
		err = walk_bytes(c, &b->events);
		b->coding = coding;
		return err;
	}
	if (b->coding == coding)
		return walk_bytes(c, &b->events);
	if (b->coding != TT_SC_VALUES)
		return -EINVAL; /* one coding is not made from another */
	if (len && !b->events.data)
		return -EINVAL;
	if (coding == TT_SC_DELTAS) {
		err = walk_int(c, &b->events.len, 4);
		err = err ?: cursor__need(c, len);
		if (err)
			return err;
		err = syscall_events__code(c->p, (const unsigned char *)b->events.data, len);
		c->p += len;
		return err;
	}
	if (b->count > len / TT_SYSCALLS_EVENT_SIZE)
		return -EINVAL;
	err = cursor__need(c, 4 + split__bound(len, b->count));
	if (err)
		return err;
	err = syscall_events__split(c->p + 4, (const unsigned char *)b->events.data, len, b->count,
				    &out);
	if (err)
		return err;
	put_le32(c->p, out);
	c->p += 4 + out;
	return 0;
}

static inline __attribute__((always_inline)) int walk_field(struct cursor *c, const struct field *f, struct tt_record *rec)
{
	void *v = (char *)rec + f->off;
	uint16_t format;
	int err;

	switch (f->kind) {
	case F_U8:
		return walk_int(c, v, 1);
	case F_U16:
		return walk_int(c, v, 2);
	case F_U32:
		return walk_int(c, v, 4);
	case F_U64:
		return walk_int(c, v, 8);
	case F_FORMAT:
		if (!c->enc)
			return walk_int(c, v, 2);
		format = f->off == offsetof(struct tt_record, header.format_major) ?
			 TT_FORMAT_MAJOR : TT_FORMAT_MINOR;
		return walk_int(c, &format, 2);
	case F_MAGIC:
		err = cursor__need(c, TT_FILE_MAGIC_SIZE);
		if (err)
			return err;
		if (c->enc)
			memcpy(c->p, TT_FILE_MAGIC, TT_FILE_MAGIC_SIZE);
		else if (memcmp(c->p, TT_FILE_MAGIC, TT_FILE_MAGIC_SIZE))
			return -EBADMSG;
		c->p += TT_FILE_MAGIC_SIZE;
		return 0;
	case F_COMM:
		err = cursor__need(c, TT_COMM_SIZE);
		if (err)
			return err;
		if (c->enc) {
			/* pad after the first NUL, whatever the caller left there */
			size_t n = strnlen(v, TT_COMM_SIZE);

			memcpy(c->p, v, n);
			memset(c->p + n, 0, TT_COMM_SIZE - n);
		} else {
			memcpy(v, c->p, TT_COMM_SIZE);
		}
		c->p += TT_COMM_SIZE;
		return 0;
	case F_ADDR:
		err = cursor__need(c, 16);
		if (err)
			return err;
		if (c->enc)
			memcpy(c->p, v, 16);
		else
			memcpy(v, c->p, 16);
		c->p += 16;
		return 0;
	case F_HIST:
		for (int i = 0; i < TT_FUNC_BUCKETS; i++) {
			err = walk_int(c, (uint64_t *)v + i, 8);
			if (err)
				return err;
		}
		return 0;
	case F_BYTES:
		return walk_bytes(c, v);
	case F_SYSCALL:
		return walk_syscall(c, v);
	case F_SC_VALUES:
		return walk_syscall_events(c, v, TT_SC_VALUES);
	case F_SC_DELTAS:
		return walk_syscall_events(c, v, TT_SC_DELTAS);
	case F_SC_SPLIT:
		return walk_syscall_events(c, v, TT_SC_SPLIT);
	}
	return -EINVAL;
}

static inline __attribute__((always_inline)) int walk(struct cursor *c, const struct layout *l, unsigned int nfields,
		struct tt_record *rec)
{
	for (unsigned int i = 0; i < nfields; i++) {
		int err = walk_field(c, &l->fields[i], rec);

		if (err)
			return err;
	}
	return 0;
}

int tt_record__encode(void *buf, size_t cap, const struct tt_record *rec)
{
	const struct layout *l = layout_of(rec->type);
	struct cursor c = { .p = buf, .end = (unsigned char *)buf + cap, .enc = true };
	size_t size;
	int err;

	if (!l)
		return -EINVAL;
	if (cap < TT_RECORD_HDR_SIZE)
		return -ENOSPC;
	c.p += TT_RECORD_HDR_SIZE;
	/* the walker only reads rec when encoding */
	err = walk(&c, l, l->nfields, (struct tt_record *)rec);
	if (err)
		return err;
	size = c.p - (unsigned char *)buf;
	if (size > TT_MAX_RECORD_SIZE)
		return -EMSGSIZE;
	put_le32(buf, size);
	put_le16((char *)buf + 4, rec->type);
	put_le16((char *)buf + 6, l->version);
	return size;
}

/* Check the record header at buf; the size on disk, or -errno as decode. */
static int record__frame(const void *buf, size_t avail, struct tt_record *rec)
{
	uint32_t size;

	if (avail < TT_RECORD_HDR_SIZE)
		return -ENODATA;
	size = get_le32(buf);
	if (size < TT_RECORD_HDR_SIZE || size > TT_MAX_RECORD_SIZE)
		return -EBADMSG;
	if (size > avail)
		return -ENODATA;
	rec->type = get_le16((const char *)buf + 4);
	/*
	 * Fields an older writer did not have read as zero. The syscall record
	 * (nearly every record) clears only its own member: clearing the whole
	 * union took two thirds of the decode time (a rep stos).
	 */
	if (rec->type == TT_REC_SYSCALL)
		memset(&rec->syscall, 0, sizeof(rec->syscall));
	else
		memset(rec, 0, sizeof(*rec));
	rec->size = size;
	rec->type = get_le16((const char *)buf + 4);
	rec->version = get_le16((const char *)buf + 6);
	/* versions add fields at the end, so any of them has version 1's */
	if (layout_of(rec->type) && rec->version < 1)
		return -EBADMSG;
	return size;
}

static int record__walk_body(const void *buf, struct tt_record *rec, unsigned int nfields)
{
	struct cursor c = {
		.p = (unsigned char *)buf + TT_RECORD_HDR_SIZE,
		.end = (unsigned char *)buf + rec->size,
	};
	const struct layout *l = layout_of(rec->type);

	if (!l)
		return 0;
	/* An older version's record ends after its own fields: the newer
	 * ones stay 0. A newer version's extra bytes are not read. */
	if (rec->version < l->version && nfields > l->nfields_v1)
		nfields = l->nfields_v1;
	return walk(&c, l, nfields < l->nfields ? nfields : l->nfields, rec);
}

/*
 * Zero a syscall record, padding included, in 16-byte stores: a plain memset
 * of its 184 bytes compiles to a rep stos, slow to start for so few bytes.
 */
typedef uint64_t zero_words __attribute__((vector_size(16), may_alias, aligned(8)));

/* GCC would turn the loop back into the memset (clang leaves it alone). */
#if defined(__GNUC__) && !defined(__clang__)
#define KEEP_STORE_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define KEEP_STORE_LOOPS
#endif

static inline void syscall__clear(struct tt_syscall *sc)
{
	char *p = (char *)sc;
	size_t i;

	_Static_assert(sizeof(*sc) % 8 == 0, "struct tt_syscall is whole words");
	for (i = 0; i + 16 <= sizeof(*sc); i += 16)
		*(zero_words *)(p + i) = (zero_words){ 0, 0 };
	if (i < sizeof(*sc))
		memset(p + i, 0, 8);
}

/*
 * A syscall record, what record__frame and record__walk_body do for it in one
 * straight line: nearly every record a reader decodes is one, and the
 * generic path's layout lookups and per-field dispatch were half its cost.
 */
KEEP_STORE_LOOPS
static int decode_syscall(const unsigned char *buf, uint32_t size, struct tt_record *rec)
{
	struct cursor c = { .p = (unsigned char *)buf + TT_RECORD_HDR_SIZE,
			    .end = (unsigned char *)buf + size };
	int err;

	syscall__clear(&rec->syscall);
	rec->type = TT_REC_SYSCALL;
	rec->size = size;
	rec->version = get_le16(buf + 6);
	if (rec->version < 1)
		return -EBADMSG;
	err = walk_syscall(&c, &rec->syscall);
	return err ? err : (int)size;
}

int tt_record__decode(const void *buf, size_t avail, struct tt_record *rec)
{
	int size;
	int err;

	if (avail >= TT_RECORD_HDR_SIZE && get_le16((const char *)buf + 4) == TT_REC_SYSCALL) {
		uint32_t n = get_le32(buf);

		if (n >= TT_RECORD_HDR_SIZE && n <= TT_MAX_RECORD_SIZE && n <= avail)
			return decode_syscall(buf, n, rec);
	}
	size = record__frame(buf, avail, rec);
	if (size < 0)
		return size;
	err = record__walk_body(buf, rec, ~0u);
	return err ? err : size;
}

/*
 * One event of a run of syscalls (TRACE-FORMAT.md: SYSCALLS), once its
 * coding is undone: h its bytes 0 to 7, w the values of its words of bytes
 * 8 to 31, tail its size - 32 bytes from byte 32 on. Every length is
 * checked against the event's own size.
 */
static inline __attribute__((always_inline)) int
syscall_event__decode(const struct tt_syscalls *b, const unsigned char *h, const uint32_t *w,
		      const unsigned char *tail, uint32_t size, struct tt_record *rec)
{
	struct tt_syscall *sc = &rec->syscall;
	uint32_t left = size - TT_SYSCALLS_EVENT_SIZE, pos = 0;
	uint8_t flags = h[3];

	if (h[2] != 1 || h[6] > 6 || h[7] > TT_MAX_STRS)
		return -EBADMSG;
	syscall__clear(sc);
	rec->type = TT_REC_SYSCALL;
	rec->version = 1;
	rec->size = size;
	sc->flags = flags & (TT_SYSCALL_NORETURN | TT_SYSCALL_COMPAT);
	sc->nr = get_le16(h + 4);
	sc->nargs = h[6];
	sc->nstr = h[7];
	sc->tid = w[0];
	sc->pid = w[1];
	sc->duration = w[3];
	sc->ret = (int64_t)((uint64_t)w[5] << 32 | w[4]);
	sc->cpu = b->cpu;
	if (flags & TT_SYSCALL_LONG) {
		if (left < 8)
			return -EBADMSG;
		sc->duration = get_le64(tail);
		pos = 8;
	}
	/* exit time - duration: the entry time, as a SYSCALL record has it */
	sc->ts = b->base_ts + w[2] - sc->duration;
	if (left - pos < 8u * sc->nargs)
		return -EBADMSG;
	for (unsigned int i = 0; i < sc->nargs; i++)
		sc->args[i] = get_le64(tail + pos + 8 * i);
	pos += 8u * sc->nargs;
	for (unsigned int i = 0; i < sc->nstr; i++) {
		struct tt_str *s = &sc->strs[i];
		uint32_t len;

		if (left - pos < 8)
			return -EBADMSG;
		len = get_le16(tail + pos + 2);
		/* A kind this reader does not know (a newer recorder's) is kept as
		 * it is, as in a SYSCALL record: readers show the kinds they know. */
		if (left - pos - 8 < len || !tail[pos + 1])
			return -EBADMSG;
		s->arg = tail[pos];
		s->kind = tail[pos + 1];
		s->flags = get_le32(tail + pos + 4) ? TT_STR_TRUNCATED : 0;
		s->value.data = (const char *)tail + pos + 8;
		/* a path's NUL is kept in the event, not in the record */
		s->value.len = s->kind == TT_STR_PATH && len && !s->value.data[len - 1] ? len - 1 : len;
		/* left is a multiple of 8: the padding is within it */
		pos += (8 + len + 7) & ~7u;
	}
	return 1;
}

/*
 * The next event of a SYSCALLS_SPLIT record: its first column's part, its
 * times from the third column and the rest from the second. The columns'
 * bounds come from count and the times' length, and the record must end
 * where its last event does.
 */
static int syscalls__next_split(const struct tt_syscalls *b, struct tt_syscalls_pos *at,
				struct tt_record *rec)
{
	const unsigned char *d = (const unsigned char *)b->events.data, *f, *t;
	uint32_t len = b->events.len, times_at, size, w[TT_SC_WORDS], end_d, dur_d;
	int ret;

	if (len < 4 || b->count > (len - 4) / SC_SPLIT_FIXED ||
	    get_le32(d) > len - 4 - SC_SPLIT_FIXED * b->count)
		return -EBADMSG;
	times_at = len - get_le32(d);
	if (!at->times) { /* the first event */
		at->off = 4 + SC_SPLIT_FIXED * b->count;
		at->times = times_at;
	}
	if (at->k >= b->count)
		return at->off == times_at && at->times == len ? 0 : -EBADMSG;
	f = d + 4 + SC_SPLIT_FIXED * at->k;
	size = get_le16(f);
	if (size < TT_SYSCALLS_EVENT_SIZE || size % 8 ||
	    size - TT_SYSCALLS_EVENT_SIZE > times_at - at->off)
		return -EBADMSG;
	t = d + at->times;
	if (varint__get(&t, d + len, &end_d) || varint__get(&t, d + len, &dur_d))
		return -EBADMSG;
	/* Word by word from scalars: a loop over w[] filled by 4-byte stores
	 * was vectorized into 8-byte loads the stores could not forward to,
	 * a stall of each event's decoding. */
	at->prev[0] = w[0] = get_le32(f + 8) + at->prev[0];
	at->prev[1] = w[1] = get_le32(f + 12) + at->prev[1];
	at->prev[2] = w[2] = end_d + at->prev[2];
	at->prev[3] = w[3] = dur_d + at->prev[3];
	at->prev[4] = w[4] = get_le32(f + 16) + at->prev[4];
	at->prev[5] = w[5] = get_le32(f + 20) + at->prev[5];
	ret = syscall_event__decode(b, f, w, d + at->off, size, rec);
	if (ret < 0)
		return ret;
	at->off += size - TT_SYSCALLS_EVENT_SIZE;
	at->times = t - d;
	at->k++;
	return 1;
}

/*
 * One event of a SYSCALLS or SYSCALLS_DELTA record: its size checked against
 * the record, the differences of a SYSCALLS_DELTA event added to the
 * previous event's values, which *at keeps.
 */
KEEP_STORE_LOOPS
int tt_syscalls__next(const struct tt_syscalls *b, struct tt_syscalls_pos *at, struct tt_record *rec)
{
	const unsigned char *e = (const unsigned char *)b->events.data + at->off;
	uint32_t left = b->events.len - at->off, size, w[TT_SC_WORDS];
	/* values are their own differences from 0: no previous one is kept */
	uint32_t keep = b->coding == TT_SC_DELTAS ? ~0u : 0;
	int ret;

	if (b->coding == TT_SC_SPLIT)
		return syscalls__next_split(b, at, rec);
	if (at->off >= b->events.len)
		return 0;
	size = staged_event__size(e, left);
	if (!size)
		return -EBADMSG;
	for (int i = 0; i < TT_SC_WORDS; i++) {
		w[i] = get_le32(e + SC_WORDS_AT + 4 * i) + at->prev[i];
		at->prev[i] = w[i] & keep;
	}
	ret = syscall_event__decode(b, e, w, e + TT_SYSCALLS_EVENT_SIZE, size, rec);
	if (ret < 0)
		return ret;
	at->off += size;
	return 1;
}

int tt_file_header__probe(const void *buf, size_t avail, uint16_t *major, uint16_t *minor)
{
	struct tt_record rec;
	int err = record__frame(buf, avail, &rec);

	if (err < 0)
		return err;
	if (rec.type != TT_REC_FILE_HEADER)
		return -EBADMSG;
	err = record__walk_body(buf, &rec, HEADER_PROBE_FIELDS);
	if (err)
		return err;
	*major = rec.header.format_major;
	*minor = rec.header.format_minor;
	return 0;
}

uint64_t tt_record__ts(const struct tt_record *rec)
{
	switch (rec->type) {
	case TT_REC_SYSCALL:
		return rec->syscall.ts;
	case TT_REC_EXEC:
		return rec->exec.ts;
	case TT_REC_FORK:
		return rec->fork.ts;
	case TT_REC_EXIT:
		return rec->exit.ts;
	case TT_REC_CONFIG:
		return rec->config.ts;
	case TT_REC_LOSS:
		return rec->loss.from_ts;
	case TT_REC_SAMPLED:
		return rec->sampled.from_ts;
	case TT_REC_PACKET:
		return rec->packet.ts;
	case TT_REC_FUNC_CALL:
		return rec->func_call.ts;
	case TT_REC_FUNC_STATS:
		return rec->func_stats.to_ts;
	case TT_REC_RENAME:
		return rec->rename.ts;
	case TT_REC_SYSCALLS:
	case TT_REC_SYSCALLS_DELTA:
	case TT_REC_SYSCALLS_SPLIT:
		return rec->syscalls.first_ts;
	case TT_REC_SIGNAL:
		return rec->signal.ts;
	case TT_REC_TRIGGER:
		return rec->trigger.ts;
	default:
		return 0;
	}
}

uint64_t tt_record__last_ts(const struct tt_record *rec)
{
	return tt_record__is_syscalls(rec) ? rec->syscalls.last_ts : tt_record__ts(rec);
}

int tt_record__is_known(uint16_t type)
{
	return layout_of(type) != NULL;
}

int tt_record__is_restated(const struct tt_record *rec)
{
	return (rec->type == TT_REC_EXEC && rec->exec.cpu == TT_CPU_ANY) ||
	       (rec->type == TT_REC_RENAME && rec->rename.cpu == TT_CPU_ANY);
}

int tt_record__is_event(const struct tt_record *rec)
{
	switch (rec->type) {
	case TT_REC_SYSCALL:
	case TT_REC_EXEC:
	case TT_REC_FORK:
	case TT_REC_EXIT:
	case TT_REC_PACKET:
	case TT_REC_FUNC_CALL:
	case TT_REC_FUNC_STATS:
	case TT_REC_RENAME:
	case TT_REC_SYSCALLS:
	case TT_REC_SYSCALLS_DELTA:
	case TT_REC_SYSCALLS_SPLIT:
	case TT_REC_SIGNAL:
		return 1;
	default:
		return 0;
	}
}

static const char *const monitor_names[TT_MONITOR__COUNT] = {
	[TT_MONITOR_SYSCALL] = "syscall",
	[TT_MONITOR_EXEC] = "exec",
	[TT_MONITOR_PACKET] = "packet",
	[TT_MONITOR_FUNC] = "func",
	[TT_MONITOR_SIGNAL] = "signal",
};

const char *tt_monitor__name(enum tt_monitor_id m)
{
	if ((unsigned int)m >= TT_MONITOR__COUNT)
		return NULL;
	return monitor_names[m];
}

int tt_monitor__from_name(const char *name)
{
	for (int i = 0; i < TT_MONITOR__COUNT; i++)
		if (!strcmp(name, monitor_names[i]))
			return i;
	return -EINVAL;
}
