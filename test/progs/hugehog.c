// SPDX-License-Identifier: GPL-2.0
/*
 * hugehog MIB: take as many free 2 MiB huge pages as the pool will give,
 * up to MIB MiB, the way another VM would (MAP_HUGETLB, no reservation of
 * its own: MAP_NORESERVE, so it gets only pages nobody has reserved),
 * print "hugehog: got_mib=N", then hold them until killed.  hugetlbvm
 * runs it while a hugetlb-backed guest has freed and reported memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define HUGE (2UL << 20)

int main(int argc, char **argv)
{
	unsigned long mib, got = 0, i;
	char *p;

	if (argc != 2 || (mib = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: hugehog MIB\n");
		return 2;
	}
	p = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "hugehog: mmap: %s\n", strerror(errno));
		return 1;
	}
	/* Populate one huge page at a time: a failure is ENOMEM, not SIGBUS. */
	for (i = 0; i < (mib << 20) / HUGE; i++) {
		if (madvise(p + i * HUGE, HUGE, MADV_POPULATE_WRITE))
			break;
		got += 2;
	}
	printf("hugehog: got_mib=%lu\n", got);
	fflush(stdout);
	for (;;)
		pause();
}
