// SPDX-License-Identifier: GPL-2.0
/*
 * madvfloor [MIB] [REPS]: the floor for reclaim on this host.  Touches MIB
 * MiB (default 512) of anonymous memory and times one
 * madvise(MADV_DONTNEED) of it, REPS times (default 3):
 *   - THP-backed: a 2 MiB-aligned mapping with MADV_HUGEPAGE (measured
 *     first: a VMA once MADV_NOHUGEPAGE keeps faulting 4 KiB pages);
 *   - 4 KiB-backed: a fresh mapping with MADV_NOHUGEPAGE.
 * Prints one "madvfloor: kind=... ms=... anonhuge_kib=..." line per run and
 * "IMR-REPORT floor mib=M thp_ms=MEDIAN k4_ms=MEDIAN thp_min_ms= k4_min_ms=
 * thp_gibps=".
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long anon_huge_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static double one(size_t len, int huge)
{
	size_t map = len + (2 << 20), i;
	char *raw, *p;
	double t;
	long ah;

	raw = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	p = (char *)(((uintptr_t)raw + (2 << 20) - 1) & ~(uintptr_t)((2 << 20) - 1));
	madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	for (i = 0; i < len; i += 4096)
		p[i] = (char)(i >> 12) | 1;
	ah = anon_huge_kib();
	t = now_ms();
	if (madvise(p, len, MADV_DONTNEED)) {
		perror("madvise");
		exit(1);
	}
	t = now_ms() - t;
	munmap(raw, map);
	printf("madvfloor: kind=%s ms=%.2f anonhuge_kib=%ld\n", huge ? "thp" : "4k", t, ah);
	return t;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 512;
	int reps = argc > 2 ? atoi(argv[2]) : 3, i;
	double thp[32], k4[32];

	if (reps < 1 || reps > 32 || !mib) {
		fprintf(stderr, "usage: madvfloor [MIB] [REPS<=32]\n");
		return 2;
	}
	for (i = 0; i < reps; i++)
		thp[i] = one(mib << 20, 1);
	for (i = 0; i < reps; i++)
		k4[i] = one(mib << 20, 0);
	qsort(thp, reps, sizeof(double), cmp);
	qsort(k4, reps, sizeof(double), cmp);
	printf("IMR-REPORT floor mib=%zu thp_ms=%.2f k4_ms=%.2f thp_min_ms=%.2f k4_min_ms=%.2f thp_gibps=%.2f k4_gibps=%.2f reps=%d\n",
	       mib, thp[reps / 2], k4[reps / 2], thp[0], k4[0],
	       mib / 1024.0 / (thp[reps / 2] / 1e3), mib / 1024.0 / (k4[reps / 2] / 1e3), reps);
	return 0;
}
