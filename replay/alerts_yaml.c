// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* Alert rules from YAML (samples/alerts.yaml shows every key). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yamldoc.h"

#include "alerts.h"
#include "decode.h"

struct loader {
	struct yamldoc y;
	struct alert_rules *rs;
	const struct syscall_table *st;
};

#define fail(l, n, ...) yamldoc__fail(&(l)->y, n, __VA_ARGS__)
#define scalar yamldoc__scalar

static yaml_node_t *node(struct loader *l, int id)
{
	return yamldoc__node(&l->y, id);
}

static int get_str(struct loader *l, yaml_node_t *n, const char *key, const char **out)
{
	*out = scalar(n);
	if (!*out || !**out)
		return fail(l, n, "%s: expected a string", key);
	return 0;
}

static int get_bool(struct loader *l, yaml_node_t *n, const char *key, bool *out)
{
	const char *s = scalar(n);

	if (s && !strcmp(s, "true"))
		*out = true;
	else if (s && !strcmp(s, "false"))
		*out = false;
	else
		return fail(l, n, "%s: expected true or false", key);
	return 0;
}

static int get_u64(struct loader *l, yaml_node_t *n, const char *key, uint64_t max, uint64_t *out)
{
	const char *s = scalar(n);
	char *end;

	/* decimal, 0x hex or 0 octal: masks read best in hex */
	errno = 0;
	if (s && *s && *s != '-')
		*out = strtoull(s, &end, 0);
	if (!s || !*s || *s == '-' || errno || *end || *out > max)
		return fail(l, n, "%s: expected a number up to %llu", key, (unsigned long long)max);
	return 0;
}

/* A scalar or a list of scalars, each handed to fn. */
static int for_each(struct loader *l, yaml_node_t *n, const char *key,
		    int (*fn)(struct loader *l, yaml_node_t *item, struct alert_rule *r),
		    struct alert_rule *r)
{
	if (n->type == YAML_SCALAR_NODE)
		return fn(l, n, r);
	if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.start == n->data.sequence.items.top)
		return fail(l, n, "%s: expected a value or a list of them", key);
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *item = node(l, *i);
		int ret;

		if (item->type != YAML_SCALAR_NODE)
			return fail(l, item, "%s: expected a value", key);
		ret = fn(l, item, r);
		if (ret)
			return ret;
	}
	return 0;
}

static int add_syscalls(struct loader *l, yaml_node_t *n, struct alert_rule *r)
{
	char bad[64];

	if (syscall_table__select(l->st, scalar(n), r->nr_mask, bad, sizeof(bad)))
		return fail(l, n, "syscalls: unknown syscall or category '%s'", bad);
	r->have_nr = true;
	return 0;
}

static int add_glob(struct loader *l, yaml_node_t *n, char **globs, int *count, const char *key)
{
	if (*count == ALERT_MAX_LIST)
		return fail(l, n, "%s: at most %d", key, ALERT_MAX_LIST);
	if (!*scalar(n))
		return fail(l, n, "%s: expected a glob", key);
	globs[*count] = strdup(scalar(n));
	if (!globs[*count])
		return fail(l, n, "out of memory");
	(*count)++;
	return 0;
}

static int add_path(struct loader *l, yaml_node_t *n, struct alert_rule *r)
{
	return add_glob(l, n, r->paths, &r->npaths, "path");
}

static int add_comm(struct loader *l, yaml_node_t *n, struct alert_rule *r)
{
	return add_glob(l, n, r->comms, &r->ncomms, "comm");
}

static int add_port(struct loader *l, yaml_node_t *n, struct alert_rule *r)
{
	uint64_t v;
	int ret = get_u64(l, n, "ports", 65535, &v);

	if (ret)
		return ret;
	if (r->nports == ALERT_MAX_LIST)
		return fail(l, n, "ports: at most %d", ALERT_MAX_LIST);
	r->ports[r->nports++] = v;
	return 0;
}

/* args: a list of {index: N, equals: V} or {index: N, mask: BITS}. */
static int set_args(struct loader *l, yaml_node_t *n, struct alert_rule *r)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(l, n, "args: expected a list of {index, equals or mask}");
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *item = node(l, *i);
		struct alert_arg a = { -1 };
		bool have_value = false;
		uint64_t v;
		int ret;

		if (item->type != YAML_MAPPING_NODE)
			return fail(l, item, "args: expected {index: N, equals: V} or {index: N, mask: M}");
		if (r->nargs == 6)
			return fail(l, item, "args: at most 6");
		for (yaml_node_pair_t *p = item->data.mapping.pairs.start;
		     p < item->data.mapping.pairs.top; p++) {
			yaml_node_t *k = node(l, p->key), *val = node(l, p->value);
			const char *key = scalar(k) ? scalar(k) : "";

			if (!strcmp(key, "index")) {
				ret = get_u64(l, val, "index", 5, &v);
				if (!ret)
					a.index = v;
			} else if (!strcmp(key, "equals") || !strcmp(key, "mask")) {
				ret = get_u64(l, val, key, UINT64_MAX, &a.value);
				a.mask = !strcmp(key, "mask");
				if (!ret && have_value)
					ret = fail(l, k, "args: equals or mask, not both");
				have_value = true;
			} else {
				ret = fail(l, k, "args: unknown key '%s' (index, equals, mask)", key);
			}
			if (ret)
				return ret;
		}
		if (a.index < 0 || !have_value)
			return fail(l, item, "args: needs an index and equals or mask");
		r->args[r->nargs++] = a;
	}
	return 0;
}

/* A signal by name (SIGSEGV, SEGV, SIGRTMIN, SIGRT_2) or number, 1-64. */
static int add_signal(struct loader *l, yaml_node_t *n, struct alert_rule *r)
{
	const char *s = scalar(n);
	char buf[32], *end;
	unsigned long u;

	for (int sig = 1; s && sig <= 64; sig++) {
		const char *name = decode__signal_name(sig, buf, sizeof(buf));

		if (!strcmp(s, name) || !strcmp(s, name + 3)) {
			r->signals |= 1ull << (sig - 1);
			return 0;
		}
	}
	u = s && *s >= '0' && *s <= '9' ? strtoul(s, &end, 10) : 0;
	if (u >= 1 && u <= 64 && !*end) {
		r->signals |= 1ull << (u - 1);
		return 0;
	}
	return fail(l, n, "signals: unknown signal '%s' (a name like SIGSEGV, or 1-64)", s ? s : "");
}

enum { K_ID, K_SEVERITY, K_MESSAGE, K_ENABLED, K_CONDITIONS };

/* Keys a rule may have; those from K_CONDITIONS on are conditions. */
static const char *const rule_keys[] = {
	"id", "severity", "message", "enabled",
	"event", "syscalls", "path", "write", "comm", "uid", "container", "cgroup", "args",
	"result", "ports", "interactive", "signals",
};
#define NKEYS (sizeof(rule_keys) / sizeof(rule_keys[0]))

static int set_condition(struct loader *l, const char *key, yaml_node_t *v, struct alert_rule *r)
{
	const char *s;
	uint64_t u;
	int ret = 0;

	if (!strcmp(key, "event")) {
		s = scalar(v);
		if (s && !strcmp(s, "syscall"))
			r->on = ALERT_ON_SYSCALL;
		else if (s && !strcmp(s, "exec"))
			r->on = ALERT_ON_EXEC;
		else if (s && !strcmp(s, "signal"))
			r->on = ALERT_ON_SIGNAL;
		else if (s && !strcmp(s, "signal-sent"))
			r->on = ALERT_ON_SIGNAL_SENT;
		else
			ret = fail(l, v, "event: expected syscall, exec, signal or signal-sent");
	} else if (!strcmp(key, "signals")) {
		ret = for_each(l, v, key, add_signal, r);
	} else if (!strcmp(key, "syscalls")) {
		ret = for_each(l, v, key, add_syscalls, r);
	} else if (!strcmp(key, "path")) {
		ret = for_each(l, v, key, add_path, r);
	} else if (!strcmp(key, "comm")) {
		ret = for_each(l, v, key, add_comm, r);
	} else if (!strcmp(key, "ports")) {
		ret = for_each(l, v, key, add_port, r);
	} else if (!strcmp(key, "write")) {
		ret = get_bool(l, v, key, &r->write);
	} else if (!strcmp(key, "interactive")) {
		ret = get_bool(l, v, key, &r->interactive);
	} else if (!strcmp(key, "uid")) {
		/* u and b are only set when the value is good */
		ret = get_u64(l, v, key, UINT32_MAX, &u);
		if (!ret) {
			r->uid = u;
			r->have_uid = true;
		}
	} else if (!strcmp(key, "container")) {
		bool b;

		ret = get_bool(l, v, key, &b);
		if (!ret)
			r->container = b ? 1 : -1;
	} else if (!strcmp(key, "cgroup")) {
		ret = get_str(l, v, key, &s);
		if (!ret && !(r->cgroup = strdup(s)))
			ret = fail(l, v, "out of memory");
	} else if (!strcmp(key, "args")) {
		ret = set_args(l, v, r);
	} else if (!strcmp(key, "result")) {
		s = scalar(v);
		if (s && !strcmp(s, "success"))
			r->result = ALERT_RESULT_SUCCESS;
		else if (s && !strcmp(s, "failure"))
			r->result = ALERT_RESULT_FAILURE;
		else if (s && !strcmp(s, "any"))
			r->result = ALERT_RESULT_ANY;
		else
			ret = fail(l, v, "result: expected success, failure or any");
	}
	return ret;
}

/* Which key of rule_keys k is, after checking it is one and not repeated. */
static int rule_key(struct loader *l, yaml_node_t *rule, yaml_node_pair_t *p)
{
	yaml_node_t *k = node(l, p->key);
	const char *key = scalar(k);

	for (yaml_node_pair_t *q = rule->data.mapping.pairs.start; key && q < p; q++)
		if (scalar(node(l, q->key)) && !strcmp(scalar(node(l, q->key)), key))
			return fail(l, k, "duplicate key '%s'", key);
	for (size_t i = 0; key && i < NKEYS; i++)
		if (!strcmp(key, rule_keys[i]))
			return i;
	return fail(l, k, "unknown key '%s' (id, severity, message, enabled, event, syscalls, "
		    "path, write, comm, uid, container, cgroup, args, result, ports, interactive, "
		    "signals)",
		    key ? key : "");
}

static int load_rule(struct loader *l, yaml_node_t *rule)
{
	yaml_node_t *id_node = NULL, *v;
	struct alert_rule *r;
	bool conditions = false, existed, have_sev = false, have_msg = false;
	const char *s;
	int ret, sev;

	if (rule->type != YAML_MAPPING_NODE)
		return fail(l, rule, "a rule is a mapping (id: ..., severity: ..., ...)");
	for (yaml_node_pair_t *p = rule->data.mapping.pairs.start; p < rule->data.mapping.pairs.top; p++) {
		int k = rule_key(l, rule, p);

		if (k < 0)
			return k;
		if (k == K_ID)
			id_node = node(l, p->value);
		conditions |= k >= K_CONDITIONS;
	}
	if (!id_node)
		return fail(l, rule, "rule without an id");
	ret = get_str(l, id_node, "id", &s);
	if (ret)
		return ret;
	if (strlen(s) >= sizeof(r->id))
		return fail(l, id_node, "id: longer than %zu characters", sizeof(r->id) - 1);
	r = alert_rules__find(l->rs, s);
	existed = r;
	if (!r && !(r = alert_rules__add(l->rs, s)))
		return fail(l, id_node, "out of memory");
	if (!existed && !conditions)
		return fail(l, rule, "rule '%s' is not a built-in one and has no conditions "
			    "(syscalls, path, comm, ...)", s);
	if (conditions)
		alert_rule__clear(r);
	for (yaml_node_pair_t *p = rule->data.mapping.pairs.start; p < rule->data.mapping.pairs.top; p++) {
		int k = rule_key(l, rule, p);

		v = node(l, p->value);
		ret = 0;
		if (k == K_SEVERITY) {
			sev = scalar(v) ? alert_severity__from_name(scalar(v)) : -EINVAL;
			if (sev < 0)
				return fail(l, v, "severity: expected info, low, medium, high or critical");
			r->severity = sev;
			have_sev = true;
		} else if (k == K_MESSAGE) {
			ret = get_str(l, v, "message", &s);
			if (!ret)
				snprintf(r->message, sizeof(r->message), "%s", s);
			have_msg = true;
		} else if (k == K_ENABLED) {
			ret = get_bool(l, v, "enabled", &r->enabled);
		} else if (k >= K_CONDITIONS) {
			ret = set_condition(l, rule_keys[k], v, r);
		}
		if (ret)
			return ret;
	}
	if (!existed && (!have_sev || !have_msg))
		return fail(l, rule, "rule '%s' needs a severity and a message", r->id);
	if (r->interactive && r->on != ALERT_ON_EXEC)
		return fail(l, rule, "rule '%s': interactive goes with event: exec", r->id);
	/* signals: alone means the signals delivered */
	if (r->signals && r->on == ALERT_ON_SYSCALL)
		r->on = ALERT_ON_SIGNAL;
	if (r->signals && r->on == ALERT_ON_EXEC)
		return fail(l, rule, "rule '%s': signals goes with event: signal or signal-sent", r->id);
	if ((r->on == ALERT_ON_SIGNAL || r->on == ALERT_ON_SIGNAL_SENT) &&
	    (r->have_nr || r->npaths || r->write || r->nargs || r->nports || r->result))
		return fail(l, rule, "rule '%s': a signal rule takes signals, comm, uid, container "
			    "and cgroup only", r->id);
	return 0;
}

static int load_doc(struct loader *l)
{
	yaml_node_t *root = yamldoc__root(&l->y), *rules = NULL;

	if (!root)
		return snprintf(l->y.err, l->y.errlen, "%s: empty rules file", l->y.path), -EINVAL;
	if (root->type != YAML_MAPPING_NODE)
		return fail(l, root, "expected a mapping with a 'rules' list");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key);

		if (!scalar(k) || strcmp(scalar(k), "rules"))
			return fail(l, k, "unknown key '%s' (rules)", scalar(k) ? scalar(k) : "");
		if (rules)
			return fail(l, k, "duplicate key 'rules'");
		rules = node(l, p->value);
	}
	if (!rules || rules->type != YAML_SEQUENCE_NODE)
		return fail(l, rules ? rules : root, "rules: expected a list of rules");
	for (yaml_node_item_t *i = rules->data.sequence.items.start; i < rules->data.sequence.items.top; i++) {
		int ret = load_rule(l, node(l, *i));

		if (ret)
			return ret;
	}
	return 0;
}

int alert_rules__load(struct alert_rules *rs, const char *path, const struct syscall_table *st,
		      char *err, size_t errlen)
{
	struct loader l = { .rs = rs, .st = st };
	int ret = yamldoc__load(&l.y, path, err, errlen);

	if (ret)
		return ret;
	ret = load_doc(&l);
	yamldoc__free(&l.y);
	return ret;
}
