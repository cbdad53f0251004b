// SPDX-License-Identifier: GPL-2.0
/*
 * ballast FLOOR_MIB SECONDS: memory pressure without swap and without the
 * OOM killer.  For SECONDS, every 20 ms: while MemAvailable is above
 * FLOOR_MIB + 64 MiB, map and touch another 16 MiB chunk; when it falls
 * below FLOOR_MIB, unmap chunks until it is back.  The kernel sits at its
 * watermarks the whole time (kswapd, compaction, THP allocation failures).
 * Prints "ballast: at-floor" once it first gets there, and at the end
 * (SECONDS, or SIGTERM) "ballast: floor_mib=N held_max_mib=N
 * avail_min_mib=N grabs=N releases=N".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CHUNK		(16UL << 20)
#define MAX_CHUNKS	4096

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static long avail_mib(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

int main(int argc, char **argv)
{
	static void *chunks[MAX_CHUNKS];
	long floor_mib, secs, a, amin = -1;
	unsigned long grabs = 0, releases = 0;
	int n = 0, nmax = 0, at_floor = 0;
	time_t end;

	if (argc < 3) {
		fprintf(stderr, "usage: ballast FLOOR_MIB SECONDS\n");
		return 2;
	}
	floor_mib = atol(argv[1]);
	secs = atol(argv[2]);
	end = time(NULL) + secs;
	signal(SIGTERM, on_term);
	while (!stop && time(NULL) < end) {
		a = avail_mib();
		if (amin < 0 || a < amin)
			amin = a;
		if (!at_floor && a <= floor_mib + 64) {
			at_floor = 1;
			printf("ballast: at-floor\n");
			fflush(stdout);
		}
		if (a > floor_mib + 64 && n < MAX_CHUNKS) {
			void *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p != MAP_FAILED) {
				memset(p, 0x5a, CHUNK);
				chunks[n++] = p;
				grabs++;
				if (n > nmax)
					nmax = n;
				continue;
			}
		}
		while (a < floor_mib && n > 0) {
			munmap(chunks[--n], CHUNK);
			releases++;
			a += CHUNK >> 20;
		}
		usleep(20000);
	}
	printf("ballast: floor_mib=%ld held_max_mib=%lu avail_min_mib=%ld grabs=%lu releases=%lu\n",
	       floor_mib, nmax * (CHUNK >> 20), amin, grabs, releases);
	return 0;
}
