/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The HTML report's page: inline CSS and a small inline script that draws
 * the charts (SVG) from the report's JSON, embedded in the page. No network.
 */
#ifndef __TT_HTML_PAGE_H
#define __TT_HTML_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Write the page around data (a JSON document of len bytes) to f; live:
 * analyze --serve's, which fetches its data and state again every second. */
int html_page__write(FILE *f, const char *title, const char *data, size_t len, bool live);

#endif /* __TT_HTML_PAGE_H */
