/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* analyze --serve's address: where it listens. */
#ifndef __TT_SERVE_ADDR_H
#define __TT_SERVE_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

struct serve_addr {
	struct sockaddr_storage sa;
	socklen_t len;
	char text[64]; /* as given, for messages */
};

/* "[ADDR:]PORT" ("8080", "0.0.0.0:8080", "[::1]:8080"); 127.0.0.1 unless
 * ADDR is given. Returns 0, or -EINVAL with err saying why. */
int serve_addr__parse(struct serve_addr *a, const char *arg, char *err, size_t errlen);

#endif /* __TT_SERVE_ADDR_H */
