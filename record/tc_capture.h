/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rec -i: whole interfaces captured by packet.bpf.c's tc programs, on top of
 * the local sockets the cgroup_skb programs see. Attached with tcx links
 * (6.6+, detached by the kernel when rec dies), else as filters on a clsact
 * qdisc, which rec removes on exit and replaces when it starts again.
 */
#ifndef __TT_TC_CAPTURE_H
#define __TT_TC_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct tc_capture;

/* Resolve "IFACE[,IFACE]" in rec's network namespace. On failure returns
 * NULL, sets errno and explains in err ("-i eth9: no such interface"). */
struct tc_capture *tc_capture__new(const char *list, char *err, size_t errlen);
/* Inode of the network namespace the interfaces are in. */
uint32_t tc_capture__netns(const struct tc_capture *t);
/* Attach both programs to every interface, then enable each in the
 * tc_ifaces map (map_fd), which also makes the cgroup_skb programs leave
 * its packets to them. 0 or -errno, explained in err. */
int tc_capture__attach(struct tc_capture *t, int map_fd, int ingress_fd, int egress_fd,
		       char *err, size_t errlen);
/* Detach and free. */
void tc_capture__destroy(struct tc_capture *t);

#endif /* __TT_TC_CAPTURE_H */
