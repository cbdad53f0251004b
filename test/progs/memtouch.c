// SPDX-License-Identifier: GPL-2.0
/*
 * memtouch MIB [HOLD_MS]: map MIB MiB of anonymous memory, write every page,
 * print "IMR-MARK touched", wait HOLD_MS, print "IMR-MARK free", unmap it and
 * print how long the guest's own munmap took.  The host times the release
 * of the memory from the "free" mark.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "imrmark.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	size_t len, i;
	double t;
	char *p;

	if (argc < 2) {
		fprintf(stderr, "usage: memtouch MIB [HOLD_MS]\n");
		return 2;
	}
	len = strtoul(argv[1], NULL, 0) << 20;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (i = 0; i < len; i += 4096)
		p[i] = (char)(i >> 12) | 1;
	imr_mark("touched");
	usleep(argc > 2 ? atoi(argv[2]) * 1000 : 500000);
	imr_mark("free");
	t = now_us();
	munmap(p, len);
	printf("memtouch: munmap_us=%.0f\n", now_us() - t);
	return 0;
}
