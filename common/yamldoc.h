/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A YAML file read with libyaml's document API, and errors that name the
 * place in it: "PATH:LINE:COLUMN: message". Shared by rec's config and
 * analyze's alert rules.
 */
#ifndef __TT_YAMLDOC_H
#define __TT_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

struct yamldoc {
	yaml_document_t doc;
	const char *path;
	char *err;
	size_t errlen;
};

/*
 * Read path, which must hold at most one YAML document. Returns 0, -errno
 * for I/O ("PATH: reason" in err) or -EINVAL for a syntax error or a second
 * document (with its place). An empty file gives a document with no root.
 */
int yamldoc__load(struct yamldoc *d, const char *path, char *err, size_t errlen);
void yamldoc__free(struct yamldoc *d);

/* The root node, or NULL for an empty file. */
yaml_node_t *yamldoc__root(struct yamldoc *d);
yaml_node_t *yamldoc__node(struct yamldoc *d, int id);
/* A scalar's text, or NULL for a mapping or a list. */
const char *yamldoc__scalar(const yaml_node_t *n);

/*
 * Write "PATH:LINE:COLUMN: message" for node n into the error buffer and
 * return -EINVAL. Control characters from quoted values become '?': the
 * message stays one line and no escape sequence reaches the terminal.
 */
int yamldoc__fail(struct yamldoc *d, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* __TT_YAMLDOC_H */
