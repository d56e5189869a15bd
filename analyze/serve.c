// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * analyze --serve: the main thread follows the recording (follow.c) into
 * the live metrics and alert rules; libmicrohttpd's threads (one a
 * connection) answer from them under one lock, which the follower lets go
 * between batches of events. /api and /data read the recording anew for
 * each request (serve_api.c), with no state shared.
 */
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts.h"
#include "cli.h"
#include "follow.h"
#include "html_page.h"
#include "log.h"
#include "serve.h"

#define MAX_CONNECTIONS 256
#define CONNECTION_TIMEOUT_S 30 /* a client that stops reading is dropped */
#define THREAD_STACK (1u << 20)
#define ALERT_RING 1024         /* alerts kept for /events clients behind */
#define KEEPALIVE_S 15          /* an SSE comment when no alert came */
#define MAX_READINGS 16         /* /api and /data readings at once, at most */
#define PAGE_EVERY_NS 1000000000ull /* the page's data, read again at most so often */

/* The page's data, shared by the pages open (page_data). */
struct page_cache {
	pthread_mutex_t lock; /* held through a reading */
	char *data;
	size_t len;
	uint64_t made_ns, events; /* when, and the follower's count then */
};

struct serve {
	const char *base;
	const struct view_opts *o;
	const struct filter_opts *fo;
	pthread_mutex_t lock; /* everything below, and the follower's tape */
	pthread_cond_t alerted;
	sem_t readings;       /* serve__document's turns */
	struct page_cache page;
	struct tape *tape;    /* NULL while waiting for the first file */
	void *prom, *alerts;  /* the views' states, fed by the follower */
	struct report rep;    /* the alerts view's (unused: alerts go to the ring) */
	bool ended, closing;
	char why[512];        /* a read error that ended the following */
	char *ring[ALERT_RING];
	uint64_t nalerts;     /* alerts fired: ring[i % ALERT_RING] is alert i */
	uint64_t rate_ns, rate_events;
	double events_per_s;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The follower's view: the metrics and the alert rules. */
static void live_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct serve *s = state;

	view_prometheus.event(s->prom, t, rec);
	view_alerts.event(s->alerts, t, rec);
}

static const struct view view_live = { .name = "serve", .event = live_event };

/* An alert fired (the lock held, by the follower): into the ring. */
static void on_alert(void *ctx, const char *json, size_t len)
{
	struct serve *s = ctx;
	char **slot = &s->ring[s->nalerts % ALERT_RING];

	free(*slot);
	*slot = strndup(json, len);
	s->nalerts++;
	pthread_cond_broadcast(&s->alerted);
}

/* body (malloc'd) as the reply: libmicrohttpd frees it once sent. */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	/* the page loads nothing from elsewhere, and asks only this server */
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; script-src 'unsafe-inline'; "
				"style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A one-line reason, as text. */
static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, const char *fmt,
				   ...)
{
	char *msg = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MHD_NO;
	return reply(c, status, "text/plain; charset=utf-8", msg, n);
}

/* The memstream's text (open_memstream's buf and len) as the reply, or 500. */
static enum MHD_Result reply_stream(struct MHD_Connection *c, FILE *m, char **buf, size_t *len,
				    const char *type)
{
	if (fclose(m)) {
		free(*buf);
		return reply_error(c, 500, "out of memory\n");
	}
	return reply(c, 200, type, *buf, *len);
}

static uint64_t lost_events(const struct tape *t)
{
	uint64_t lost = 0;

	for (int m = 0; m < TT_MONITOR__COUNT; m++)
		lost += t->lost_events[m];
	return lost;
}

static const char *state_name(const struct serve *s)
{
	return !s->tape ? "waiting" : s->ended ? "ended" : "running";
}

/* /metrics: --format prometheus's exposition of the follower's counts,
 * then the recording's own; only its state while there is no file yet. */
static enum MHD_Result serve_metrics(struct serve *s, struct MHD_Connection *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct report rep = { .f = m };

	if (!m)
		return reply_error(c, 500, "out of memory\n");
	pthread_mutex_lock(&s->lock);
	if (s->tape) {
		view_prometheus.report(s->prom, s->tape, &rep);
		fprintf(m, "# HELP tracetape_events_lost_total Events the kernel could not deliver, all monitors.\n"
			"# TYPE tracetape_events_lost_total counter\n"
			"tracetape_events_lost_total %llu\n"
			"# HELP tracetape_events_total Events read from the recording, before the filters.\n"
			"# TYPE tracetape_events_total counter\n"
			"tracetape_events_total %llu\n"
			"# HELP tracetape_alerts_total Alerts fired by the rules.\n"
			"# TYPE tracetape_alerts_total counter\n"
			"tracetape_alerts_total %llu\n",
			(unsigned long long)lost_events(s->tape), (unsigned long long)s->tape->events,
			(unsigned long long)s->nalerts);
	}
	fprintf(m, "# HELP tracetape_recording_up 1 while the recording is written, else 0.\n"
		"# TYPE tracetape_recording_up gauge\n"
		"tracetape_recording_up %d\n"
		"# HELP tracetape_recording_ended 1 once the recording ended.\n"
		"# TYPE tracetape_recording_ended gauge\n"
		"tracetape_recording_ended %d\n",
		s->tape && !s->ended, s->tape && s->ended);
	pthread_mutex_unlock(&s->lock);
	return reply_stream(c, m, &buf, &len, "text/plain; version=0.0.4; charset=utf-8");
}

/* /state: what the page's header shows. */
static enum MHD_Result serve_state(struct serve *s, struct MHD_Connection *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	uint64_t now = now_ns();
	struct json j;

	if (!m)
		return reply_error(c, 500, "out of memory\n");
	json__init(&j, m);
	json__obj_begin(&j, NULL);
	pthread_mutex_lock(&s->lock);
	json__str(&j, "state", state_name(s));
	if (s->tape) {
		/* the rate over the time since an earlier request, a second at least */
		if (now - s->rate_ns >= 1000000000ull) {
			if (s->rate_ns)
				s->events_per_s = (s->tape->events - s->rate_events) * 1e9 /
						  (now - s->rate_ns);
			s->rate_ns = now;
			s->rate_events = s->tape->events;
		}
		json__str(&j, "file", tape__current_file(s->tape));
		json__uint(&j, "rotation", tape__current_seq(s->tape));
		json__uint(&j, "events", s->tape->events);
		json__double(&j, "events_per_s", s->events_per_s);
		json__uint(&j, "lost", lost_events(s->tape));
	}
	json__uint(&j, "alerts", s->nalerts);
	if (s->tape && s->tape->config)
		json__str(&j, "config", s->tape->config);
	else
		json__null(&j, "config");
	if (s->why[0])
		json__str(&j, "error", s->why);
	pthread_mutex_unlock(&s->lock);
	json__obj_end(&j);
	return reply_stream(c, m, &buf, &len, "application/json");
}

/* The query's parameters into the filters: the command line's names. */
struct query {
	struct filter_opts fo;
	char err[256];
};

static const struct option filter_options[] = { FILTER_LONG_OPTS, { 0 } };

static enum MHD_Result take_param(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct query *q = cls;
	const struct option *o;

	for (o = filter_options; o->name; o++)
		if (!strcmp(o->name, key))
			break;
	if (!o->name) {
		snprintf(q->err, sizeof(q->err), "unknown parameter '%.64s' (the filters: pid, "
			 "children, comm, container, syscalls, since, until, failed, utc)", key);
		return MHD_NO;
	}
	if (o->has_arg == required_argument && (!value || !*value)) {
		snprintf(q->err, sizeof(q->err), "parameter '%s' needs a value", key);
		return MHD_NO;
	}
	if (o->has_arg == no_argument && value && *value && strcmp(value, "1")) {
		snprintf(q->err, sizeof(q->err), "parameter '%s' takes no value (or 1)", key);
		return MHD_NO;
	}
	filter_opts__parse(&q->fo, o->val, value);
	return MHD_YES;
}

/* serve__document, as many at once as there are CPUs: the others wait
 * their turn, rather than share the CPUs and memory with them all. */
static int document(struct serve *s, const struct view *v, const struct filter_opts *fo,
		    char **out, size_t *len, char *err, size_t errlen)
{
	int ret;

	while (sem_wait(&s->readings) && errno == EINTR)
		;
	ret = serve__document(s->base, v, s->o, fo, out, len, err, errlen);
	sem_post(&s->readings);
	return ret;
}

/*
 * The page's data (/, and /data without parameters): read again only once
 * the last reading is a second old (or the recording ended) and the
 * recording grew since, so that every page open shares one reading a
 * second; a request waits for the reading under way rather than start
 * another.
 */
static int page_data(struct serve *s, char **out, size_t *len, char *err, size_t errlen)
{
	struct page_cache *pc = &s->page;
	uint64_t events;
	bool ended;
	int ret = 0;

	pthread_mutex_lock(&s->lock);
	events = s->tape ? s->tape->events : 0;
	ended = s->ended;
	pthread_mutex_unlock(&s->lock);
	pthread_mutex_lock(&pc->lock);
	/* once the recording has ended, its last numbers at once: a page
	 * loaded right after the end must not show a reading from before it */
	if (!pc->data || (events != pc->events &&
			  (ended || now_ns() - pc->made_ns >= PAGE_EVERY_NS))) {
		char *data;
		size_t dlen;

		ret = document(s, &view_html, s->fo, &data, &dlen, err, errlen);
		if (!ret) {
			free(pc->data);
			pc->data = data;
			pc->len = dlen;
			pc->made_ns = now_ns();
			pc->events = events;
		}
	}
	if (!ret && !(*out = malloc(pc->len ? pc->len : 1))) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	if (!ret) {
		memcpy(*out, pc->data, pc->len);
		*len = pc->len;
	}
	pthread_mutex_unlock(&pc->lock);
	return ret;
}

/* /api/VIEW and /data: a document of a reading of the recording now. */
static enum MHD_Result serve_document(struct serve *s, struct MHD_Connection *c,
				      const struct view *v)
{
	struct query q = { .fo = *s->fo };
	char err[512], *buf;
	size_t len;
	int n, ret;

	n = MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, take_param, &q);
	if (q.err[0])
		return reply_error(c, 400, "%s\n", q.err);
	if (v == &view_html && !n)
		ret = page_data(s, &buf, &len, err, sizeof(err));
	else
		ret = document(s, v, &q.fo, &buf, &len, err, sizeof(err));
	if (ret == -EAGAIN)
		return reply_error(c, 503, "waiting for %s\n", s->base);
	if (ret)
		return reply_error(c, ret == -EINVAL ? 400 : 500, "%s\n", err);
	return reply(c, 200, "application/json", buf, len);
}

/* /: the page, with the data of now; it fetches /data and /state again. */
static enum MHD_Result serve_page(struct serve *s, struct MHD_Connection *c)
{
	char err[512], *data, *title = NULL, *buf = NULL;
	size_t dlen, len = 0;
	FILE *m;
	int ret;

	ret = page_data(s, &data, &dlen, err, sizeof(err));
	if (ret == -EAGAIN)
		return reply_error(c, 503, "waiting for %s\n", s->base);
	if (ret)
		return reply_error(c, 500, "%s\n", err);
	m = open_memstream(&buf, &len);
	if (!m || asprintf(&title, "tracetape: %s", s->base) < 0 ||
	    html_page__write(m, title, data, dlen, true)) {
		if (m)
			fclose(m);
		free(buf);
		free(data);
		free(title);
		return reply_error(c, 500, "out of memory\n");
	}
	free(data);
	free(title);
	return reply_stream(c, m, &buf, &len, "text/html; charset=utf-8");
}

/* One /events client: the alerts from next on, each an SSE event. */
struct sse {
	struct serve *s;
	uint64_t next;
	char *out;
	size_t off, len;
	bool done;
};

/* The next event (or a keep-alive comment) into c->out; false at the end. */
static bool sse_fill(struct sse *c)
{
	struct serve *s = c->s;
	struct timespec until;
	FILE *m;

	free(c->out);
	c->out = NULL;
	c->off = c->len = 0;
	if (c->done)
		return false;
	m = open_memstream(&c->out, &c->len);
	if (!m)
		return false;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += KEEPALIVE_S;
	pthread_mutex_lock(&s->lock);
	while (c->next == s->nalerts && !s->ended && !s->closing &&
	       pthread_cond_timedwait(&s->alerted, &s->lock, &until) != ETIMEDOUT)
		;
	if (s->nalerts - c->next > ALERT_RING) {
		fprintf(m, ": %llu alerts left out (this client was behind)\n\n",
			(unsigned long long)(s->nalerts - c->next - ALERT_RING));
		c->next = s->nalerts - ALERT_RING;
	}
	if (c->next < s->nalerts) {
		/* a data: line each, for the JSON's lines */
		const char *p = s->ring[c->next % ALERT_RING];

		fprintf(m, "id: %llu\nevent: alert\n", (unsigned long long)c->next);
		while (p && *p) {
			size_t n = strcspn(p, "\n");

			fprintf(m, "data: %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
		fputc('\n', m);
		c->next++;
	} else if (s->ended || s->closing) {
		fputs("event: end\ndata: {}\n\n", m);
		c->done = true;
	} else {
		fputs(": keep-alive\n\n", m);
	}
	pthread_mutex_unlock(&s->lock);
	return !fclose(m);
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse *c = cls;
	size_t n;

	(void)pos;
	if (c->off == c->len && !sse_fill(c))
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = c->len - c->off < max ? c->len - c->off : max;
	memcpy(buf, c->out + c->off, n);
	c->off += n;
	return n;
}

static void sse_free(void *cls)
{
	struct sse *c = cls;

	free(c->out);
	free(c);
}

static enum MHD_Result serve_events(struct serve *s, struct MHD_Connection *c)
{
	struct sse *e = calloc(1, sizeof(*e));
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!e)
		return reply_error(c, 500, "out of memory\n");
	e->s = s;
	pthread_mutex_lock(&s->lock);
	e->next = s->nalerts; /* the alerts that fire from now on */
	pthread_mutex_unlock(&s->lock);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, e, sse_free);
	if (!r) {
		sse_free(e);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

/* The views /api/VIEW serves: views.def's, but those whose option needs an
 * argument (--flow, --html). */
static const struct view *api_view(const char *name)
{
	for (int i = 0; view_options[i].synopsis; i++)
		if (view_options[i].view && view_options[i].has_arg != required_argument &&
		    !strcmp(view_options[i].name, name))
			return view_options[i].view;
	return NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct serve *s = cls;
	const struct view *v;

	(void)version;
	(void)upload;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_error(c, 405, "%s: only GET and HEAD here\n", method);
	if (*upload_size)
		return reply_error(c, 400, "no request body here\n");
	if (!strcmp(url, "/"))
		return serve_page(s, c);
	if (!strcmp(url, "/data"))
		return serve_document(s, c, &view_html);
	if (!strcmp(url, "/state"))
		return serve_state(s, c);
	if (!strcmp(url, "/metrics"))
		return serve_metrics(s, c);
	if (!strcmp(url, "/events"))
		return serve_events(s, c);
	if (!strncmp(url, "/api/", 5) && (v = api_view(url + 5)))
		return serve_document(s, c, v);
	return reply_error(c, 404, "no such page (/, /metrics, /api/VIEW, /events, /state, "
			   "/data)\n");
}

/* The follower's views on the tape, then the following: 0 at the
 * recording's end or on a signal, or -errno with why saying why. */
static int follow(struct serve *s, int threads, char *why, size_t whylen)
{
	struct tape *t;
	int ret;

	ret = follow__open(&t, s->base, why, whylen);
	if (ret == -EINTR)
		return 0;
	if (ret)
		return ret;
	if (tape__filter(t, s->fo, why, whylen)) {
		tape__close(t);
		return -EINVAL;
	}
	tape__set_threads(t, threads);
	s->rep.f = stderr;
	s->prom = view_prometheus.new(t, s->o, &s->rep, why, whylen);
	s->alerts = s->prom ? view_alerts.new(t, s->o, &s->rep, why, whylen) : NULL;
	if (!s->alerts) {
		ret = errno == EINVAL ? -EINVAL : -ENOMEM;
		tape__close(t);
		return ret;
	}
	view_alerts__set_sink(s->alerts, on_alert, s);
	pthread_mutex_lock(&s->lock);
	s->tape = t;
	pthread_mutex_unlock(&s->lock);
	ret = follow__run(t, &view_live, s, s->o, NULL);
	if (ret < 0)
		snprintf(why, whylen, "%s", tape__error(t));
	return ret;
}

int serve__run(const struct serve_addr *a, const char *base, const struct view_opts *o,
	       const struct filter_opts *fo, int threads)
{
	struct serve s = { .base = base, .o = o, .fo = fo };
	sigset_t stops, mask;
	struct MHD_Daemon *d;
	char why[512];
	int status = EXIT_OK, ret;

	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.alerted, NULL);
	sem_init(&s.readings, 0, cli__default_threads(MAX_READINGS));
	pthread_mutex_init(&s.page.lock, NULL);
	signal(SIGPIPE, SIG_IGN);
	follow__set_lock(&s.lock);
	/* SIGINT and SIGTERM for the follower's thread, which naps on them:
	 * the server's threads start with them blocked */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stops, &mask);
	/* no MHD_USE_ERROR_LOG: its messages would repeat ours, naming port 0 */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			     (a->sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
			     0, NULL, NULL, handle, &s,
			     MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&a->sa,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
			     MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK,
			     MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	if (!d) {
		pr_warn("--serve %s: cannot listen there: %s", a->text,
			errno ? strerror(errno) : "libmicrohttpd refused");
		status = EXIT_FAIL;
		goto cleanup;
	}
	ret = follow(&s, threads, why, sizeof(why));
	pthread_mutex_lock(&s.lock);
	if (ret)
		snprintf(s.why, sizeof(s.why), "%s", why);
	s.ended = true;
	pthread_cond_broadcast(&s.alerted);
	pthread_mutex_unlock(&s.lock);
	if (ret) {
		pr_warn("%s", s.why);
		status = ret == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
	}
	/* the recording ended: its numbers stay served until a signal */
	if (!ret || s.tape)
		while (!follow__stopped())
			usleep(100000); /* cut short by the signal */
	pthread_mutex_lock(&s.lock);
	s.closing = true;
	pthread_cond_broadcast(&s.alerted);
	pthread_mutex_unlock(&s.lock);
	MHD_stop_daemon(d);
cleanup:
	follow__set_lock(NULL);
	if (s.alerts)
		view_alerts.free(s.alerts);
	if (s.prom)
		view_prometheus.free(s.prom);
	tape__close(s.tape);
	for (int i = 0; i < ALERT_RING; i++)
		free(s.ring[i]);
	free(s.page.data);
	pthread_mutex_destroy(&s.page.lock);
	sem_destroy(&s.readings);
	pthread_cond_destroy(&s.alerted);
	pthread_mutex_destroy(&s.lock);
	return status;
}

const char *serve__library_version(void)
{
	return MHD_get_version();
}
