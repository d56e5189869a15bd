// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mklabels FILE: a pcapng of hostile packet labels for
 * tests/wireshark_dissector.sh, written with rec's own pcapng writer and
 * label encoder (formats/pcapng.c). Each frame is one small UDP packet;
 * the frames, in order:
 *   1-9  labels rec would write for odd comms: 'x comm=curl', quotes, a
 *        backslash, bytes that are not UTF-8, 16 bytes without a NUL, a
 *        tab, 'curl', an empty comm, 'café' (pids 101 to 109), outbound,
 *        with epb_processid_threadid as rec writes it
 *   10   the label of a packet with no owner
 *   11-20 malformed labels written as raw comments (see bad[] below)
 *   21   a comment that is not a label (it does not start with pid=)
 *   22   a label with a field this version does not know (pid 5)
 *   23   a label with its fields out of order
 */
#include <stdio.h>
#include <string.h>

#include "pcapng.h"

static const struct {
	const char *comm;
	size_t len;
} comms[] = {
	{ "x comm=curl", 11 }, { "a\"b'c", 5 }, { "back\\slash", 10 }, { "\xff\xfe" "bad", 5 },
	{ "0123456789abcdef", 16 }, { "tab\there", 8 }, { "curl", 4 }, { "", 0 },
	{ "caf\xc3\xa9", 5 },
};

static const char *const bad[] = {
	"pid=12x comm=a uid=0 cgroup=/",          /* 11: not a number */
	"pid=1 comm=a\\q uid=0 cgroup=/",         /* 12: an unknown escape */
	"pid=1 comm=a\\x4 uid=0 cgroup=/",        /* 13: a cut escape */
	"pid=1 pid=2 comm=a uid=0 cgroup=/",      /* 14: a field twice */
	"pid=1 comm=a",                           /* 15: no uid=, cgroup= */
	"pid=4294967296 comm=a uid=0 cgroup=/",   /* 16: past 32 bits */
	"pid=1  comm=a uid=0 cgroup=/",           /* 17: two spaces */
	"pid=1 comm=a=b uid=0 cgroup=/",          /* 18: an unescaped '=' */
	"pid=1 comm=\xff uid=0 cgroup=/",         /* 19: raw bytes, not UTF-8 */
	"pid=1 comm=a uid=0 cgroup=relative",     /* 20: cgroup= not a path */
	"comm=a pid=1 uid=0 cgroup=/",            /* 21: pid= not first: not ours */
};

int main(int argc, char **argv)
{
	const struct pcapng_section shb = { .userappl = "tests/mklabels" };
	const struct pcapng_interface ifc = { .linktype = PCAPNG_LINKTYPE_LINUX_SLL2,
					      .snaplen = 262144, .name = "lo" };
	static const unsigned char ip_udp[] = {
		0x45, 0, 0, 32, 0, 1, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
		0x03, 0xe8, 0x07, 0xd0, 0, 12, 0, 0, 't', 'e', 's', 't',
	};
	unsigned char pkt[PCAPNG_SLL2_HDR_LEN + sizeof(ip_udp)];
	struct pcapng_packet p = { .caplen = sizeof(pkt), .origlen = sizeof(pkt), .data = pkt };
	struct pcapng_writer *w;
	char label[256];
	int frame = 0, err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mklabels FILE\n");
		return 2;
	}
	w = pcapng_writer__open(argv[1], &shb);
	if (!w || pcapng_writer__add_interface(w, &ifc) < 0) {
		perror(argv[1]);
		return 1;
	}
	pcapng__sll2(pkt, 0x0800, 1, 772, 4);
	memcpy(pkt + PCAPNG_SLL2_HDR_LEN, ip_udp, sizeof(ip_udp));
	p.comment = label;
	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		const struct pcapng_owner o = { .pid = 101 + i, .tid = 101 + i, .uid = 1000,
						.comm = comms[i].comm, .comm_len = comms[i].len,
						.cgroup = "/user.slice" };

		pcapng__label(label, sizeof(label), &o);
		p.ts_ns = 1700000000000000000ull + ++frame;
		p.flags = PCAPNG_EPB_OUTBOUND;
		p.pid = o.pid, p.tid = o.tid, p.has_pid_tid = 1; /* as rec on outbound packets */
		err = err ?: pcapng_writer__write_packet(w, &p);
	}
	pcapng__label(label, sizeof(label), NULL);
	p.has_pid_tid = 0;
	p.ts_ns = 1700000000000000000ull + ++frame;
	p.flags = PCAPNG_EPB_INBOUND | PCAPNG_EPB_UNICAST;
	err = err ?: pcapng_writer__write_packet(w, &p);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p.comment = bad[i];
		p.ts_ns = 1700000000000000000ull + ++frame;
		err = err ?: pcapng_writer__write_packet(w, &p);
	}
	p.comment = "pid=5 tid=6 comm=ok uid=0 cgroup=/ future=x\\x20y";
	p.ts_ns = 1700000000000000000ull + ++frame;
	err = err ?: pcapng_writer__write_packet(w, &p);
	p.comment = "pid=1 uid=0 comm=a cgroup=/";
	p.ts_ns = 1700000000000000000ull + ++frame;
	err = err ?: pcapng_writer__write_packet(w, &p);
	err = pcapng_writer__close(w) ?: err;
	if (err) {
		fprintf(stderr, "mklabels: writing %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	return 0;
}
