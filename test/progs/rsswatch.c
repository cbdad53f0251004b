// SPDX-License-Identifier: GPL-2.0
/*
 * rsswatch: the host's view of a guest's memory, cheaply.
 *
 *   rsswatch [-m] [-i MS] PID LOG     sample /proc/PID/status VmRSS every MS
 *                                     milliseconds (default 5) and timestamp
 *                                     every "IMR-MARK <text>" line that the
 *                                     guest's console LOG gains; stop when
 *                                     PID exits.  Prints "S <ms> <kib>" and
 *                                     "M <ms> <text>" lines; with -m, "S <ms>
 *                                     <kib> <used_kib>", used_kib being this
 *                                     host's MemTotal - MemFree.
 *   rsswatch -a NAME FROM TO KIB TRACE
 *                                     analyse a trace: from mark FROM, how
 *                                     long until 50/90/98% of KIB left the
 *                                     RSS, and what share had left by mark
 *                                     TO (the end of the window).
 *   rsswatch -u NAME FROM TO KIB TRACE
 *                                     the same for used_kib (a -m trace):
 *                                     memory the host really has again.  A
 *                                     zap of less than 2 MiB inside a THP
 *                                     lowers the RSS but frees nothing until
 *                                     the THP is split (deferred, under
 *                                     memory pressure), so RSS overstates
 *                                     what comes back in small pieces.
 *
 * A shell loop costs milliseconds per sample under TCG; this costs
 * microseconds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../tools/readfile.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* VmRSS of pid in KiB, or -1 once the process is gone. */
static long read_rss_kib(const char *path)
{
	char buf[4096];
	char *p;

	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "VmRSS:");
	return p ? strtol(p + 6, NULL, 10) : -1;
}

/* Print every new IMR-MARK line of the log; keeps a partial-line buffer. */
static void scan_log(int fd, double t)
{
	static char line[512];
	static size_t len;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			char c = buf[i];

			if (c != '\n' && c != '\r') {
				if (len < sizeof(line) - 1)
					line[len++] = c;
				continue;
			}
			line[len] = 0;
			if (!strncmp(line, "IMR-MARK ", 9))
				printf("M %.1f %s\n", t, line + 9);
			len = 0;
		}
	}
}

/* MemTotal - MemFree of this host in KiB, or -1. */
static long read_used_kib(void)
{
	char buf[4096];
	char *t, *f;

	if (read_small("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	t = strstr(buf, "MemTotal:");
	f = strstr(buf, "MemFree:");
	if (!t || !f)
		return -1;
	return strtol(t + 9, NULL, 10) - strtol(f + 8, NULL, 10);
}

static int watch(int interval_ms, bool used, const char *pid, const char *log)
{
	char path[64];
	double t0 = now_ms();
	int fd = -1;
	long rss;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		double t = now_ms() - t0;

		if (fd < 0)
			fd = open(log, O_RDONLY);
		if (fd >= 0)
			scan_log(fd, t);
		rss = read_rss_kib(path);
		if (rss <= 0)
			break;
		if (used)
			printf("S %.1f %ld %ld\n", t, rss, read_used_kib());
		else
			printf("S %.1f %ld\n", t, rss);
		usleep(interval_ms * 1000);
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

struct sample {
	double t;
	long kib;
};

/* @used: analyse a -m trace's used_kib column instead of the RSS. */
static int analyse(const char *name, const char *mark, const char *end,
		   long want_kib, bool used, const char *trace)
{
	static const int pct[] = { 50, 90, 98 };
	double tx[3] = { -1, -1, -1 };
	double t_mark = -1, t_last = 0;
	long base = -1, last = -1, prev = -1;
	char line[600], text[512];
	FILE *f = fopen(trace, "r");
	double t;
	long kib, hk;

	if (!f) {
		perror(trace);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "M %lf %511[^\n]", &t, text) == 2) {
			if (t_mark < 0 && !strcmp(text, mark)) {
				t_mark = t;
				base = prev;
			} else if (t_mark >= 0 && !strcmp(text, end)) {
				break;
			}
			continue;
		}
		if (used ? sscanf(line, "S %lf %ld %ld", &t, &hk, &kib) != 3
			 : sscanf(line, "S %lf %ld", &t, &kib) != 2)
			continue;
		prev = kib;
		if (t_mark < 0 || base < 0)
			continue;
		last = kib;
		t_last = t;
		for (int i = 0; i < 3; i++)
			if (tx[i] < 0 && (base - kib) * 100 >= want_kib * pct[i])
				tx[i] = t - t_mark;
	}
	fclose(f);
	if (t_mark < 0 || base < 0 || last < 0) {
		printf("IMR-REPORT %s error=no-mark-%s\n", name, mark);
		return 1;
	}
	printf("IMR-REPORT %s base_kib=%ld end_kib=%ld returned_kib=%ld share_pct=%.1f "
	       "t50_ms=%.0f t90_ms=%.0f t98_ms=%.0f window_ms=%.0f\n",
	       name, base, last, base - last, 100.0 * (base - last) / want_kib,
	       tx[0], tx[1], tx[2], t_last - t_mark);
	return 0;
}

int main(int argc, char **argv)
{
	bool used = false;
	int interval = 5;

	if (argc == 7 && (!strcmp(argv[1], "-a") || !strcmp(argv[1], "-u")))
		return analyse(argv[2], argv[3], argv[4], atol(argv[5]),
			       argv[1][1] == 'u', argv[6]);
	if (argc >= 2 && !strcmp(argv[1], "-m")) {
		used = true;
		argv++;
		argc--;
	}
	if (argc == 5 && !strcmp(argv[1], "-i")) {
		interval = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 3 || interval <= 0) {
		fprintf(stderr, "usage: rsswatch [-m] [-i MS] PID LOG | rsswatch -a|-u NAME FROM TO KIB TRACE\n");
		return 2;
	}
	return watch(interval, used, argv[1], argv[2]);
}
