// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The workload of tests/flow_calls.sh (analyze --flow --calls): one TCP
 * connection over loopback, and a thread that has nothing to do with it but
 * calls the same functions at the same time:
 *   flow_prog PORT
 * main listens on 127.0.0.1:PORT; thread "fpsrv" accepts and echoes each
 * message upper-cased (fp_echo: recv, send) until EOF; thread "fpcli"
 * connects and sends three words (fp_exchange: send, recv), 20 ms apart,
 * and 20 ms before connecting and after closing calls fp_aside (send and
 * recv on a socketpair of its own); thread "fpbys" calls fp_bystand (the
 * same) every 2 ms from before the connection until after it. Each prints
 * its thread id, so the test knows which tree is whose.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int port, lfd;
static atomic_int bys_rounds, bys_stop;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void say(const char *who)
{
	pthread_setname_np(pthread_self(), who);
	printf("%s %d\n", who, gettid());
	fflush(stdout);
}

/* One message in, the same upper-cased out; 0 at EOF. */
__attribute__((noinline)) int fp_echo(int fd)
{
	char buf[64];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);

	for (ssize_t i = 0; i < n; i++)
		buf[i] = toupper((unsigned char)buf[i]);
	if (n > 0 && send(fd, buf, n, 0) != n)
		die("send");
	return n > 0;
}

__attribute__((noinline)) void fp_exchange(int fd, const char *word)
{
	char buf[64];

	if (send(fd, word, strlen(word), 0) != (ssize_t)strlen(word) ||
	    recv(fd, buf, sizeof(buf), 0) <= 0)
		die("exchange");
}

/* One byte through a socketpair: send and recv with no packet. */
static void pair_round(int fd[2])
{
	char c;

	if (send(fd[0], "x", 1, 0) != 1 || recv(fd[1], &c, 1, 0) != 1)
		die("socketpair round");
}

__attribute__((noinline)) void fp_bystand(int fd[2])
{
	pair_round(fd);
}

__attribute__((noinline)) void fp_aside(int fd[2])
{
	pair_round(fd);
}

static void *server(void *arg)
{
	int fd;

	(void)arg;
	say("fpsrv");
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	while (fp_echo(fd))
		;
	close(fd);
	return NULL;
}

static void *client(void *arg)
{
	static const char *const words[] = { "hello", "flow", "bye" };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, pair[2];

	(void)arg;
	say("fpcli");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair))
		die("socketpair");
	fp_aside(pair);
	usleep(20000);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	for (int i = 0; i < 3; i++) {
		usleep(20000);
		fp_exchange(fd, words[i]);
	}
	close(fd);
	usleep(20000);
	fp_aside(pair);
	return NULL;
}

static void *bystander(void *arg)
{
	int fd[2];

	(void)arg;
	say("fpbys");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd))
		die("socketpair");
	while (!bys_stop) {
		fp_bystand(fd);
		bys_rounds++;
		usleep(2000);
	}
	return NULL;
}

/* Until the bystander has done n more rounds. */
static void wait_rounds(int n)
{
	int until = bys_rounds + n;

	while (bys_rounds < until)
		usleep(1000);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	pthread_t srv, cli, bys;
	int one = 1;

	if (argc != 2 || (port = atoi(argv[1])) <= 0 || port > 65535) {
		fprintf(stderr, "usage: flow_prog PORT\n");
		return 2;
	}
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 4))
		die("listen");
	if (pthread_create(&bys, NULL, bystander, NULL))
		die("pthread_create");
	wait_rounds(3);
	if (pthread_create(&srv, NULL, server, NULL) || pthread_create(&cli, NULL, client, NULL))
		die("pthread_create");
	pthread_join(cli, NULL);
	pthread_join(srv, NULL);
	wait_rounds(3);
	bys_stop = 1;
	pthread_join(bys, NULL);
	return 0;
}
