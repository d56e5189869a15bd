// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "yamldoc.h"

static void fail_at(struct yamldoc *d, yaml_mark_t mark, const char *fmt, va_list ap)
{
	int len = snprintf(d->err, d->errlen, "%s:%zu:%zu: ", d->path, mark.line + 1,
			   mark.column + 1);

	if (len < 0 || (size_t)len >= d->errlen)
		return;
	vsnprintf(d->err + len, d->errlen - len, fmt, ap);
	for (char *p = d->err + len; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

int yamldoc__fail(struct yamldoc *d, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_at(d, n->start_mark, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int syntax_error(struct yamldoc *d, const yaml_parser_t *parser, ...)
{
	/* a reader error (bad encoding) has an offset only */
	yaml_mark_t mark = parser->error == YAML_READER_ERROR ? parser->mark : parser->problem_mark;
	va_list ap;

	va_start(ap, parser);
	fail_at(d, mark, "%s%s%s", ap);
	va_end(ap);
	return -EINVAL;
}

int yamldoc__load(struct yamldoc *d, const char *path, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	FILE *f;
	int ret = 0;

	memset(d, 0, sizeof(*d));
	d->path = path;
	d->err = err;
	d->errlen = errlen;
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &d->doc)) {
		ret = syntax_error(d, &parser, parser.problem ? parser.problem : "syntax error",
				   parser.context ? " " : "", parser.context ? parser.context : "");
		goto out;
	}
	/* A second document would be ignored silently: refuse it. */
	if (!yaml_parser_load(&parser, &extra)) {
		ret = syntax_error(d, &parser, parser.problem ? parser.problem : "syntax error",
				   parser.context ? " " : "", parser.context ? parser.context : "");
	} else {
		yaml_node_t *r2 = yaml_document_get_root_node(&extra);

		if (r2)
			ret = yamldoc__fail(d, r2, "only one YAML document is read");
		yaml_document_delete(&extra);
	}
	if (ret)
		yaml_document_delete(&d->doc);
out:
	yaml_parser_delete(&parser);
	fclose(f);
	return ret;
}

void yamldoc__free(struct yamldoc *d)
{
	yaml_document_delete(&d->doc);
}

yaml_node_t *yamldoc__root(struct yamldoc *d)
{
	return yaml_document_get_root_node(&d->doc);
}

yaml_node_t *yamldoc__node(struct yamldoc *d, int id)
{
	return yaml_document_get_node(&d->doc, id);
}

const char *yamldoc__scalar(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}
