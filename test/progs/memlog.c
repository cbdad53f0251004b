// SPDX-License-Identifier: GPL-2.0
/*
 * memlog [-i MS] [PID...]: the L2 host's memory over time.  Every MS
 * milliseconds (default 100) prints "H <ms> <MemAvailable kib> <rss kib of
 * each PID, 0 once gone>" until killed.  Cheap enough to run
 * beside a benchmark under TCG.
 */
#define _GNU_SOURCE
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

static long field(const char *path, const char *key)
{
	char buf[8192], *p;

	if (read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	int interval = 100, i;
	double t0 = now_ms();
	char path[64];

	if (argc > 2 && !strcmp(argv[1], "-i")) {
		interval = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (interval <= 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		printf("H %.0f %ld", now_ms() - t0, field("/proc/meminfo", "MemAvailable:"));
		for (i = 1; i < argc; i++) {
			snprintf(path, sizeof(path), "/proc/%s/status", argv[i]);
			printf(" %ld", field(path, "VmRSS:"));
		}
		printf("\n");
		usleep(interval * 1000);
	}
}
