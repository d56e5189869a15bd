// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* analyze --follow: the read loop over a growing trace, and the live screen. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "follow.h"
#include "hmap.h"
#include "human.h"
#include "log.h"

#define POLL_NS 100000000ull   /* how often a quiet trace is looked at again */
#define SCREEN_NS 1000000000ull /* rec flushes at least every second, too */
/* Quiet this long with no recorder writing the file: it will not grow. */
#define DEAD_NS 5000000000ull
#define CHECK_EVERY 4096        /* events between looks at the clock */

static volatile sig_atomic_t stop;
/* --serve: held while the tape is read, so that others may look at it */
static pthread_mutex_t *tape_lock;

void follow__set_lock(pthread_mutex_t *lock)
{
	tape_lock = lock;
}

bool follow__stopped(void)
{
	return stop;
}

static void lock(void)
{
	if (tape_lock)
		pthread_mutex_lock(tape_lock);
}

static void unlock(void)
{
	if (tape_lock)
		pthread_mutex_unlock(tape_lock);
}

static void on_signal(int sig)
{
	stop = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* no SA_RESTART: a signal cuts the sleep short */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void nap(uint64_t ns)
{
	struct timespec ts = { ns / 1000000000ull, ns % 1000000000ull };

	nanosleep(&ts, NULL);
}

int follow__open(struct tape **out, const char *base, char *err, size_t errlen)
{
	bool told = false;
	int ret;

	catch_signals();
	while ((ret = tape__open_follow(out, base, err, errlen)) == -EAGAIN) {
		if (stop)
			return -EINTR;
		if (!told)
			pr_warn("waiting for %s (%s)", base, err);
		told = true;
		nap(POLL_NS);
	}
	return ret;
}

/* The live screen: totals and the rates of the last interval. */
struct counter {
	uint64_t total, prev;
};

struct screen {
	FILE *f;
	bool tty;
	int top_n;
	struct counter by_nr[SYSCALL_MAX_NR];
	struct hmap *by_pid; /* u32 pid -> struct counter */
	struct counter events, errors, lost;
	uint64_t last_ns;
};

static void screen__event(struct screen *s, struct tape *t, const struct tt_record *rec)
{
	const struct tt_syscall *sc = &rec->syscall;
	struct counter *c;
	bool created;

	if (rec->type != TT_REC_SYSCALL)
		return;
	s->events.total++;
	if (syscall_failed(sc->ret))
		s->errors.total++;
	if (sc->nr < SYSCALL_MAX_NR)
		s->by_nr[sc->nr].total++;
	c = hmap__get(s->by_pid, &sc->pid, sizeof(sc->pid), true, &created);
	if (c)
		c->total++;
	if (created) /* a row, named when shown */
		procs__hold(t->procs, sc->pid);
}

struct row {
	uint64_t key, rate, total;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate > y->rate ? -1 : 1;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Rates per second from counts over dt ns; prev catches up with total. */
static uint64_t rate(struct counter *c, uint64_t dt)
{
	uint64_t r = dt ? (c->total - c->prev) * 1000000000ull / dt : 0;

	c->prev = c->total;
	return r;
}

static void screen__draw(struct screen *s, struct tape *t, uint64_t now)
{
	uint64_t dt = now - s->last_ns, lost = 0;
	size_t n = 0, npid = hmap__count(s->by_pid);
	struct hmap_entry *e = hmap__entries(s->by_pid, NULL);
	struct row *rows = calloc(SYSCALL_MAX_NR + npid + 1, sizeof(*rows));
	char when[64];
	FILE *f = s->f;

	for (int m = 0; m < TT_MONITOR__COUNT; m++)
		lost += t->lost_events[m];
	s->lost.total = lost;
	s->last_ns = now;
	if (s->tty)
		fputs("\033[H\033[2J", f);
	human__time(when, sizeof(when), tape__unix_ns(t, t->last_ts), HUMAN_TIME_CLOCK, t->utc);
	fprintf(f, "%s  trace %s  events %llu  syscalls %llu (%llu/s)  errors %llu (%llu/s)  "
		"lost %llu (%llu/s)\n", t->events ? when : "-",
		tape__current_file(t), (unsigned long long)t->events,
		(unsigned long long)s->events.total, (unsigned long long)rate(&s->events, dt),
		(unsigned long long)s->errors.total, (unsigned long long)rate(&s->errors, dt),
		(unsigned long long)lost, (unsigned long long)rate(&s->lost, dt));
	if (!rows)
		goto out;
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++)
		if (s->by_nr[nr].total)
			rows[n++] = (struct row){ nr, rate(&s->by_nr[nr], dt), s->by_nr[nr].total };
	qsort(rows, n, sizeof(*rows), cmp_row);
	fprintf(f, "\n%-20s %10s %12s\n", "SYSCALL", "CALLS/S", "TOTAL");
	for (size_t i = 0; i < n && (int)i < s->top_n; i++)
		fprintf(f, "%-20s %10llu %12llu\n", decode__syscall_label(t, rows[i].key),
			(unsigned long long)rows[i].rate, (unsigned long long)rows[i].total);
	n = 0;
	for (size_t i = 0; e && i < npid; i++)
		rows[n++] = (struct row){ *(const uint32_t *)e[i].key, rate(e[i].value, dt),
					  ((struct counter *)e[i].value)->total };
	qsort(rows, n, sizeof(*rows), cmp_row);
	fprintf(f, "\n%-8s %-16s %10s %12s\n", "PID", "COMM", "CALLS/S", "TOTAL");
	for (size_t i = 0; i < n && (int)i < s->top_n; i++) {
		/* a process chose its name: escaped for the terminal */
		char *comm = decode__plain_dup(procs__comm(t->procs, rows[i].key));

		fprintf(f, "%-8llu %-16s %10llu %12llu\n", (unsigned long long)rows[i].key,
			comm ? comm : "?", (unsigned long long)rows[i].rate,
			(unsigned long long)rows[i].total);
		free(comm);
	}
	if (!s->tty)
		fputc('\n', f);
out:
	fflush(f);
	free(rows);
	free(e);
}

/* Everything readable now into the view; -EAGAIN once caught up, 0 at the
 * recording's end, or a read error. */
static int follow__read(struct tape *t, const struct view *v, void *state, struct screen *s,
			bool until_caught_up)
{
	const struct tt_record *rec;
	uint64_t n = 0;
	int ret;

	lock();
	while ((ret = tape__next(t, &rec)) > 0) {
		v->event(state, t, rec);
		if (s)
			screen__event(s, t, rec);
		if (++n % CHECK_EVERY == 0) {
			unlock(); /* a reader of the tape gets its turn */
			lock();
		}
		/* a busy trace still gets its screen, and stops on a signal */
		if (n % CHECK_EVERY == 0 && !until_caught_up) {
			if (stop) {
				ret = -EAGAIN;
				break;
			}
			if (s && now_ns() - s->last_ns >= SCREEN_NS)
				screen__draw(s, t, now_ns());
		}
	}
	unlock();
	return ret;
}

int follow__run(struct tape *t, const struct view *v, void *state, const struct view_opts *o,
		FILE *screen)
{
	struct screen *s = NULL;
	uint64_t idle_since = now_ns();
	int ret, dead = 0;

	if (screen) {
		s = calloc(1, sizeof(*s));
		if (!s || !(s->by_pid = hmap__new(sizeof(struct counter)))) {
			free(s);
			return -ENOMEM;
		}
		s->f = screen;
		s->tty = isatty(fileno(screen));
		s->top_n = o->top_n;
		s->last_ns = now_ns();
	}
	catch_signals();
	for (;;) {
		uint64_t before = t->events, now;

		ret = follow__read(t, v, state, s, false);
		if (ret != -EAGAIN || stop)
			break;
		now = now_ns();
		if (t->events != before)
			idle_since = now;
		/* events wait in the reorder window for later ones: with none
		 * coming, let them out */
		else if (now - idle_since >= SCREEN_NS) {
			lock();
			tape__flush(t);
			unlock();
		}
		/* A killed rec leaves a .partial that never grows again. */
		if (now - idle_since >= DEAD_NS) {
			lock();
			dead = tape__check_writer(t);
			unlock();
			if (dead)
				break;
		}
		if (s && now - s->last_ns >= SCREEN_NS)
			screen__draw(s, t, now);
		nap(POLL_NS);
	}
	if (ret == -EAGAIN) {
		/* stopped (or the writer is gone): what was written so far counts */
		ret = follow__read(t, v, state, s, true);
		if (ret == -EAGAIN) {
			lock();
			tape__flush(t);
			unlock();
			ret = follow__read(t, v, state, s, true);
		}
		if (ret == -EAGAIN)
			ret = dead;
	}
	if (s) {
		hmap__free(s->by_pid);
		free(s);
	}
	return ret;
}
