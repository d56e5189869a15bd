/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The packet monitor's owners of sockets opened before rec started: load
 * bpf/bootstrap.bpf.c on its own, run its iterators once in every network
 * namespace, and unload it. It only improves attribution: a kernel that
 * refuses it costs that, with a warning, and the recording goes on.
 */
#ifndef __TT_SOCK_BOOTSTRAP_H
#define __TT_SOCK_BOOTSTRAP_H

#include <stdio.h>

/*
 * Give the sockets open now their holders as owners in the sk_owners map
 * (its fd). Returns 0, or -errno after warning what is lost (naming the
 * program the kernel refused, if one was). With report, each program's
 * verified size goes there (rec --check).
 */
int sock_bootstrap__run(int sk_owners_fd, FILE *report);

#endif /* __TT_SOCK_BOOTSTRAP_H */
