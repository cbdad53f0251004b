// SPDX-License-Identifier: GPL-2.0
/*
 * churn PROCS SECONDS [MAX_MIB]: integrity churn.  PROCS processes each
 * loop for SECONDS: map a random size (up to MAX_MIB, default 64), fill every
 * 8-byte word with a pattern derived from (pid, round, address), sleep a
 * little so freed memory gets reported meanwhile, verify every word, unmap.
 * Any mismatch is a lost word: memory IMR dropped while it was in use.
 * Prints "churn: words_verified=N lost_words=N rounds=N" and exits 1 on loss.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct tally {
	uint64_t verified, lost, rounds;
};

static uint64_t pattern(uint64_t seed, uint64_t i)
{
	uint64_t x = seed ^ (i * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 31;
	return x | 1;	/* never 0: a dropped page reads 0 */
}

static void one_round(struct tally *t, uint64_t seed, size_t max_bytes)
{
	size_t len = ((size_t)rand() % max_bytes + 4096) & ~4095UL;
	uint64_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t n = len / 8, i;

	if (p == MAP_FAILED)
		return;
	for (i = 0; i < n; i++)
		p[i] = pattern(seed, i);
	usleep((unsigned int)(rand() % 50000));
	for (i = 0; i < n; i++) {
		if (p[i] != pattern(seed, i)) {
			if (t->lost < 10)
				fprintf(stderr, "churn: LOST word %zu of %zu: %#lx != %#lx\n",
					i, n, (unsigned long)p[i],
					(unsigned long)pattern(seed, i));
			t->lost++;
		}
	}
	t->verified += n;
	t->rounds++;
	munmap(p, len);
}

static void child(int fd, int id, int secs, size_t max_bytes)
{
	struct tally t = { 0 };
	time_t end = time(NULL) + secs;

	srand((unsigned int)(getpid() * 7919 + id));
	while (time(NULL) < end)
		one_round(&t, ((uint64_t)getpid() << 32) ^ t.rounds, max_bytes);
	if (write(fd, &t, sizeof(t)) != sizeof(t))
		_exit(2);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct tally sum = { 0 }, t;
	int procs, secs, fds[2], i;
	size_t max_bytes;

	if (argc < 3) {
		fprintf(stderr, "usage: churn PROCS SECONDS [MAX_MIB]\n");
		return 2;
	}
	procs = atoi(argv[1]);
	secs = atoi(argv[2]);
	max_bytes = (size_t)(argc > 3 ? atoi(argv[3]) : 64) << 20;
	if (pipe(fds))
		return 2;
	for (i = 0; i < procs; i++)
		if (fork() == 0)
			child(fds[1], i, secs, max_bytes);
	close(fds[1]);
	while (read(fds[0], &t, sizeof(t)) == sizeof(t)) {
		sum.verified += t.verified;
		sum.lost += t.lost;
		sum.rounds += t.rounds;
	}
	while (wait(NULL) > 0)
		;
	printf("churn: words_verified=%llu lost_words=%llu rounds=%llu\n",
	       (unsigned long long)sum.verified, (unsigned long long)sum.lost,
	       (unsigned long long)sum.rounds);
	return sum.lost || !sum.rounds ? 1 : 0;
}
