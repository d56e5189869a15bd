// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_arp.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events.h"
#include "log.h"
#include "tc_capture.h"

/* Debian 12's uapi headers predate tcx (6.6). */
#define TT_BPF_TCX_INGRESS 46
#define TT_BPF_TCX_EGRESS 47

/* rec's clsact filters: a fixed handle and priority, so that a rec killed
 * before it could remove them has them replaced by the next one. */
#define TT_TC_HANDLE 0x7474
#define TT_TC_PRIORITY 0x7474

struct tc_iface_att {
	struct tc_iface_key key;
	struct tc_iface val;
	int links[2];        /* tcx link fds (ingress, egress), -1 if none */
	bool filters[2];     /* clsact filters attached (before 6.6) */
};

struct tc_capture {
	uint32_t netns;
	int n;
	struct tc_iface_att ifs[TT_MAX_TC_IFACES];
};

/* The link-layer header in front of the network header at tc, by type. */
static int l2_length(unsigned short hatype)
{
	switch (hatype) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		return 14;
	case ARPHRD_NONE: /* tun, wireguard */
	case ARPHRD_RAWIP:
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
	case ARPHRD_SIT:
		return 0;
	}
	return -1;
}

static int add_iface(struct tc_capture *t, int sock, const char *name, char *err, size_t errlen)
{
	struct tc_iface_att *a = &t->ifs[t->n];
	struct ifreq ifr = { 0 };
	unsigned int ifindex;
	int l2len;

	if (strlen(name) >= IFNAMSIZ || !(ifindex = if_nametoindex(name))) {
		snprintf(err, errlen, "-i %s: no such interface", name);
		return -ENODEV;
	}
	for (int i = 0; i < t->n; i++)
		if (t->ifs[i].key.ifindex == ifindex)
			return 0; /* named twice */
	if (t->n == TT_MAX_TC_IFACES) {
		snprintf(err, errlen, "-i: at most %d interfaces", TT_MAX_TC_IFACES);
		return -E2BIG;
	}
	strcpy(ifr.ifr_name, name);
	if (ioctl(sock, SIOCGIFHWADDR, &ifr)) {
		int ret = -errno;

		snprintf(err, errlen, "-i %s: reading its link type: %s", name, strerror(-ret));
		return ret;
	}
	l2len = l2_length(ifr.ifr_hwaddr.sa_family);
	if (l2len < 0) {
		snprintf(err, errlen,
			 "-i %s: link type %u is not supported (Ethernet, loopback and IP tunnels are)",
			 name, ifr.ifr_hwaddr.sa_family);
		return -EOPNOTSUPP;
	}
	*a = (struct tc_iface_att){
		.key = { .netns = t->netns, .ifindex = ifindex },
		.val = { .l2len = l2len, .hatype = ifr.ifr_hwaddr.sa_family },
		.links = { -1, -1 },
	};
	snprintf(a->val.name, sizeof(a->val.name), "%s", name);
	t->n++;
	return 0;
}

struct tc_capture *tc_capture__new(const char *list, char *err, size_t errlen)
{
	struct tc_capture *t = calloc(1, sizeof(*t));
	char *copy = strdup(list), *save = NULL;
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct stat st;
	int ret = 0;

	if (!t || !copy) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	if (sock < 0 || stat("/proc/self/ns/net", &st)) {
		ret = -errno;
		snprintf(err, errlen, "-i: finding rec's network namespace: %s", strerror(-ret));
		goto out;
	}
	t->netns = st.st_ino;
	for (char *name = strtok_r(copy, ",", &save); name && !ret; name = strtok_r(NULL, ",", &save))
		ret = add_iface(t, sock, name, err, errlen);
	if (!ret && !t->n) {
		snprintf(err, errlen, "-i: no interface named");
		ret = -EINVAL;
	}
out:
	if (sock >= 0)
		close(sock);
	free(copy);
	if (ret) {
		free(t);
		errno = -ret;
		return NULL;
	}
	return t;
}

uint32_t tc_capture__netns(const struct tc_capture *t)
{
	return t->netns;
}

/*
 * libbpf refuses options whose bytes past the last field it knows are not
 * zero, padding included; a struct copied by value need not keep its
 * padding zero (it did not on Debian 12's 6.1 run), so it is filled in place.
 */
static void clsact_hook(struct bpf_tc_hook *h, const struct tc_iface_att *a, int dir)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = a->key.ifindex;
	h->attach_point = dir ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

/* Before 6.6: a filter on the interface's clsact qdisc, made if missing. */
static int attach_clsact(struct tc_iface_att *a, int dir, int prog_fd)
{
	struct bpf_tc_hook hook;
	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd, .handle = TT_TC_HANDLE,
		    .priority = TT_TC_PRIORITY, .flags = BPF_TC_F_REPLACE);
	int ret;

	clsact_hook(&hook, a, dir);
	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST)
		return ret;
	clsact_hook(&hook, a, dir);
	ret = bpf_tc_attach(&hook, &opts);
	if (!ret)
		a->filters[dir] = true;
	return ret;
}

int tc_capture__attach(struct tc_capture *t, int map_fd, int ingress_fd, int egress_fd,
		       char *err, size_t errlen)
{
	static const char *const dirs[] = { "ingress", "egress" };
	const int types[] = { TT_BPF_TCX_INGRESS, TT_BPF_TCX_EGRESS };
	const int progs[] = { ingress_fd, egress_fd };

	for (int i = 0; i < t->n; i++) {
		struct tc_iface_att *a = &t->ifs[i];

		for (int dir = 0; dir < 2; dir++) {
			int ret, fd = bpf_link_create(progs[dir], a->key.ifindex, types[dir], NULL);

			if (fd >= 0) {
				a->links[dir] = fd;
				continue;
			}
			/* A kernel without tcx does not know the attach type. */
			ret = fd == -EINVAL ? attach_clsact(a, dir, progs[dir]) : fd;
			if (ret) {
				snprintf(err, errlen, "-i %s: attaching the %s program: %s", a->val.name,
					 dirs[dir], strerror(-ret));
				return ret;
			}
			pr_info("-i %s: %s: no tcx in this kernel, a clsact filter instead", a->val.name,
				dirs[dir]);
		}
		if (bpf_map_update_elem(map_fd, &a->key, &a->val, BPF_ANY)) {
			int ret = -errno;

			snprintf(err, errlen, "-i %s: %s", a->val.name, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

void tc_capture__destroy(struct tc_capture *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->n; i++) {
		struct tc_iface_att *a = &t->ifs[i];

		for (int dir = 0; dir < 2; dir++) {
			if (a->links[dir] >= 0)
				close(a->links[dir]);
			if (a->filters[dir]) {
				struct bpf_tc_hook hook;
				LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TT_TC_HANDLE,
					    .priority = TT_TC_PRIORITY);

				clsact_hook(&hook, a, dir);
				bpf_tc_detach(&hook, &opts);
			}
		}
	}
	free(t);
}
