// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the pcapng writer (formats/pcapng.c). Each block is compared
 * byte for byte with one written out by hand from the pcapng specification
 * (draft-ietf-opsawg-pcapng), and a whole file is read back with libpcap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <pcap/pcap.h>

#include "pcapng.h"

static void expect_bytes(const unsigned char *got, int len, const unsigned char *want, size_t wlen)
{
	cr_assert_eq(len, (int)wlen, "block length %d, expected %zu", len, wlen);
	for (size_t i = 0; i < wlen; i++)
		cr_assert_eq(got[i], want[i], "byte %zu is 0x%02x, expected 0x%02x", i, got[i], want[i]);
}

Test(pcapng, shb_with_options)
{
	const struct pcapng_section s = { .comment = "rec -m packet", .userappl = "tracetape 0.1" };
	static const unsigned char want[] = {
		0x0a, 0x0d, 0x0d, 0x0a, 72, 0, 0, 0,             /* type, length */
		0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,              /* byte order, version 1.0 */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  /* section length unknown */
		1, 0, 13, 0, 'r', 'e', 'c', ' ', '-', 'm', ' ', 'p', 'a', 'c', 'k', 'e', 't', 0, 0, 0,
		4, 0, 13, 0, 't', 'r', 'a', 'c', 'e', 't', 'a', 'p', 'e', ' ', '0', '.', '1', 0, 0, 0,
		0, 0, 0, 0,                                      /* opt_endofopt */
		72, 0, 0, 0,
	};
	unsigned char buf[256];

	expect_bytes(buf, pcapng__shb(buf, sizeof(buf), &s), want, sizeof(want));
}

Test(pcapng, shb_without_options_has_no_end_of_options)
{
	const struct pcapng_section s = { 0 };
	static const unsigned char want[] = {
		0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0,
	};
	unsigned char buf[64];

	expect_bytes(buf, pcapng__shb(buf, sizeof(buf), &s), want, sizeof(want));
}

Test(pcapng, idb)
{
	const struct pcapng_interface ifc = {
		.linktype = PCAPNG_LINKTYPE_LINUX_SLL2, .snaplen = 262144,
		.name = "lo", .description = "netns=4026531840", .filter = "tcp",
	};
	static const unsigned char want[] = {
		1, 0, 0, 0, 68, 0, 0, 0,
		0x14, 0x01, 0, 0, 0x00, 0x00, 0x04, 0x00,        /* 276, reserved, 262144 */
		2, 0, 2, 0, 'l', 'o', 0, 0,                      /* if_name */
		3, 0, 16, 0, 'n', 'e', 't', 'n', 's', '=', '4', '0', '2', '6', '5', '3', '1', '8', '4', '0',
		9, 0, 1, 0, 9, 0, 0, 0,                          /* if_tsresol = 9 (ns) */
		11, 0, 4, 0, 0, 't', 'c', 'p',                   /* if_filter: libpcap string */
		0, 0, 0, 0,
		68, 0, 0, 0,
	};
	unsigned char buf[256];

	expect_bytes(buf, pcapng__idb(buf, sizeof(buf), &ifc), want, sizeof(want));
}

Test(pcapng, epb_with_every_option)
{
	const unsigned char data[5] = { 0xde, 0xad, 0xbe, 0xef, 0x42 };
	const struct pcapng_packet p = {
		.interface_id = 2, .ts_ns = 0x0123456789abcdefull, .caplen = 5, .origlen = 1500,
		.data = data, .flags = PCAPNG_EPB_OUTBOUND | PCAPNG_EPB_UNICAST,
		.packet_id = 7, .has_packet_id = 1, .dropcount = 3, .comment = "pid=1 comm=a",
		.pid = 1234, .tid = 0x01020304, .has_pid_tid = 1,
	};
	static const unsigned char want[] = {
		6, 0, 0, 0, 104, 0, 0, 0,
		2, 0, 0, 0,                                      /* interface id */
		0x67, 0x45, 0x23, 0x01, 0xef, 0xcd, 0xab, 0x89,  /* ts high, ts low */
		5, 0, 0, 0, 0xdc, 0x05, 0, 0,                    /* caplen, origlen */
		0xde, 0xad, 0xbe, 0xef, 0x42, 0, 0, 0,           /* data, padded */
		1, 0, 12, 0, 'p', 'i', 'd', '=', '1', ' ', 'c', 'o', 'm', 'm', '=', 'a',
		2, 0, 4, 0, 0x06, 0, 0, 0,                       /* epb_flags: out, unicast */
		4, 0, 8, 0, 3, 0, 0, 0, 0, 0, 0, 0,              /* epb_dropcount */
		5, 0, 8, 0, 7, 0, 0, 0, 0, 0, 0, 0,              /* epb_packetid */
		8, 0, 8, 0, 0xd2, 0x04, 0, 0, 4, 3, 2, 1,        /* epb_processid_threadid */
		0, 0, 0, 0,
		104, 0, 0, 0,
	};
	unsigned char buf[256];

	cr_assert_eq(pcapng__epb_size(&p), sizeof(want));
	expect_bytes(buf, pcapng__epb(buf, sizeof(buf), &p), want, sizeof(want));
}

Test(pcapng, epb_bare)
{
	const unsigned char data[4] = { 1, 2, 3, 4 };
	const struct pcapng_packet p = { .ts_ns = 1, .caplen = 4, .origlen = 4, .data = data };
	static const unsigned char want[] = {
		6, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
		4, 0, 0, 0, 4, 0, 0, 0, 1, 2, 3, 4, 36, 0, 0, 0,
	};
	unsigned char buf[64];

	cr_assert_eq(pcapng__epb_size(&p), sizeof(want));
	expect_bytes(buf, pcapng__epb(buf, sizeof(buf), &p), want, sizeof(want));
}

/* A label field as formats/PCAPNG.md escapes it. */
static void expect_label(const char *value, size_t len, const char *want)
{
	char buf[128];
	size_t n = pcapng__label_add(buf, sizeof(buf), 0, "comm", value, len);

	cr_assert_str_eq(buf, want, "comm of %zu bytes: got '%s', expected '%s'", len, buf, want);
	cr_assert_eq(n, strlen(want));
}

Test(pcapng, label_escapes_what_would_split_it)
{
	expect_label("curl", 4, "comm=curl");
	expect_label("", 0, "comm=");
	expect_label("a b", 3, "comm=a\\x20b");
	expect_label("x comm=curl", 11, "comm=x\\x20comm\\x3dcurl");
	expect_label("back\\slash", 10, "comm=back\\\\slash");
	expect_label("\"q'", 3, "comm=\"q'"); /* quotes need nothing */
	expect_label("tab\there\n", 9, "comm=tab\\x09here\\x0a");
	expect_label("\xff\xfe\x7f", 3, "comm=\\xff\\xfe\\x7f");
	expect_label("caf\xc3\xa9", 5, "comm=caf\xc3\xa9");   /* UTF-8 stays */
	expect_label("cut\xc3", 4, "comm=cut\\xc3");          /* a cut sequence */
	/* 16 bytes without a NUL: all of them, nothing after */
	expect_label("0123456789abcdefXYZ", 16, "comm=0123456789abcdef");
}

Test(pcapng, label_joins_fields_and_measures_when_short)
{
	char buf[64], tiny[8];
	size_t n = pcapng__label_add(buf, sizeof(buf), 0, "pid", "12", 2);

	n = pcapng__label_add(buf, sizeof(buf), n, "comm", "a=b", 3);
	cr_assert_str_eq(buf, "pid=12 comm=a\\x3db");
	cr_assert_eq(n, strlen(buf));
	n = pcapng__label_add(tiny, sizeof(tiny), 0, "comm", "a b c", 5);
	cr_assert_eq(n, strlen("comm=a\\x20b\\x20c"), "the length it needs");
	cr_assert_eq(strlen(tiny), sizeof(tiny) - 1, "cut, and NUL-terminated");
}

Test(pcapng, label_of_an_owner_and_of_none)
{
	const struct pcapng_owner o = { .pid = 4242, .tid = 4243, .uid = 1000, .comm = "a b=c",
					.comm_len = 5, .cgroup = "/system.slice/docker-ab.scope",
					.container = "ab" };
	const struct pcapng_owner unknown = { .pid = 7, .comm = "x", .comm_len = 1 };
	char buf[256];

	pcapng__label(buf, sizeof(buf), &o);
	cr_assert_str_eq(buf, "pid=4242 tid=4243 comm=a\\x20b\\x3dc uid=1000 "
			      "cgroup=/system.slice/docker-ab.scope container=ab");
	pcapng__label(buf, sizeof(buf), &unknown);
	cr_assert_str_eq(buf, "pid=7 comm=x uid=0 cgroup=?", "no tid=, cgroup unknown");
	pcapng__label(buf, sizeof(buf), NULL);
	cr_assert_str_eq(buf, "pid=? comm=?");
}

Test(pcapng, label_exe_after_comm_escaped_like_it)
{
	const struct pcapng_owner o = { .pid = 4242, .tid = 4243, .uid = 1000, .comm = "python3",
					.comm_len = 7, .exe = "/usr/bin/python3.11", .exe_len = 19,
					.cgroup = "/user.slice" };
	/* A path with what would split the label, a backslash and a byte
	 * that is not UTF-8; len bytes, not up to a NUL. */
	const struct pcapng_owner odd = { .pid = 1, .comm = "srv", .comm_len = 3,
					  .exe = "/opt/my app/a=b\\c\xff" "XYZ", .exe_len = 18 };
	char buf[256];

	pcapng__label(buf, sizeof(buf), &o);
	cr_assert_str_eq(buf, "pid=4242 tid=4243 comm=python3 exe=/usr/bin/python3.11 uid=1000 "
			      "cgroup=/user.slice");
	pcapng__label(buf, sizeof(buf), &odd);
	cr_assert_str_eq(buf, "pid=1 comm=srv exe=/opt/my\\x20app/a\\x3db\\\\c\\xff uid=0 cgroup=?");
}

Test(pcapng, isb)
{
	const struct pcapng_if_stats st = {
		.interface_id = 1, .ts_ns = 0x100000002ull, .start_ns = 5, .end_ns = 0x200000006ull,
		.ifrecv = 10, .filteraccept = 9, .osdrop = 1, .usrdeliv = 8,
	};
	static const unsigned char want[] = {
		5, 0, 0, 0, 100, 0, 0, 0,
		1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0,              /* interface, ts high, ts low */
		2, 0, 8, 0, 0, 0, 0, 0, 5, 0, 0, 0,              /* isb_starttime: high, low */
		3, 0, 8, 0, 2, 0, 0, 0, 6, 0, 0, 0,              /* isb_endtime */
		4, 0, 8, 0, 10, 0, 0, 0, 0, 0, 0, 0,             /* isb_ifrecv */
		6, 0, 8, 0, 9, 0, 0, 0, 0, 0, 0, 0,              /* isb_filteraccept */
		7, 0, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0,              /* isb_osdrop */
		8, 0, 8, 0, 8, 0, 0, 0, 0, 0, 0, 0,              /* isb_usrdeliv */
		0, 0, 0, 0,
		100, 0, 0, 0,
	};
	unsigned char buf[256];

	expect_bytes(buf, pcapng__isb(buf, sizeof(buf), &st), want, sizeof(want));
}

Test(pcapng, sll2_header)
{
	static const unsigned char want[PCAPNG_SLL2_HDR_LEN] = {
		0x86, 0xdd, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x03, 0x04, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	unsigned char buf[PCAPNG_SLL2_HDR_LEN];

	memset(buf, 0xaa, sizeof(buf));
	pcapng__sll2(buf, 0x86dd, 0x01020304, 772 /* ARPHRD_LOOPBACK */, 4 /* PACKET_OUTGOING */);
	expect_bytes(buf, sizeof(buf), want, sizeof(want));
}

Test(pcapng, short_buffer_is_enospc)
{
	const struct pcapng_section s = { .comment = "x" };
	const unsigned char data[100] = { 0 };
	const struct pcapng_packet p = { .caplen = 100, .origlen = 100, .data = data };
	unsigned char buf[64];

	cr_assert_eq(pcapng__shb(buf, 30, &s), -ENOSPC);
	cr_assert_eq(pcapng__epb(buf, sizeof(buf), &p), -ENOSPC);
	cr_assert_eq(pcapng__shb(buf, 0, &s), -ENOSPC);
}

/* A whole file, read back by libpcap, which checks block framing strictly. */
Test(pcapng, file_reads_back_with_libpcap)
{
	char path[] = "/tmp/tt-test-pcapng-XXXXXX";
	const struct pcapng_section s = { .userappl = "test", .comment = "a comment" };
	const struct pcapng_interface ifc = { .linktype = PCAPNG_LINKTYPE_LINUX_SLL2, .snaplen = 65535,
					      .name = "lo", .description = "netns=1" };
	unsigned char pkt[PCAPNG_SLL2_HDR_LEN + 3] = { 0 };
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcapng_writer *w;
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc;
	int fd = mkstemp(path), n = 0;

	cr_assert(fd >= 0);
	close(fd);
	/* the writer creates its file O_EXCL|O_NOFOLLOW: nothing may be there */
	unlink(path);
	w = pcapng_writer__open(path, &s);
	cr_assert_not_null(w);
	cr_assert_eq(pcapng_writer__add_interface(w, &ifc), 0);
	cr_assert_eq(pcapng_writer__add_interface(w, &ifc), 1);
	pcapng__sll2(pkt, 0x0800, 1, 772, 0);
	for (int i = 0; i < 3; i++) {
		struct pcapng_packet p = { .interface_id = i & 1, .ts_ns = 1700000000123456789ull + i,
					   .caplen = sizeof(pkt), .origlen = sizeof(pkt) + 10,
					   .data = pkt, .flags = PCAPNG_EPB_INBOUND,
					   .packet_id = i, .has_packet_id = 1, .comment = "pid=? comm=?" };

		cr_assert_eq(pcapng_writer__write_packet(w, &p), 0);
	}
	cr_assert_eq(pcapng_writer__write_stats(w, &(struct pcapng_if_stats){ .ifrecv = 3, .usrdeliv = 3 }), 0);
	cr_assert_eq(pcapng_writer__close(w), 0);

	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	cr_assert_not_null(pc, "libpcap: %s", errbuf);
	cr_assert_eq(pcap_datalink(pc), PCAPNG_LINKTYPE_LINUX_SLL2);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		cr_assert_eq(h->caplen, sizeof(pkt));
		cr_assert_eq(h->len, sizeof(pkt) + 10);
		cr_assert_eq(h->ts.tv_sec, 1700000000);
		cr_assert_eq(h->ts.tv_usec, 123456789 + n); /* nanoseconds, as asked */
		n++;
	}
	cr_assert_eq(n, 3);
	pcap_close(pc);
	unlink(path);
}
