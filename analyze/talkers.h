/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --top's talkers: packets and bytes each way per owning process and per
 * remote endpoint, from the PACKET records (rec -m packet).
 */
#ifndef __TT_TALKERS_H
#define __TT_TALKERS_H

#include "records.h"
#include "tape.h"
#include "table.h"

struct talkers;

struct talkers *talkers__new(void);
void talkers__free(struct talkers *tk);
void talkers__packet(struct talkers *tk, const struct tt_packet *p);
/* Two tables of at most n rows each; nothing when no packet was seen. */
void talkers__report(struct talkers *tk, struct tape *t, struct report *r, int n);

#endif /* __TT_TALKERS_H */
