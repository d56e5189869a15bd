/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rec's command line: getopt_long's tables, --help and the dispatch, all
 * made from the settings rows (rec_config.c), plus the few options that are
 * not settings.
 */
#ifndef __TT_REC_OPTIONS_H
#define __TT_REC_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "rec_config.h"

struct rec_getopt {
	struct option *longopts; /* the settings' options, then rec's own; a zeroed entry ends it */
	char *shortopts;
	int nrows;               /* settings rows, with an option or not */
};

/* 0 or -ENOMEM. */
int rec_getopt__init(struct rec_getopt *g);
void rec_getopt__free(struct rec_getopt *g);

/* rec --help. */
void rec_options__usage(FILE *f);

/*
 * c from the defaults, the --config file, then the other options. Returns
 * 0, or a negative errno with the error said; -h and -V print and exit 0.
 * *cmd_index: argv's index of the COMMAND after "--" (argc for none).
 */
int rec_options__parse(int argc, char **argv, struct rec_config *c, int *cmd_index);

#endif /* __TT_REC_OPTIONS_H */
