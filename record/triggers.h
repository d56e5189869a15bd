/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rec --flight --trigger: the alert rules of analyze --alerts (replay/alerts.h),
 * matched by the consumer on the events as they pass, with a process model
 * of its own kept from the records it emits (replay/procs.h) and rec's
 * cgroup table. rec decodes no fds: a relative path is matched as analyze
 * matches one whose directory the trace lacks.
 */
#ifndef __TT_TRIGGERS_H
#define __TT_TRIGGERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proctrack.h"
#include "records.h"
#include "syscalls.h"

struct triggers;

/* The built-in rules and those of the YAML file path; "builtin": the
 * built-in ones alone; a comma list of built-in ids (not a file's name):
 * those alone. NULL with errno and err said ("PATH:LINE:COLUMN: what"). */
struct triggers *triggers__new(const char *path, const struct syscall_table *st, char *err,
			       size_t errlen);
/* Name cgroups from rec's table (the rules on containers and cgroups). */
void triggers__set_cgroups(struct triggers *tg, struct proctrack *cgroups);
void triggers__free(struct triggers *tg);

/* A record rec emits: PROC, EXEC, FORK, EXIT and RENAME keep the model. */
void triggers__note(struct triggers *tg, const struct tt_record *rec);

/* May a rule match a syscall of this number? (Before decoding it.) */
bool triggers__wants_syscall(const struct triggers *tg, uint16_t nr);

/* The first enabled rule that rec (a SYSCALL, EXEC or SIGNAL) matches, as a
 * TRIGGER (its rule and message pointing into the rules); false if none. */
bool triggers__match(struct triggers *tg, const struct tt_record *rec, struct tt_trigger *out);

#endif /* __TT_TRIGGERS_H */
