/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet monitor's output: each packet from the kernel goes to the
 * pcapng file (formats/PCAPNG.md) and becomes a PACKET record for the trace.
 * The consumer thread drives it, so its files open and close in lockstep
 * with the trace's (same rotation numbers, each file self-contained).
 */
#ifndef __TT_PACKETS_H
#define __TT_PACKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events.h"
#include "proctrack.h"
#include "records.h"

struct packet_sink_opts {
	const char *base;       /* the first file's name */
	uint32_t snaplen;
	const char *filter;     /* a libpcap expression, NULL for every packet */
	uint32_t rotate_count;  /* -W: keep at most this many files, 0 all */
	const char *comment;    /* the section's opt_comment: rec's command line */
	const char *os, *hardware;
	bool force;             /* --force: replace a file that is not a pcapng */
};

struct packet_sink;

/* Compiles the filter; NULL on failure with the reason in err. */
struct packet_sink *packet_sink__new(const struct packet_sink_opts *o, char *err, size_t errlen);

/* The process table, for cgroup paths (set once it exists). */
void packet_sink__set_procs(struct packet_sink *s, struct proctrack *procs);

/* May path be written as a pcapng file? As output__check_path for traces. */
int packet_sink__check_name(const char *path, bool force, char *why, size_t whylen);

/* Start file number seq; wall_offset_ns turns event times into Unix time. */
int packet_sink__open(struct packet_sink *s, uint32_t seq, int64_t wall_offset_ns);

/*
 * Write one packet (size bytes from the ring) and fill rec with its PACKET
 * record. Returns 0, 1 if the -f filter leaves it out (of both files),
 * -EBADMSG for a malformed event, or a write error (which
 * packet_sink__error() describes).
 */
int packet_sink__packet(struct packet_sink *s, const struct ev_packet *e, size_t size,
			struct tt_record *rec);

/* Interface statistics, then close and rename the file. */
int packet_sink__close(struct packet_sink *s);

/* One line about the first error, "" if none. */
const char *packet_sink__error(const struct packet_sink *s);
/* Files written so far, and the name of the newest. */
uint32_t packet_sink__files(const struct packet_sink *s);
const char *packet_sink__current_name(const struct packet_sink *s);

/* "t.zst" -> "t.pcapng" (the default --pcap for a trace). Caller frees. */
char *packet_sink__default_name(const char *trace);

void packet_sink__free(struct packet_sink *s);

#endif /* __TT_PACKETS_H */
