/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * analyze --flow's argument, 'SRC[:PORT] DST[:PORT]': two endpoints of one
 * address family, matched in either direction. An IPv6 address with a port
 * is bracketed ('[::1]:8080'); without a port it may be bare ('::1').
 */
#ifndef __TT_FLOW_SPEC_H
#define __TT_FLOW_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct flow_end {
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
	uint16_t port;    /* 0: any port */
};

struct flow_spec {
	uint8_t family; /* 4 or 6, as tt_packet.family */
	struct flow_end end[2];
};

/* Parse s. Returns 0, or -EINVAL with err saying what is wrong with it. */
int flow_spec__parse(const char *s, struct flow_spec *f, char *err, size_t errlen);

/* Does the address (of family) and port match end e of f? */
bool flow_spec__end_matches(const struct flow_spec *f, int e, uint8_t family, const uint8_t *addr,
			    uint16_t port);

/* Does a packet from (saddr, sport) to (daddr, dport) belong to the flow, either way? */
bool flow_spec__matches(const struct flow_spec *f, uint8_t family, const uint8_t *saddr,
			uint16_t sport, const uint8_t *daddr, uint16_t dport);

/* "tcp", "udp", "icmp", "icmp6", else "ip". */
const char *flow_spec__proto_name(uint8_t proto);

/* An endpoint as users write it: "10.0.0.1:80", "[::1]:8080", "::1" (no port). */
void flow_spec__format(uint8_t family, const uint8_t *addr, uint16_t port, char *buf, size_t size);

/*
 * A Wireshark display filter for the packets of protocol proto (IPPROTO_*)
 * between a and b (port 0: any), of process pid (0: any) as the tracetape
 * dissector (tools/wireshark/tracetape.lua) names it:
 * "ip.addr==10.0.0.1 && ip.addr==10.0.0.2 && tcp.port==40000 && tcp.port==80
 * && tracetape.pid==4242". Ports only for TCP and UDP; NULL b: a alone.
 */
void flow_spec__wireshark(char *buf, size_t size, uint8_t family, uint8_t proto,
			  const struct flow_end *a, const struct flow_end *b, uint32_t pid);

#endif /* __TT_FLOW_SPEC_H */
