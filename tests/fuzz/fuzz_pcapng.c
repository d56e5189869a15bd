// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pcapng writer's inputs: packet bytes of any length and a comment made
 * of a process's name and cgroup (which the process chooses). The blocks are
 * encoded in memory, their size must be what pcapng__epb_size() promised,
 * and libpcap must read back the same packet. The input is
 *
 *   u8 options (bit 0 comment, 1 packet id, 2 drop count, 3 flags)
 *   u16 comment length, u16 bytes origlen adds to caplen, u64 time (ns)
 *   the comment, then the packet
 */
#include "config.h" /* _GNU_SOURCE, for fmemopen */

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "le.h"
#include "pcapng.h"

#define IN_HDR 13
#define SNAPLEN 262144

/* Is the packet libpcap reads from the file in buf the one written? */
static void read_back(unsigned char *buf, size_t len, const struct pcapng_packet *pkt)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	FILE *f = fmemopen(buf, len, "rb");
	pcap_t *pc;

	fuzz_assert(f);
	pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pc)
		fuzz__fail(__FILE__, __LINE__, errbuf);
	fuzz_assert(pcap_next_ex(pc, &h, &data) == 1);
	fuzz_assert(h->caplen == pkt->caplen && h->len == pkt->origlen);
	fuzz_assert(!memcmp(data, pkt->data, pkt->caplen));
	fuzz_assert((uint64_t)h->ts.tv_sec == pkt->ts_ns / 1000000000 &&
		    (uint64_t)h->ts.tv_usec == pkt->ts_ns % 1000000000);
	fuzz_assert(pcap_next_ex(pc, &h, &data) == PCAP_ERROR_BREAK);
	pcap_close(pc); /* closes f */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcapng_section sec = { .hardware = "x86_64", .os = "Linux", .userappl = "fuzz" };
	struct pcapng_interface ifc = { .linktype = PCAPNG_LINKTYPE_LINUX_SLL2,
					.snaplen = SNAPLEN, .name = "eth0" };
	struct pcapng_packet pkt = { 0 };
	size_t clen, cap, len = 0;
	unsigned char *buf, *short_buf;
	char *comment;
	int n;

	if (size < IN_HDR)
		return 0;
	clen = get_le16(data + 1);
	if (clen > size - IN_HDR)
		clen = size - IN_HDR;
	comment = strndup((const char *)data + IN_HDR, clen);
	if (!comment)
		return 0;
	pkt.data = data + IN_HDR + clen;
	pkt.caplen = size - IN_HDR - clen;
	pkt.origlen = pkt.caplen + get_le16(data + 3);
	/* libpcap keeps seconds in a time_t: times up to year 2554 */
	pkt.ts_ns = get_le64(data + 5) >> 1;
	pkt.comment = data[0] & 1 ? comment : NULL;
	pkt.has_packet_id = data[0] & 2;
	pkt.packet_id = pkt.ts_ns ^ clen;
	pkt.dropcount = data[0] & 4 ? clen : 0;
	pkt.flags = data[0] & 8 ? PCAPNG_EPB_OUTBOUND | PCAPNG_EPB_UNICAST : 0;

	cap = 1024 + pcapng__epb_size(&pkt);
	buf = malloc(cap);
	fuzz_assert(buf);
	n = pcapng__shb(buf, cap, &sec);
	fuzz_assert(n > 0 && n % 4 == 0);
	len += n;
	n = pcapng__idb(buf + len, cap - len, &ifc);
	fuzz_assert(n > 0 && n % 4 == 0);
	len += n;
	/* one byte short of room is refused, writing nothing past it (ASan) */
	short_buf = malloc(pcapng__epb_size(&pkt) - 1);
	fuzz_assert(short_buf);
	fuzz_assert(pcapng__epb(short_buf, pcapng__epb_size(&pkt) - 1, &pkt) == -ENOSPC);
	free(short_buf);
	n = pcapng__epb(buf + len, cap - len, &pkt);
	if (pkt.comment && strlen(pkt.comment) > 0xffff) {
		fuzz_assert(n == -EINVAL);
	} else {
		fuzz_assert(n > 0 && (size_t)n == pcapng__epb_size(&pkt));
		len += n;
		if (pkt.caplen <= SNAPLEN)
			read_back(buf, len, &pkt);
	}
	free(buf);
	free(comment);
	return 0;
}
