// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of analyze --serve's [ADDR:]PORT (analyze/serve_addr.c):
 * loopback unless an address is given, IPv6 in brackets, and the words
 * that are no address or port refused with a reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "serve_addr.h"

static struct serve_addr a;
static char err[256];

/* The address parsed, as inet_ntop writes it, and its port. */
static const char *parsed(const char *arg, int *port)
{
	static char text[INET6_ADDRSTRLEN];
	const struct sockaddr_in *in = (const struct sockaddr_in *)&a.sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a.sa;

	cr_assert_eq(serve_addr__parse(&a, arg, err, sizeof(err)), 0, "%s: %s", arg, err);
	if (a.sa.ss_family == AF_INET) {
		cr_assert_eq(a.len, sizeof(*in));
		*port = ntohs(in->sin_port);
		return inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
	}
	cr_assert_eq(a.sa.ss_family, AF_INET6);
	cr_assert_eq(a.len, sizeof(*in6));
	*port = ntohs(in6->sin6_port);
	return inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
}

Test(serve_addr, port_alone_is_loopback)
{
	int port;

	cr_assert_str_eq(parsed("8080", &port), "127.0.0.1");
	cr_assert_eq(port, 8080);
}

Test(serve_addr, addresses)
{
	int port;

	cr_assert_str_eq(parsed("0.0.0.0:9100", &port), "0.0.0.0");
	cr_assert_eq(port, 9100);
	cr_assert_str_eq(parsed("[::1]:1", &port), "::1");
	cr_assert_eq(port, 1);
	cr_assert_str_eq(parsed("[::]:65535", &port), "::");
	cr_assert_eq(port, 65535);
	cr_assert_str_eq(parsed("::1:8080", &port), "::1");
	cr_assert_eq(port, 8080);
}

Test(serve_addr, refused)
{
	const char *bad[] = { "", "0", "65536", "http", "8080x", "-1", "localhost:8080",
			      ":8080", "[]:8080", "1.2.3:80", "[::1]", "127.0.0.1:", "[::1:80" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		cr_assert_eq(serve_addr__parse(&a, bad[i], err, sizeof(err)), -EINVAL, "'%s'",
			     bad[i]);
		cr_assert(strstr(err, "--serve: expected"), "'%s': %s", bad[i], err);
	}
}
