/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbpf's messages, filtered by rec's verbosity (-v shows its warnings and
 * the verifier's log, -vv its debug lines); the name of the program a
 * failed load stopped at, so the error can name it without -v; and the size
 * the verifier checked of each loaded program, for rec --check.
 */
#ifndef __TT_LOAD_REPORT_H
#define __TT_LOAD_REPORT_H

#include <stdio.h>

/* Route libbpf's messages through rec's log (once, before any libbpf call). */
void load_report__install(void);
/* Forget the program a previous load stopped at (before each load). */
void load_report__begin(void);
/* The program the kernel refused since load_report__begin, or NULL. */
const char *load_report__refused(void);
/* The running kernel's release (uname -r), for messages. */
const char *load_report__kernel(void);

struct bpf_object;
struct bpf_program;

/*
 * For rec --check, before obj is loaded: on a kernel whose bpf_prog_info
 * has no verified_insns (before 5.16), have the verifier's statistics kept
 * for each program instead (log level 4). Not with -v, which wants the
 * whole log of a refused program.
 */
void load_report__keep_stats(struct bpf_object *obj);

/* One line for rec --check: "NAME<TAB>ROLE<TAB>INSNS", INSNS being the
 * instructions the verifier processed (bpf_prog_info.verified_insns, 5.16+,
 * else the statistics' "processed N insns"), or "-" where neither says. */
void load_report__program(FILE *f, const struct bpf_program *prog, const char *role);

#endif /* __TT_LOAD_REPORT_H */
