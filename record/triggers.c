// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "decode.h"
#include "procs.h"
#include "triggers.h"

struct triggers {
	struct alert_rules rules;
	struct alert_state state;
	struct procs *procs;
	uint64_t nr_mask[SYSCALL_MAX_NR / 64]; /* the syscalls some rule may match */
	bool any_syscall; /* a syscall rule with no syscall list */
};

static const char *cgroup_path(void *ctx, uint64_t id)
{
	return proctrack__cgroup_path(ctx, id);
}

/* "unshare-namespace,ptrace": those built-in rules alone. 0, or -EINVAL
 * with the unknown one said. */
static int only_builtins(struct alert_rules *rs, const char *list, char *err, size_t errlen)
{
	char *copy = strdup(list), *save = NULL;
	bool *keep = calloc(rs->n, sizeof(*keep));
	int ret = 0;

	if (!copy || !keep) {
		ret = -ENOMEM;
		goto out;
	}
	for (char *id = strtok_r(copy, ",", &save); id && !ret; id = strtok_r(NULL, ",", &save)) {
		struct alert_rule *r = alert_rules__find(rs, id);

		if (!r) {
			snprintf(err, errlen, "'%s' is neither a rules file nor a built-in rule "
				 "(analyze --alerts lists them by id)", id);
			ret = -EINVAL;
		} else {
			keep[r - rs->rules] = true;
		}
	}
	for (int i = 0; i < rs->n && !ret; i++)
		rs->rules[i].enabled &= keep[i];
out:
	free(copy);
	free(keep);
	return ret;
}

struct triggers *triggers__new(const char *path, const struct syscall_table *st, char *err,
			       size_t errlen)
{
	struct triggers *tg = calloc(1, sizeof(*tg));
	int ret = -ENOMEM;

	snprintf(err, errlen, "out of memory");
	if (!tg || !(tg->procs = procs__new()) || (ret = alert_rules__builtin(&tg->rules, st)))
		goto fail;
	/* a file by its name; else built-in rules by their ids */
	if (!strcmp(path, "builtin"))
		ret = 0;
	else if (strchr(path, '/') || !access(path, F_OK))
		ret = alert_rules__load(&tg->rules, path, st, err, errlen);
	else
		ret = only_builtins(&tg->rules, path, err, errlen);
	if (ret)
		goto fail;
	tg->state = (struct alert_state){ .st = st, .procs = tg->procs };
	for (int i = 0; i < tg->rules.n; i++) {
		const struct alert_rule *r = &tg->rules.rules[i];

		if (!r->enabled || r->on != ALERT_ON_SYSCALL)
			continue;
		if (!r->have_nr)
			tg->any_syscall = true;
		for (size_t k = 0; k < SYSCALL_MAX_NR / 64; k++)
			tg->nr_mask[k] |= r->nr_mask[k];
	}
	return tg;
fail:
	triggers__free(tg);
	errno = -ret;
	return NULL;
}

void triggers__set_cgroups(struct triggers *tg, struct proctrack *cgroups)
{
	tg->state.cgroup_path = cgroup_path;
	tg->state.ctx = cgroups;
}

void triggers__free(struct triggers *tg)
{
	if (!tg)
		return;
	alert_rules__free(&tg->rules);
	procs__free(tg->procs);
	free(tg);
}

void triggers__note(struct triggers *tg, const struct tt_record *rec)
{
	if (rec->type == TT_REC_EXEC && !tt_record__is_restated(rec))
		procs__exec_ahead(tg->procs, &rec->exec);
	procs__update(tg->procs, rec);
}

bool triggers__wants_syscall(const struct triggers *tg, uint16_t nr)
{
	return tg->any_syscall || (nr < SYSCALL_MAX_NR && (tg->nr_mask[nr / 64] >> (nr % 64) & 1));
}

bool triggers__match(struct triggers *tg, const struct tt_record *rec, struct tt_trigger *out)
{
	uint32_t pid, tid;

	for (int i = 0; i < tg->rules.n; i++) {
		const struct alert_rule *r = &tg->rules.rules[i];

		if (!alert_rule__match(r, &tg->state, rec))
			continue;
		decode__ids(rec, &pid, &tid);
		*out = (struct tt_trigger){
			.ts = tt_record__ts(rec), .kind = TT_TRIGGER_RULE, .severity = r->severity,
			.event_type = rec->type, .pid = pid, .tid = tid,
			.event_ts = tt_record__ts(rec),
			.rule = { r->id, strlen(r->id) },
			.message = { r->message, strlen(r->message) },
		};
		if (rec->type == TT_REC_EXEC)
			memcpy(out->comm, rec->exec.comm, TT_COMM_SIZE);
		else
			memcpy(out->comm, procs__task_comm(tg->procs, pid, tid),
			       strnlen(procs__task_comm(tg->procs, pid, tid), TT_COMM_SIZE));
		return true;
	}
	return false;
}
