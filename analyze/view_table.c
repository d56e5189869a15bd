// SPDX-License-Identifier: LGPL-2.1-or-later
/* The table of views.def: analyze's options that choose a view, and their
 * entries in --help (which bash completion and tests/help_man.sh read). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "views.h"

const struct view_option view_options[VIEW_OPTIONS_COUNT + 1] = {
#define VIEW(name, has_arg, synopsis, help) { #name, has_arg, &view_##name, synopsis, help },
#define HELP(synopsis, help) { NULL, no_argument, NULL, synopsis, help },
#include "views.def"
#undef VIEW
#undef HELP
	{ 0 },
};

/* Where the text of an entry starts, as in the rest of --help. */
#define HELP_INDENT 6
#define HELP_COLUMN 27

void view_options__print_help(FILE *f)
{
	for (const struct view_option *o = view_options; o->synopsis; o++) {
		const char *line = o->help;
		int width = HELP_COLUMN - HELP_INDENT - (int)strlen(o->synopsis);
		size_t len;

		/* A long synopsis keeps two spaces before its text. */
		fprintf(f, "%*s%s%*s", HELP_INDENT, "", o->synopsis, width < 2 ? 2 : width, "");
		for (;;) {
			len = strcspn(line, "\n");
			fprintf(f, "%.*s\n", (int)len, line);
			if (!line[len])
				break;
			line += len + 1;
			fprintf(f, "%*s", HELP_COLUMN, "");
		}
	}
}
