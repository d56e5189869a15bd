/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A pcapng writer (libpcap 1.10 cannot write pcapng). formats/PCAPNG.md says
 * which blocks and options are written and how. The pcapng__*() encoders
 * build one block in a caller's buffer, so tests can check them byte for
 * byte; pcapng_writer puts them in a file.
 */
#ifndef __TT_PCAPNG_H
#define __TT_PCAPNG_H

#include <stddef.h>
#include <stdint.h>

#define PCAPNG_LINKTYPE_LINUX_SLL2 276
#define PCAPNG_SLL2_HDR_LEN 20

/* epb_flags: direction (bits 0-1) and reception type (bits 2-4). */
#define PCAPNG_EPB_INBOUND 0x1
#define PCAPNG_EPB_OUTBOUND 0x2
#define PCAPNG_EPB_UNICAST (1u << 2)
#define PCAPNG_EPB_MULTICAST (2u << 2)
#define PCAPNG_EPB_BROADCAST (3u << 2)
#define PCAPNG_EPB_PROMISC (4u << 2)

/* Section header options; NULL strings are left out. */
struct pcapng_section {
	const char *hardware, *os, *userappl, *comment;
};

struct pcapng_interface {
	uint16_t linktype;
	uint32_t snaplen;
	const char *name;        /* if_name */
	const char *description; /* if_description */
	const char *filter;      /* if_filter, a libpcap expression; NULL for none */
	const char *os;          /* if_os */
	/* if_tsresol is always 9: timestamps are nanoseconds */
};

struct pcapng_packet {
	uint32_t interface_id;
	uint64_t ts_ns; /* Unix time in nanoseconds */
	uint32_t caplen, origlen;
	const void *data; /* caplen bytes */
	uint32_t flags;   /* epb_flags; 0 leaves the option out */
	uint64_t packet_id;
	int has_packet_id;
	uint64_t dropcount; /* epb_dropcount; 0 leaves the option out */
	const char *comment; /* opt_comment; NULL for none */
	/* epb_processid_threadid: the process and thread that sent the
	 * packet (0: unknown); left out unless has_pid_tid */
	uint32_t pid, tid;
	int has_pid_tid;
};

struct pcapng_if_stats {
	uint32_t interface_id;
	uint64_t ts_ns;       /* when the statistics were taken */
	uint64_t start_ns, end_ns; /* isb_starttime/isb_endtime; 0 leaves out */
	uint64_t ifrecv;      /* isb_ifrecv: packets seen by the capture */
	uint64_t osdrop;      /* isb_osdrop: lost before reaching us */
	uint64_t filteraccept; /* isb_filteraccept: passed the filter */
	uint64_t usrdeliv;    /* isb_usrdeliv: written to this file */
};

/*
 * Encode one block into buf. Each returns the block's length (a multiple of
 * 4), or -ENOSPC if it needs more than cap bytes (call with cap 0 to learn
 * nothing but that; the size functions below say how much), -EINVAL for an
 * option too long for its 16-bit length.
 */
int pcapng__shb(void *buf, size_t cap, const struct pcapng_section *s);
int pcapng__idb(void *buf, size_t cap, const struct pcapng_interface *ifc);
int pcapng__epb(void *buf, size_t cap, const struct pcapng_packet *p);
int pcapng__isb(void *buf, size_t cap, const struct pcapng_if_stats *st);
/* Bytes pcapng__epb() needs for p. */
size_t pcapng__epb_size(const struct pcapng_packet *p);

/*
 * The LINKTYPE_LINUX_SLL2 pseudo-header in front of an L3 packet: protocol
 * is the EtherType (0x0800, 0x86DD), pkttype a PACKET_* value (PACKET_HOST,
 * PACKET_OUTGOING, ...), hatype an ARPHRD_* value. No link-layer address.
 */
void pcapng__sll2(void *buf, uint16_t protocol, uint32_t ifindex, uint16_t hatype, uint8_t pkttype);

/*
 * Append one field of rec's packet label (formats/PCAPNG.md, "The packet
 * label") to the used bytes of buf: " key=value" (no space before the
 * first field), value's len bytes escaped so that the label stays valid
 * UTF-8 and splits on spaces and '=' alone. Returns the label's length as
 * snprintf does: buf holds all of it, NUL-terminated, only if that is less
 * than size.
 */
size_t pcapng__label_add(char *buf, size_t size, size_t used, const char *key, const char *value,
			 size_t len);

/* A packet's owner, as its label names it. */
struct pcapng_owner {
	uint32_t pid, tid, uid;  /* tid 0: unknown, left out */
	const char *comm;        /* comm_len bytes, not NUL-terminated */
	size_t comm_len;
	const char *exe;         /* exe_len bytes; NULL: unknown, left out */
	size_t exe_len;
	const char *cgroup;      /* NULL: unknown ("?") */
	const char *container;   /* NULL: none, left out */
};

/* The whole label for owner o (NULL: no owner), as pcapng__label_add(). */
size_t pcapng__label(char *buf, size_t size, const struct pcapng_owner *o);

struct pcapng_writer;

/* Create path and write the section header. NULL and errno on failure. */
struct pcapng_writer *pcapng_writer__open(const char *path, const struct pcapng_section *s);
/* Write an interface block; returns its interface id (>= 0) or -errno. */
int pcapng_writer__add_interface(struct pcapng_writer *w, const struct pcapng_interface *ifc);
int pcapng_writer__write_packet(struct pcapng_writer *w, const struct pcapng_packet *p);
int pcapng_writer__write_stats(struct pcapng_writer *w, const struct pcapng_if_stats *st);
/* Bytes written so far. */
uint64_t pcapng_writer__bytes(const struct pcapng_writer *w);
/* Flush and close; 0 or the first write error. Frees w. */
int pcapng_writer__close(struct pcapng_writer *w);

#endif /* __TT_PCAPNG_H */
