// SPDX-License-Identifier: GPL-2.0
/*
 * memverify MIB SECONDS [cold]: fill MIB MiB with a pattern, print
 * "IMR-MARK filled", then verify every word once a second for SECONDS (the
 * host may migrate, pause or squeeze the VM meanwhile).  Long-lived data,
 * unlike churn's short rounds.  Prints "memverify: words_verified=N
 * lost_words=N passes=N" and exits 1 on any lost word.
 *
 * cold: leave the memory untouched for SECONDS, so that a host under
 * memory pressure swaps it out, then verify the first half once (read back
 * from the host's swap) and free all of it: the half never read again goes
 * free in the guest while its backing is still in the host's swap, so IMR
 * then drops swapped-out ranges.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static uint64_t pattern(uint64_t i)
{
	return ((i + 1) * 0xd6e8feb86659fd93ULL) | 1;
}

int main(int argc, char **argv)
{
	size_t len, n, i;
	uint64_t verified = 0, lost = 0, passes = 0;
	uint64_t *p;
	time_t end;
	int cold;

	if (argc < 3) {
		fprintf(stderr, "usage: memverify MIB SECONDS [cold]\n");
		return 2;
	}
	len = strtoul(argv[1], NULL, 0) << 20;
	n = len / 8;
	cold = argc > 3 && !strcmp(argv[3], "cold");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("memverify: mmap");
		return 2;
	}
	for (i = 0; i < n; i++)
		p[i] = pattern(i);
	printf("IMR-MARK filled\n");
	fflush(stdout);
	end = time(NULL) + atol(argv[2]);
	if (cold) {
		sleep(atol(argv[2]));
		n /= 2;
	}
	do {
		if (!cold)
			sleep(1);
		for (i = 0; i < n; i++) {
			if (p[i] != pattern(i) && lost++ < 5)
				fprintf(stderr, "memverify: LOST word %zu: %#lx\n",
					i, (unsigned long)p[i]);
		}
		verified += n;
		passes++;
	} while (!cold && time(NULL) < end);
	printf("memverify: words_verified=%lu lost_words=%lu passes=%lu\n",
	       (unsigned long)verified, (unsigned long)lost, (unsigned long)passes);
	return lost != 0;
}
