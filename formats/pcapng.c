// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pcapng blocks (formats/PCAPNG.md), always little-endian: a reader learns
 * the section's byte order from the byte-order magic, so writing one order
 * everywhere keeps the encoders free of host-order cases.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "le.h"
#include "outfile.h"
#include "pcapng.h"
#include "utf8.h"

#define BT_SHB 0x0A0D0D0A
#define BT_IDB 0x00000001
#define BT_ISB 0x00000005
#define BT_EPB 0x00000006
#define BYTE_ORDER_MAGIC 0x1A2B3C4D

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define SHB_HARDWARE 2
#define SHB_OS 3
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define IF_FILTER 11
#define IF_OS 12
#define EPB_FLAGS 2
#define EPB_DROPCOUNT 4
#define EPB_PACKETID 5
#define EPB_PROCESSID_THREADID 8
#define ISB_STARTTIME 2
#define ISB_ENDTIME 3
#define ISB_IFRECV 4
#define ISB_FILTERACCEPT 6
#define ISB_OSDROP 7
#define ISB_USRDELIV 8

/* A block being built: running out of room is remembered, not checked
 * at every step, and reported once at the end. */
struct block {
	unsigned char *p, *end, *start;
	int err;
};

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void put(struct block *b, const void *data, size_t len, size_t padded)
{
	if (b->err)
		return;
	if ((size_t)(b->end - b->p) < padded) {
		b->err = -ENOSPC;
		return;
	}
	if (len)
		memcpy(b->p, data, len);
	memset(b->p + len, 0, padded - len);
	b->p += padded;
}

static void put32(struct block *b, uint32_t v)
{
	unsigned char le[4];

	put_le32(le, v);
	put(b, le, 4, 4);
}

static void put16(struct block *b, uint16_t v)
{
	unsigned char le[2];

	put_le16(le, v);
	put(b, le, 2, 2);
}

/* A timestamp in two u32 halves, high first, as EPB and ISB want it. */
static void put_ts(struct block *b, uint64_t ts)
{
	put32(b, ts >> 32);
	put32(b, (uint32_t)ts);
}

static void opt(struct block *b, uint16_t code, const void *v, size_t len)
{
	if (len > 0xffff) {
		b->err = b->err ?: -EINVAL;
		return;
	}
	put16(b, code);
	put16(b, len);
	put(b, v, len, pad4(len));
}

static void opt_str(struct block *b, uint16_t code, const char *s)
{
	if (s)
		opt(b, code, s, strlen(s));
}

static void opt_u64(struct block *b, uint16_t code, uint64_t v)
{
	unsigned char le[8];

	put_le64(le, v);
	opt(b, code, le, 8);
}

static void opt_ts(struct block *b, uint16_t code, uint64_t ts)
{
	unsigned char v[8];

	put_le32(v, ts >> 32);
	put_le32(v + 4, (uint32_t)ts);
	opt(b, code, v, 8);
}

static void begin(struct block *b, void *buf, size_t cap, uint32_t type)
{
	b->start = b->p = buf;
	b->end = b->p + cap;
	b->err = 0;
	put32(b, type);
	put32(b, 0); /* the length, once known */
}

/* Close the options (if any were written past opts_at) and the block. */
static int finish(struct block *b, const unsigned char *opts_at)
{
	uint32_t len;

	if (!b->err && b->p != opts_at) {
		put16(b, OPT_ENDOFOPT);
		put16(b, 0);
	}
	put32(b, 0);
	if (b->err)
		return b->err;
	len = b->p - b->start;
	put_le32(b->start + 4, len);
	put_le32(b->p - 4, len);
	return len;
}

int pcapng__shb(void *buf, size_t cap, const struct pcapng_section *s)
{
	struct block b;
	const unsigned char *opts;

	begin(&b, buf, cap, BT_SHB);
	put32(&b, BYTE_ORDER_MAGIC);
	put16(&b, 1); /* major */
	put16(&b, 0); /* minor */
	put32(&b, 0xffffffff); /* section length: not given */
	put32(&b, 0xffffffff);
	opts = b.p;
	opt_str(&b, OPT_COMMENT, s->comment);
	opt_str(&b, SHB_HARDWARE, s->hardware);
	opt_str(&b, SHB_OS, s->os);
	opt_str(&b, SHB_USERAPPL, s->userappl);
	return finish(&b, opts);
}

int pcapng__idb(void *buf, size_t cap, const struct pcapng_interface *ifc)
{
	static const unsigned char tsresol = 9;
	struct block b;
	const unsigned char *opts;

	begin(&b, buf, cap, BT_IDB);
	put16(&b, ifc->linktype);
	put16(&b, 0);
	put32(&b, ifc->snaplen);
	opts = b.p;
	opt_str(&b, IF_NAME, ifc->name);
	opt_str(&b, IF_DESCRIPTION, ifc->description);
	opt(&b, IF_TSRESOL, &tsresol, 1);
	if (ifc->filter) {
		size_t n = strlen(ifc->filter);
		char *v = malloc(n + 1);

		if (!v)
			return -ENOMEM;
		v[0] = 0; /* a libpcap filter expression */
		memcpy(v + 1, ifc->filter, n);
		opt(&b, IF_FILTER, v, n + 1);
		free(v);
	}
	opt_str(&b, IF_OS, ifc->os);
	return finish(&b, opts);
}

static size_t opt_size(size_t len)
{
	return 4 + pad4(len);
}

size_t pcapng__epb_size(const struct pcapng_packet *p)
{
	size_t n = 28 + pad4(p->caplen) + 4;
	bool opts = false;

	if (p->comment)
		n += opt_size(strlen(p->comment)), opts = true;
	if (p->flags)
		n += opt_size(4), opts = true;
	if (p->dropcount)
		n += opt_size(8), opts = true;
	if (p->has_packet_id)
		n += opt_size(8), opts = true;
	if (p->has_pid_tid)
		n += opt_size(8), opts = true;
	return n + (opts ? 4 : 0);
}

int pcapng__epb(void *buf, size_t cap, const struct pcapng_packet *p)
{
	struct block b;
	const unsigned char *opts;

	begin(&b, buf, cap, BT_EPB);
	put32(&b, p->interface_id);
	put_ts(&b, p->ts_ns);
	put32(&b, p->caplen);
	put32(&b, p->origlen);
	put(&b, p->data, p->caplen, pad4(p->caplen));
	opts = b.p;
	opt_str(&b, OPT_COMMENT, p->comment);
	if (p->flags) {
		unsigned char v[4];

		put_le32(v, p->flags);
		opt(&b, EPB_FLAGS, v, 4);
	}
	if (p->dropcount)
		opt_u64(&b, EPB_DROPCOUNT, p->dropcount);
	if (p->has_packet_id)
		opt_u64(&b, EPB_PACKETID, p->packet_id);
	if (p->has_pid_tid) {
		unsigned char v[8];

		put_le32(v, p->pid);
		put_le32(v + 4, p->tid);
		opt(&b, EPB_PROCESSID_THREADID, v, 8);
	}
	return finish(&b, opts);
}

int pcapng__isb(void *buf, size_t cap, const struct pcapng_if_stats *st)
{
	struct block b;
	const unsigned char *opts;

	begin(&b, buf, cap, BT_ISB);
	put32(&b, st->interface_id);
	put_ts(&b, st->ts_ns);
	opts = b.p;
	if (st->start_ns)
		opt_ts(&b, ISB_STARTTIME, st->start_ns);
	if (st->end_ns)
		opt_ts(&b, ISB_ENDTIME, st->end_ns);
	opt_u64(&b, ISB_IFRECV, st->ifrecv);
	opt_u64(&b, ISB_FILTERACCEPT, st->filteraccept);
	opt_u64(&b, ISB_OSDROP, st->osdrop);
	opt_u64(&b, ISB_USRDELIV, st->usrdeliv);
	return finish(&b, opts);
}

void pcapng__sll2(void *buf, uint16_t protocol, uint32_t ifindex, uint16_t hatype, uint8_t pkttype)
{
	unsigned char *p = buf;

	/* SLL2 fields are big-endian (network order), unlike the blocks. */
	p[0] = protocol >> 8;
	p[1] = protocol;
	p[2] = p[3] = 0;
	p[4] = ifindex >> 24;
	p[5] = ifindex >> 16;
	p[6] = ifindex >> 8;
	p[7] = ifindex;
	p[8] = hatype >> 8;
	p[9] = hatype;
	p[10] = pkttype;
	p[11] = 0; /* no link-layer address */
	memset(p + 12, 0, 8);
}

static void label_put(char *buf, size_t size, size_t *used, const char *s, size_t len)
{
	if (*used < size)
		memcpy(buf + *used, s, *used + len < size ? len : size - *used);
	*used += len;
}

size_t pcapng__label_add(char *buf, size_t size, size_t used, const char *key, const char *value,
			 size_t len)
{
	if (used)
		label_put(buf, size, &used, " ", 1);
	label_put(buf, size, &used, key, strlen(key));
	label_put(buf, size, &used, "=", 1);
	while (len) {
		char esc[8];
		size_t n, took;
		const char *piece;

		/* Space and '=' would split the label: escaped like the
		 * controls utf8__escape_next() escapes, which are \xHH too. */
		if (*value == ' ' || *value == '=') {
			snprintf(esc, sizeof(esc), "\\x%02x", *value);
			piece = esc, n = 4, took = 1;
		} else {
			piece = utf8__escape_next(value, len, "", esc, &n, &took);
		}
		label_put(buf, size, &used, piece, n);
		value += took;
		len -= took;
	}
	if (size)
		buf[used < size ? used : size - 1] = 0;
	return used;
}

size_t pcapng__label(char *buf, size_t size, const struct pcapng_owner *o)
{
	char num[16];
	size_t n;

	if (!o)
		return pcapng__label_add(buf, size, pcapng__label_add(buf, size, 0, "pid", "?", 1),
					 "comm", "?", 1);
	snprintf(num, sizeof(num), "%u", o->pid);
	n = pcapng__label_add(buf, size, 0, "pid", num, strlen(num));
	if (o->tid) {
		snprintf(num, sizeof(num), "%u", o->tid);
		n = pcapng__label_add(buf, size, n, "tid", num, strlen(num));
	}
	n = pcapng__label_add(buf, size, n, "comm", o->comm, o->comm_len);
	if (o->exe)
		n = pcapng__label_add(buf, size, n, "exe", o->exe, o->exe_len);
	snprintf(num, sizeof(num), "%u", o->uid);
	n = pcapng__label_add(buf, size, n, "uid", num, strlen(num));
	n = pcapng__label_add(buf, size, n, "cgroup", o->cgroup ?: "?", o->cgroup ? strlen(o->cgroup) : 1);
	if (o->container)
		n = pcapng__label_add(buf, size, n, "container", o->container, strlen(o->container));
	return n;
}

struct pcapng_writer {
	FILE *f;
	unsigned char *buf;
	size_t cap;
	uint64_t bytes;
	uint32_t ninterfaces;
	int err;
};

static int writer__room(struct pcapng_writer *w, size_t need)
{
	unsigned char *nb;

	if (need <= w->cap)
		return 0;
	nb = realloc(w->buf, need);
	if (!nb)
		return -ENOMEM;
	w->buf = nb;
	w->cap = need;
	return 0;
}

static int writer__put(struct pcapng_writer *w, int len)
{
	if (w->err)
		return w->err;
	if (len < 0)
		return len;
	if (fwrite(w->buf, 1, len, w->f) != (size_t)len) {
		w->err = -(errno ?: EIO);
		return w->err;
	}
	w->bytes += len;
	return 0;
}

/* Encode with the buffer as it is, growing it once if that was too small. */
#define WRITER_ENCODE(w, fn, arg)                                               \
	({                                                                      \
		int __n = fn((w)->buf, (w)->cap, arg);                          \
		if (__n == -ENOSPC && !writer__room(w, (w)->cap * 2 + 65536))    \
			__n = fn((w)->buf, (w)->cap, arg);                      \
		__n;                                                            \
	})

struct pcapng_writer *pcapng_writer__open(const char *path, const struct pcapng_section *s)
{
	struct pcapng_writer *w = calloc(1, sizeof(*w));
	int err, fd;

	if (!w)
		return NULL;
	/* the trace's rules: 0600, and nothing planted at the name followed */
	fd = outfile__create(path);
	if (fd < 0) {
		err = -fd;
		goto fail;
	}
	w->f = fdopen(fd, "w");
	if (!w->f)
		close(fd);
	if (!w->f || writer__room(w, 65536)) {
		err = errno ?: ENOMEM;
		goto fail;
	}
	setvbuf(w->f, NULL, _IOFBF, 1 << 20);
	err = -writer__put(w, WRITER_ENCODE(w, pcapng__shb, s));
	if (!err)
		return w;
fail:
	if (w->f)
		fclose(w->f);
	free(w->buf);
	free(w);
	errno = err;
	return NULL;
}

int pcapng_writer__add_interface(struct pcapng_writer *w, const struct pcapng_interface *ifc)
{
	int err = writer__put(w, WRITER_ENCODE(w, pcapng__idb, ifc));

	return err ?: (int)w->ninterfaces++;
}

int pcapng_writer__write_packet(struct pcapng_writer *w, const struct pcapng_packet *p)
{
	int err = writer__room(w, pcapng__epb_size(p));

	return err ?: writer__put(w, pcapng__epb(w->buf, w->cap, p));
}

int pcapng_writer__write_stats(struct pcapng_writer *w, const struct pcapng_if_stats *st)
{
	return writer__put(w, WRITER_ENCODE(w, pcapng__isb, st));
}

uint64_t pcapng_writer__bytes(const struct pcapng_writer *w)
{
	return w->bytes;
}

int pcapng_writer__close(struct pcapng_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = w->err;
	if (fclose(w->f) && !err)
		err = -(errno ?: EIO);
	free(w->buf);
	free(w);
	return err;
}
