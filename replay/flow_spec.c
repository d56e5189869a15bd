// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* analyze --flow's endpoints: parsing, matching, printing. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_spec.h"

#define USAGE "expected 'SRC[:PORT] DST[:PORT]' (e.g. '10.0.0.1 10.0.0.2:80' or '[::1]:8080 ::1')"

/* One endpoint, "ADDR", "ADDR:PORT", "[ADDR6]" or "[ADDR6]:PORT". */
static int parse_end(const char *w, struct flow_end *e, uint8_t *family, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *close;
	bool bracketed = w[0] == '[';
	size_t alen;

	memset(e, 0, sizeof(*e));
	if (bracketed) {
		close = strchr(w, ']');
		if (!close || (close[1] && close[1] != ':')) {
			snprintf(err, errlen, "--flow: '%s': a bracketed IPv6 address is '[ADDR]' or "
				 "'[ADDR]:PORT'", w);
			return -EINVAL;
		}
		alen = close - w - 1;
		w++;
		if (close[1] == ':')
			port = close + 2;
	} else {
		const char *colon = strchr(w, ':');

		/* One colon is IPv4's port; more are an IPv6 address. */
		if (colon && !strchr(colon + 1, ':')) {
			alen = colon - w;
			port = colon + 1;
		} else {
			alen = strlen(w);
		}
	}
	if (alen >= sizeof(addr)) {
		snprintf(err, errlen, "--flow: '%.*s' is not an IPv4 or IPv6 address", (int)alen, w);
		return -EINVAL;
	}
	memcpy(addr, w, alen);
	addr[alen] = 0;
	if (!bracketed && inet_pton(AF_INET, addr, e->addr) == 1) {
		*family = 4;
	} else if (inet_pton(AF_INET6, addr, e->addr) == 1) {
		*family = 6;
	} else {
		snprintf(err, errlen, "--flow: '%s' is not an IPv4 or IPv6 address%s", addr,
			 strchr(addr, ':') && port ? " (write an IPv6 address with a port as "
			 "[ADDR]:PORT)" : "");
		return -EINVAL;
	}
	if (port) {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(port, &end, 10);
		if (!*port || *end || errno || v < 1 || v > 65535 || *port == '+' || *port == '-') {
			snprintf(err, errlen, "--flow: port '%s' of '%s': expected 1 to 65535", port,
				 addr);
			return -EINVAL;
		}
		e->port = v;
	}
	return 0;
}

int flow_spec__parse(const char *s, struct flow_spec *f, char *err, size_t errlen)
{
	char *copy = strdup(s), *save = NULL, *w[3];
	uint8_t fam[2];
	int n = 0, ret = -EINVAL;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memset(f, 0, sizeof(*f));
	for (char *t = strtok_r(copy, " \t", &save); t && n < 3; t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	if (n != 2)
		snprintf(err, errlen, "--flow: %s, not '%s'", USAGE, s);
	else if (!parse_end(w[0], &f->end[0], &fam[0], err, errlen) &&
		 !parse_end(w[1], &f->end[1], &fam[1], err, errlen)) {
		if (fam[0] != fam[1])
			snprintf(err, errlen, "--flow: '%s' is IPv%u and '%s' IPv%u: a flow has one "
				 "address family", w[0], fam[0], w[1], fam[1]);
		else
			ret = 0;
		f->family = fam[0];
	}
	free(copy);
	return ret;
}

bool flow_spec__end_matches(const struct flow_spec *f, int e, uint8_t family, const uint8_t *addr,
			    uint16_t port)
{
	const struct flow_end *fe = &f->end[e];

	return family == f->family && !memcmp(fe->addr, addr, family == 4 ? 4 : 16) &&
	       (!fe->port || fe->port == port);
}

bool flow_spec__matches(const struct flow_spec *f, uint8_t family, const uint8_t *saddr,
			uint16_t sport, const uint8_t *daddr, uint16_t dport)
{
	return (flow_spec__end_matches(f, 0, family, saddr, sport) &&
		flow_spec__end_matches(f, 1, family, daddr, dport)) ||
	       (flow_spec__end_matches(f, 1, family, saddr, sport) &&
		flow_spec__end_matches(f, 0, family, daddr, dport));
}

const char *flow_spec__proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmp6";
	}
	return "ip";
}

void flow_spec__format(uint8_t family, const uint8_t *addr, uint16_t port, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	if (!port)
		snprintf(buf, size, "%s", a);
	else if (family == 6)
		snprintf(buf, size, "[%s]:%u", a, port);
	else
		snprintf(buf, size, "%s:%u", a, port);
}

void flow_spec__wireshark(char *buf, size_t size, uint8_t family, uint8_t proto,
			  const struct flow_end *a, const struct flow_end *b, uint32_t pid)
{
	const char *field = family == 6 ? "ipv6.addr" : "ip.addr";
	const char *l4 = proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : NULL;
	const char *icmp = proto == IPPROTO_ICMP ? "icmp" : proto == IPPROTO_ICMPV6 ? "icmpv6" : NULL;
	char addr[2][INET6_ADDRSTRLEN] = { "?", "?" };
	bool two = b && memcmp(a->addr, b->addr, family == 6 ? 16 : 4);
	bool ports = l4 && (a->port || (b && b->port));
	size_t n = 0;

#define ADD(...) (n += snprintf(buf + (n < size ? n : size), n < size ? size - n : 0, __VA_ARGS__))
	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a->addr, addr[0], sizeof(addr[0]));
	if (b)
		inet_ntop(family == 6 ? AF_INET6 : AF_INET, b->addr, addr[1], sizeof(addr[1]));
	ADD("%s==%s", field, addr[0]);
	if (two)
		ADD(" && %s==%s", field, addr[1]);
	if (ports && a->port)
		ADD(" && %s.port==%u", l4, a->port);
	if (ports && b && b->port && b->port != a->port)
		ADD(" && %s.port==%u", l4, b->port);
	if (!ports && (l4 || icmp))
		ADD(" && %s", l4 ?: icmp);
	if (pid)
		ADD(" && tracetape.pid==%u", pid);
#undef ADD
}
