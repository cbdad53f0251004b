// SPDX-License-Identifier: GPL-2.0
/*
 * memtouch MIB [HOLD_MS [STAY_MS [THREADS]]]: map MIB MiB of anonymous
 * memory, write every page, print "IMR-MARK touched", wait HOLD_MS
 * (default 500), print "IMR-MARK free", unmap it and print how long the
 * guest's own munmap took.  Then stay alive STAY_MS (default 0) before
 * exiting: a process that exits flushes its CPU's per-CPU free lists into
 * the buddy allocator, one that keeps running (a database dropping a
 * cache) does not, so the host's view of the release differs.
 *
 * THREADS (default 1): the memory is split into that many slices, each
 * touched and unmapped by a thread pinned to its own CPU (thread i on CPU
 * i modulo the CPUs online), so the frees land on several CPUs' lists.
 * The host times the release of the memory from the "free" mark.
 *
 * SIGUSR1 ends the hold early: a script frees the memory the moment
 * something else ends (bench_release's reuse-heavy phase before a free).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "imrmark.h"

#define MAX_THREADS 64

struct slice {
	pthread_t tid;
	int cpu;
	char *p;
	size_t len;
};

static pthread_barrier_t touched, go, unmapped;
static volatile sig_atomic_t woken;

static void on_usr1(int sig)
{
	(void)sig;
	woken = 1;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * HOLD_MS, or until SIGUSR1, looking every 10 ms at most (the signal may
 * go to a slice thread, so the main thread's sleep is not interrupted).
 */
static void hold(int ms)
{
	double end = now_us() + ms * 1e3, left;

	while (!woken && (left = end - now_us()) > 0)
		usleep(left < 1e4 ? (useconds_t)left : 10000);
}

static void *run_slice(void *arg)
{
	struct slice *s = arg;
	cpu_set_t set;
	size_t i;

	CPU_ZERO(&set);
	CPU_SET(s->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("sched_setaffinity");
	for (i = 0; i < s->len; i += 4096)
		s->p[i] = (char)(i >> 12) | 1;
	pthread_barrier_wait(&touched);
	pthread_barrier_wait(&go);
	munmap(s->p, s->len);
	pthread_barrier_wait(&unmapped);
	return NULL;
}

int main(int argc, char **argv)
{
	struct slice sl[MAX_THREADS];
	int hold_ms, stay_ms, n, i, cpus;
	size_t len, part;
	double t;
	char *p;

	if (argc < 2) {
		fprintf(stderr, "usage: memtouch MIB [HOLD_MS [STAY_MS [THREADS]]]\n");
		return 2;
	}
	len = strtoul(argv[1], NULL, 0) << 20;
	hold_ms = argc > 2 ? atoi(argv[2]) : 500;
	stay_ms = argc > 3 ? atoi(argv[3]) : 0;
	n = argc > 4 ? atoi(argv[4]) : 1;
	if (n < 1 || n > MAX_THREADS) {
		fprintf(stderr, "memtouch: THREADS must be 1..%d\n", MAX_THREADS);
		return 2;
	}
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	signal(SIGUSR1, on_usr1);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/*
	 * Slices of whole 2 MiB.  The mapping itself need not be 2 MiB
	 * aligned (6.1), so a THP may straddle two slices: the second
	 * munmap frees it.
	 */
	part = (len / n) & ~((2UL << 20) - 1);
	pthread_barrier_init(&touched, NULL, n + 1);
	pthread_barrier_init(&go, NULL, n + 1);
	pthread_barrier_init(&unmapped, NULL, n + 1);
	for (i = 0; i < n; i++) {
		sl[i].cpu = i % (cpus > 0 ? cpus : 1);
		sl[i].p = p + i * part;
		sl[i].len = i == n - 1 ? len - i * part : part;
		int err = pthread_create(&sl[i].tid, NULL, run_slice, &sl[i]);

		if (err) {
			fprintf(stderr, "memtouch: pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	pthread_barrier_wait(&touched);
	imr_mark("touched");
	hold(hold_ms);
	imr_mark("free");
	t = now_us();
	pthread_barrier_wait(&go);
	pthread_barrier_wait(&unmapped);
	printf("memtouch: munmap_us=%.0f threads=%d\n", now_us() - t, n);
	fflush(stdout);
	for (i = 0; i < n; i++)
		pthread_join(sl[i].tid, NULL);
	usleep(stay_ms * 1000);
	return 0;
}
