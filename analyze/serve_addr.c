// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* analyze --serve's [ADDR:]PORT. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "serve_addr.h"

int serve_addr__parse(struct serve_addr *a, const char *arg, char *err, size_t errlen)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&a->sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->sa;
	const char *colon = strrchr(arg, ':'), *port = colon ? colon + 1 : arg;
	char host[INET6_ADDRSTRLEN + 2] = "127.0.0.1";
	size_t hlen = colon ? (size_t)(colon - arg) : 0;
	uint64_t n;

	memset(a, 0, sizeof(*a));
	snprintf(a->text, sizeof(a->text), "%s", arg);
	if (cli__parse_u64(port, &n) || !n || n > 65535) {
		snprintf(err, errlen, "--serve: expected [ADDR:]PORT with a port from 1 to 65535, "
			 "not '%s'", arg);
		return -EINVAL;
	}
	if (colon) {
		if (hlen >= 2 && arg[0] == '[' && arg[hlen - 1] == ']') {
			arg++;
			hlen -= 2;
		}
		if (!hlen || hlen >= sizeof(host))
			goto bad;
		memcpy(host, arg, hlen);
		host[hlen] = 0;
	}
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(n);
		a->len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(n);
		a->len = sizeof(*in6);
		return 0;
	}
bad:
	snprintf(err, errlen, "--serve: expected an IPv4 or IPv6 address before the port, "
		 "not '%s'", arg);
	return -EINVAL;
}
