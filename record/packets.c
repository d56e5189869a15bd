// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "config.h" /* autoconf: PACKAGE_VERSION */

#include "container.h"
#include "output.h"
#include "packets.h"
#include "pcapng.h"

#define MAX_IFACES 256
#define PACKET_HOST 0
#define PACKET_BROADCAST 1
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3

struct iface {
	uint32_t netns, ifindex;
	uint64_t recv, accepted, delivered;
	char name[TT_COMM_LEN + 8], desc[384];
};

struct packet_sink {
	struct packet_sink_opts o;
	struct proctrack *procs;
	struct bpf_program prog;
	bool has_prog;
	struct pcapng_writer *w;
	char name[PATH_MAX];
	uint32_t seq, files;
	int64_t wall_offset;
	uint64_t start_wall;
	uint32_t frames;     /* EPBs in this file */
	uint64_t file_drops; /* losses reported in this file */
	struct iface ifaces[MAX_IFACES];
	int nifaces;
	unsigned char *buf; /* SLL2 header + packet */
	/* the packet label: an exe and a cgroup path (< PATH_MAX each), escaped */
	char label[8 * PATH_MAX + 256];
	char error[PATH_MAX + 128];
};

static uint64_t wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

char *packet_sink__default_name(const char *trace)
{
	size_t n = strlen(trace);
	char *name;

	if (n > 4 && !strcmp(trace + n - 4, ".zst"))
		n -= 4;
	if (asprintf(&name, "%.*s.pcapng", (int)n, trace) < 0)
		return NULL;
	return name;
}

/* The seq'th file: ".N" goes before a ".pcapng" suffix, as the trace's
 * goes before ".zst", so both files of one rotation share their number. */
static int rotation_name(char *buf, size_t size, const char *base, uint32_t seq)
{
	size_t n = strlen(base);
	int len;

	if (!seq)
		len = snprintf(buf, size, "%s", base);
	else if (n > 7 && !strcmp(base + n - 7, ".pcapng"))
		len = snprintf(buf, size, "%.*s.%u.pcapng", (int)(n - 7), base, seq);
	else
		len = snprintf(buf, size, "%s.%u", base, seq);
	return len < (int)size ? 0 : -ENAMETOOLONG;
}

struct packet_sink *packet_sink__new(const struct packet_sink_opts *o, char *err, size_t errlen)
{
	struct packet_sink *s = calloc(1, sizeof(*s));

	if (!s || !(s->buf = malloc(PCAPNG_SLL2_HDR_LEN + TT_MAX_SNAPLEN))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->o = *o;
	if (o->filter) {
		/* The filter sees what the file will hold: SLL2 frames. */
		pcap_t *dead = pcap_open_dead(DLT_LINUX_SLL2, o->snaplen + PCAPNG_SLL2_HDR_LEN);

		if (!dead) {
			snprintf(err, errlen, "-f: libpcap cannot open a DLT_LINUX_SLL2 handle");
			goto fail;
		}
		if (pcap_compile(dead, &s->prog, o->filter, 1, PCAP_NETMASK_UNKNOWN)) {
			snprintf(err, errlen, "-f: bad filter expression '%s': %s", o->filter, pcap_geterr(dead));
			pcap_close(dead);
			goto fail;
		}
		pcap_close(dead);
		s->has_prog = true;
	}
	return s;
fail:
	packet_sink__free(s);
	return NULL;
}

static int sink_fail(struct packet_sink *s, int err, const char *what)
{
	if (!s->error[0])
		snprintf(s->error, sizeof(s->error), "%s %s.partial: %s", what, s->name, strerror(-err));
	return err;
}

static int write_idb(struct packet_sink *s, const char *name, const char *desc)
{
	struct pcapng_interface ifc = { .linktype = PCAPNG_LINKTYPE_LINUX_SLL2,
					.snaplen = s->o.snaplen + PCAPNG_SLL2_HDR_LEN,
					.filter = s->o.filter, .os = s->o.os, .name = name, .description = desc };
	int id = pcapng_writer__add_interface(s->w, &ifc);

	return id < 0 ? sink_fail(s, id, "writing") : id;
}

void packet_sink__set_procs(struct packet_sink *s, struct proctrack *procs)
{
	s->procs = procs;
}

/* Does the file start with a pcapng Section Header Block? */
static bool is_pcapng(const char *path)
{
	unsigned char magic[4];
	FILE *f = fopen(path, "re");
	bool yes = f && fread(magic, 1, 4, f) == 4 && !memcmp(magic, "\x0a\x0d\x0d\x0a", 4);

	if (f)
		fclose(f);
	return yes;
}

int packet_sink__check_name(const char *path, bool force, char *why, size_t whylen)
{
	return output__check_name(path, force, is_pcapng, "a pcapng file", why, whylen);
}

int packet_sink__open(struct packet_sink *s, uint32_t seq, int64_t wall_offset_ns)
{
	const struct pcapng_section shb = { .comment = s->o.comment, .userappl = "tracetape rec " PACKAGE_VERSION,
					    .os = s->o.os, .hardware = s->o.hardware };
	char partial[PATH_MAX + 16];
	int err = rotation_name(s->name, sizeof(s->name), s->o.base, seq);

	if (err)
		return sink_fail(s, err, "naming");
	/* the trace's rules (output__check_path): an older pcapng is replaced,
	 * anything else only with --force */
	err = packet_sink__check_name(s->name, s->o.force, s->error, sizeof(s->error));
	if (err)
		return err;
	snprintf(partial, sizeof(partial), "%s.partial", s->name);
	s->w = pcapng_writer__open(partial, &shb);
	if (!s->w)
		return sink_fail(s, -errno, "creating");
	s->seq = seq;
	s->files++;
	s->wall_offset = wall_offset_ns;
	s->start_wall = wall_now();
	s->frames = 0;
	s->file_drops = 0;
	/* The interfaces of the previous file again, with the same ids: each
	 * file reads alone, and most of them keep carrying packets. */
	for (int i = 0; i < s->nifaces; i++) {
		s->ifaces[i].recv = s->ifaces[i].accepted = s->ifaces[i].delivered = 0;
		if (write_idb(s, s->ifaces[i].name, s->ifaces[i].desc) < 0)
			return -EIO;
	}
	if (s->o.rotate_count && seq >= s->o.rotate_count) {
		char old[PATH_MAX];

		if (!rotation_name(old, sizeof(old), s->o.base, seq - s->o.rotate_count))
			unlink(old);
	}
	return 0;
}

/* The name `ip netns` gives the namespace with this inode, if any. */
static bool netns_name(uint32_t inode, char *out, size_t size)
{
	DIR *d = opendir("/run/netns");
	struct dirent *de;
	bool found = false;

	while (d && !found && (de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		if (!stat(path, &st) && st.st_ino == inode) {
			snprintf(out, size, "%s", de->d_name);
			found = true;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* The interface id in this file for (netns, ifindex), writing its IDB the
 * first time; -errno on a write error. */
static int iface_id(struct packet_sink *s, const struct ev_packet *e)
{
	struct iface *ifc;
	char ns[256];
	int id;

	for (int i = 0; i < s->nifaces; i++)
		if (s->ifaces[i].netns == e->netns && s->ifaces[i].ifindex == e->ifindex)
			return i;
	if (s->nifaces == MAX_IFACES)
		return sink_fail(s, -ENOSPC, "too many interfaces for");
	ifc = &s->ifaces[s->nifaces];
	*ifc = (struct iface){ .netns = e->netns, .ifindex = e->ifindex };
	/* The kernel gave the name in its namespace; "if<N>" if it had none. */
	if (e->ifname[0])
		snprintf(ifc->name, sizeof(ifc->name), "%.*s", TT_COMM_LEN, e->ifname);
	else
		snprintf(ifc->name, sizeof(ifc->name), "if%u", e->ifindex);
	if (!e->netns) /* a kernel before 6.2: packet.bpf.c cannot reach the device */
		snprintf(ifc->desc, sizeof(ifc->desc), "ifindex=%u netns=unknown", e->ifindex);
	else if (netns_name(e->netns, ns, sizeof(ns)))
		snprintf(ifc->desc, sizeof(ifc->desc), "ifindex=%u netns=%u netns_name=%s", e->ifindex,
			 e->netns, ns);
	else
		snprintf(ifc->desc, sizeof(ifc->desc), "ifindex=%u netns=%u", e->ifindex, e->netns);
	id = write_idb(s, ifc->name, ifc->desc);
	if (id < 0)
		return id;
	return s->nifaces++;
}

/* Addresses, protocol and ports from the network and transport headers. */
static void parse_headers(const unsigned char *p, uint32_t len, struct tt_packet *pk)
{
	const unsigned char *l4 = NULL;
	uint32_t l4len = 0;
	uint8_t proto;

	if (pk->ethertype == 0x0800 && len >= 20 && p[0] >> 4 == 4) {
		uint32_t ihl = (p[0] & 0xf) * 4;

		pk->family = 4;
		pk->ip_proto = proto = p[9];
		memcpy(pk->saddr, p + 12, 4);
		memcpy(pk->daddr, p + 16, 4);
		/* Only the first fragment has the ports. */
		if (ihl >= 20 && ihl <= len && !(((p[6] & 0x1f) << 8) | p[7]))
			l4 = p + ihl, l4len = len - ihl;
	} else if (pk->ethertype == 0x86dd && len >= 40 && p[0] >> 4 == 6) {
		uint32_t off = 40;

		pk->family = 6;
		proto = p[6];
		memcpy(pk->saddr, p + 8, 16);
		memcpy(pk->daddr, p + 24, 16);
		/* Hop-by-hop, routing and destination options come before the ports. */
		while ((proto == 0 || proto == 43 || proto == 60) && off + 8 <= len) {
			proto = p[off];
			off += (p[off + 1] + 1) * 8;
		}
		pk->ip_proto = proto;
		if (off <= len)
			l4 = p + off, l4len = len - off;
	} else {
		return;
	}
	if (!l4 || (proto != 6 && proto != 17) || l4len < 4)
		return;
	pk->sport = l4[0] << 8 | l4[1];
	pk->dport = l4[2] << 8 | l4[3];
	if (proto == 6 && l4len >= 14)
		pk->tcp_flags = l4[13];
}

static uint32_t epb_flags(const struct ev_packet *e)
{
	if (e->flags & EV_PKT_OUTBOUND)
		return PCAPNG_EPB_OUTBOUND;
	switch (e->pkttype) {
	case PACKET_HOST:
		return PCAPNG_EPB_INBOUND | PCAPNG_EPB_UNICAST;
	case PACKET_BROADCAST:
		return PCAPNG_EPB_INBOUND | PCAPNG_EPB_BROADCAST;
	case PACKET_MULTICAST:
		return PCAPNG_EPB_INBOUND | PCAPNG_EPB_MULTICAST;
	case PACKET_OTHERHOST:
		return PCAPNG_EPB_INBOUND | PCAPNG_EPB_PROMISC;
	}
	return PCAPNG_EPB_INBOUND;
}

/* The packet label (formats/PCAPNG.md): its owner, its executable when
 * the process table knows it for the packet's time, and the container of
 * its cgroup when that is a runtime's container or a pod. */
static const char *owner_label(struct packet_sink *s, const struct ev_packet *e)
{
	struct pcapng_owner o = { .pid = e->pid, .tid = e->tid, .uid = e->uid, .comm = e->comm,
				  .comm_len = strnlen(e->comm, TT_COMM_LEN) };
	char cid[CONTAINER_ID_SIZE];
	struct container c;

	if (!(e->flags & EV_PKT_OWNED)) {
		pcapng__label(s->label, sizeof(s->label), NULL);
		return s->label;
	}
	if (s->procs) {
		o.exe = proctrack__exe_at(s->procs, e->pid, e->ts, e->comm, &o.exe_len);
		o.cgroup = proctrack__cgroup_path(s->procs, e->cgroup_id);
	}
	if (o.cgroup && container__path_is_container(o.cgroup) && !container__from_path(o.cgroup, &c))
		o.container = container__short_id(&c, cid, sizeof(cid));
	if (pcapng__label(s->label, sizeof(s->label), &o) >= sizeof(s->label)) {
		o.exe = o.cgroup = o.container = NULL; /* paths too long even for the label */
		pcapng__label(s->label, sizeof(s->label), &o);
	}
	return s->label;
}

int packet_sink__packet(struct packet_sink *s, const struct ev_packet *e, size_t size,
			struct tt_record *rec)
{
	struct tt_packet *pk = &rec->packet;
	const unsigned char *data = (const unsigned char *)(e + 1);
	struct pcapng_packet epb = { 0 };
	struct pcap_pkthdr hdr = { 0 };
	int id, err;

	if (size < sizeof(*e) || e->datalen > size - sizeof(*e) || e->caplen > e->datalen)
		return -EBADMSG;
	memset(rec, 0, sizeof(*rec));
	rec->type = TT_REC_PACKET;
	pk->ts = e->ts;
	pk->id = e->id;
	pk->ifindex = e->ifindex;
	pk->netns = e->netns;
	pk->length = e->len;
	pk->cpu = e->cpu;
	pk->ethertype = e->protocol;
	pk->flags = (e->flags & EV_PKT_OUTBOUND ? TT_PACKET_OUTBOUND : 0) |
		    (e->flags & EV_PKT_OWNED ? TT_PACKET_OWNED : 0) |
		    (e->flags & EV_PKT_LISTENER ? TT_PACKET_LISTENER : 0);
	if (e->flags & EV_PKT_OWNED) {
		pk->pid = e->pid;
		pk->tid = e->tid;
		pk->uid = e->uid;
		pk->cgroup_id = e->cgroup_id;
		memcpy(pk->comm, e->comm, sizeof(pk->comm));
	}
	parse_headers(data, e->datalen, pk);
	if (!s->w)
		return -EBADF; /* no file open: a write error before */

	id = iface_id(s, e);
	if (id < 0)
		return id;
	snprintf(pk->ifname, sizeof(pk->ifname), "%s", s->ifaces[id].name);
	s->ifaces[id].recv++;
	s->file_drops += e->drops;
	pcapng__sll2(s->buf, e->protocol, e->ifindex, e->hatype, e->pkttype);
	memcpy(s->buf + PCAPNG_SLL2_HDR_LEN, data, e->datalen);
	if (s->has_prog) {
		/* Matched on everything copied, which is at least the headers
		 * even when --snaplen is smaller. */
		hdr.caplen = PCAPNG_SLL2_HDR_LEN + e->datalen;
		hdr.len = PCAPNG_SLL2_HDR_LEN + e->len;
		if (!pcap_offline_filter(&s->prog, &hdr, s->buf))
			return 1;
	}
	s->ifaces[id].accepted++;
	epb.interface_id = id;
	epb.ts_ns = e->ts + s->wall_offset;
	epb.caplen = PCAPNG_SLL2_HDR_LEN + e->caplen;
	epb.origlen = PCAPNG_SLL2_HDR_LEN + e->len;
	epb.data = s->buf;
	epb.flags = epb_flags(e);
	epb.packet_id = e->id;
	epb.has_packet_id = 1;
	epb.dropcount = e->drops;
	epb.comment = owner_label(s, e);
	if ((e->flags & (EV_PKT_OWNED | EV_PKT_OUTBOUND)) == (EV_PKT_OWNED | EV_PKT_OUTBOUND)) {
		/* The draft's option is the sending process's: outbound only. */
		epb.pid = e->pid;
		epb.tid = e->tid;
		epb.has_pid_tid = 1;
	}
	err = pcapng_writer__write_packet(s->w, &epb);
	if (err)
		return sink_fail(s, err, "writing");
	s->ifaces[id].delivered++;
	pk->pcap_index = ++s->frames;
	return 0;
}

int packet_sink__close(struct packet_sink *s)
{
	char partial[PATH_MAX + 16];
	uint64_t now = wall_now();
	int err = 0;

	if (!s->w)
		return 0;
	/* libpcap refuses a file without interfaces: one that had no packet
	 * still gets one, saying so. */
	if (!s->nifaces && write_idb(s, "none", "no packets were captured in this file") < 0)
		err = -EIO;
	for (int i = 0; i < s->nifaces && !err; i++) {
		struct pcapng_if_stats st = {
			.interface_id = i, .ts_ns = now, .start_ns = s->start_wall, .end_ns = now,
			.ifrecv = s->ifaces[i].recv, .filteraccept = s->ifaces[i].accepted,
			.osdrop = i ? 0 : s->file_drops, .usrdeliv = s->ifaces[i].delivered,
		};

		err = pcapng_writer__write_stats(s->w, &st);
	}
	err = pcapng_writer__close(s->w) ?: err;
	s->w = NULL;
	if (err)
		return sink_fail(s, err, "closing");
	snprintf(partial, sizeof(partial), "%s.partial", s->name);
	if (rename(partial, s->name))
		return sink_fail(s, -errno, "renaming");
	return 0;
}

const char *packet_sink__error(const struct packet_sink *s)
{
	return s->error;
}

uint32_t packet_sink__files(const struct packet_sink *s)
{
	return s->files;
}

const char *packet_sink__current_name(const struct packet_sink *s)
{
	return s->name;
}

void packet_sink__free(struct packet_sink *s)
{
	if (!s)
		return;
	if (s->w)
		packet_sink__close(s);
	if (s->has_prog)
		pcap_freecode(&s->prog);
	free(s->buf);
	free(s);
}
