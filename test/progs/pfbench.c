// SPDX-License-Identifier: GPL-2.0
/*
 * pfbench [-n] SECONDS MIB: a page_fault1-style microbenchmark.  For SECONDS
 * seconds: mmap MIB MiB of anonymous memory, write one byte per 4 KiB page,
 * munmap; repeat.  -n: MADV_NOHUGEPAGE (4 KiB faults), else the kernel's
 * THP default.  Prints
 *   pfbench: thp=0|1 pages_per_s= loops= wall_s= proc_sys_s= proc_user_s=
 *            cpu_sys_s= cpu_busy_s=
 * proc_* from getrusage(RUSAGE_SELF); cpu_* from /proc/stat over the run
 * (all CPUs; sys = system + irq + softirq, busy = everything but idle and
 * iowait), which also counts kernel work done outside this process (kworkers
 * that report free memory).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* system+irq+softirq and busy ticks, all CPUs. */
static void cpu_ticks(double *sys, double *busy)
{
	unsigned long long u, n, s, idle, io, irq, sirq, st;
	FILE *f = fopen("/proc/stat", "r");

	*sys = *busy = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &u, &n, &s, &idle, &io,
		   &irq, &sirq, &st) == 8) {
		*sys = s + irq + sirq;
		*busy = u + n + s + irq + sirq + st;
	}
	fclose(f);
}

static double tv(struct timeval t)
{
	return t.tv_sec + t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	double secs, t0, t, sys0, busy0, sys1, busy1, hz = sysconf(_SC_CLK_TCK);
	unsigned long long pages = 0, loops = 0;
	struct rusage r0, r1;
	int nohuge = 0;
	size_t len, i;

	if (argc > 1 && !strcmp(argv[1], "-n")) {
		nohuge = 1;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: pfbench [-n] SECONDS MIB\n");
		return 2;
	}
	secs = atof(argv[1]);
	len = strtoul(argv[2], NULL, 0) << 20;
	getrusage(RUSAGE_SELF, &r0);
	cpu_ticks(&sys0, &busy0);
	t0 = now_s();
	do {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		if (nohuge)
			madvise(p, len, MADV_NOHUGEPAGE);
		for (i = 0; i < len; i += 4096)
			p[i] = 1;
		munmap(p, len);
		pages += len / 4096;
		loops++;
		t = now_s() - t0;
	} while (t < secs);
	cpu_ticks(&sys1, &busy1);
	getrusage(RUSAGE_SELF, &r1);
	printf("pfbench: thp=%d pages_per_s=%.0f loops=%llu wall_s=%.3f proc_sys_s=%.3f proc_user_s=%.3f cpu_sys_s=%.3f cpu_busy_s=%.3f\n",
	       !nohuge, pages / t, loops, t, tv(r1.ru_stime) - tv(r0.ru_stime),
	       tv(r1.ru_utime) - tv(r0.ru_utime), (sys1 - sys0) / hz, (busy1 - busy0) / hz);
	return 0;
}
