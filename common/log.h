/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Messages to stderr, prefixed with the program name (tcpdump's error()). */
#ifndef __TT_LOG_H
#define __TT_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_WARN = 0, /* always shown */
	LOG_INFO = 1, /* -v */
	LOG_DEBUG = 2, /* -vv, includes libbpf's debug output */
};

/* Exit statuses of every tool. */
#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

void log__init(const char *progname);
void log__set_level(enum log_level level);
enum log_level log__level(void);
const char *log__progname(void);

void pr_log(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define pr_warn(...) pr_log(LOG_WARN, __VA_ARGS__)
#define pr_info(...) pr_log(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) pr_log(LOG_DEBUG, __VA_ARGS__)

/* "prog: message" and exit with status. */
void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

#endif /* __TT_LOG_H */
