// SPDX-License-Identifier: GPL-2.0
/*
 * odio DEV MIB SECONDS [MARK]: O_DIRECT disk I/O as a guest's own disk sees
 * it under QEMU's cache=none.  Each round writes the first MIB MiB of DEV
 * in 1 MiB O_DIRECT writes, each from a freshly mapped buffer filled with a
 * pattern of (round, word) that is never 0 (a dropped page reads 0), then
 * reads it all back with O_DIRECT into fresh buffers and verifies every
 * word.  Every buffer is unmapped after its request, so pages that were
 * just under I/O go free and get reported while the next ones are under
 * I/O.  Rounds go on for SECONDS (0: one round), or until SIGTERM, which
 * ends the run after the round in progress.  After the first round it
 * prints "IMR-MARK MARK" (imrmark.h) if MARK is given.  Prints "odio:
 * rounds=N mib_written=N mib_read=N words_verified=N lost_words=N" and
 * exits 1 on any lost word, 2 on an I/O error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "imrmark.h"

#define CHUNK	(1UL << 20)

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t pattern(uint64_t round, uint64_t i)
{
	uint64_t x = (round + 1) * 0x9e3779b97f4a7c15ULL ^ i * 0xd6e8feb86659fd93ULL;

	x ^= x >> 29;
	return x | 1;
}

static uint64_t *buffer(void)
{
	uint64_t *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("odio: mmap");
		exit(2);
	}
	return p;
}

/* one_io: a whole CHUNK at OFF, or exit 2 (O_DIRECT does no short I/O here). */
static void one_io(int fd, int wr, uint64_t *p, off_t off)
{
	ssize_t n = wr ? pwrite(fd, p, CHUNK, off) : pread(fd, p, CHUNK, off);

	if (n != (ssize_t)CHUNK) {
		fprintf(stderr, "odio: %s at %lld: %zd (%s)\n", wr ? "pwrite" : "pread",
			(long long)off, n, n < 0 ? strerror(errno) : "short");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	uint64_t verified = 0, lost = 0, round = 0, written = 0, nread = 0;
	size_t chunks, c, i, n = CHUNK / 8;
	struct sigaction sa;
	off_t size;
	time_t end;
	int fd;

	if (argc < 4) {
		fprintf(stderr, "usage: odio DEV MIB SECONDS [MARK]\n");
		return 2;
	}
	chunks = strtoul(argv[2], NULL, 0);
	end = time(NULL) + atol(argv[3]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		perror("odio: open O_DIRECT");
		return 2;
	}
	size = lseek(fd, 0, SEEK_END);
	if (!chunks || size < (off_t)(chunks * CHUNK)) {
		fprintf(stderr, "odio: %s has %lld bytes, %zu MiB wanted\n",
			argv[1], (long long)size, chunks);
		return 2;
	}
	do {
		for (c = 0; c < chunks; c++) {
			uint64_t *p = buffer();

			for (i = 0; i < n; i++)
				p[i] = pattern(round, c * n + i);
			one_io(fd, 1, p, (off_t)(c * CHUNK));
			munmap(p, CHUNK);
			written++;
		}
		for (c = 0; c < chunks; c++) {
			uint64_t *p = buffer();

			one_io(fd, 0, p, (off_t)(c * CHUNK));
			nread++;
			for (i = 0; i < n; i++) {
				if (p[i] == pattern(round, c * n + i))
					continue;
				if (lost++ < 10)
					fprintf(stderr, "odio: LOST word %zu of MiB %zu, round %llu: %#llx\n",
						i, c, (unsigned long long)round,
						(unsigned long long)p[i]);
			}
			verified += n;
			munmap(p, CHUNK);
		}
		if (!round && argc > 4)
			imr_mark(argv[4]);
		round++;
	} while (!stop && time(NULL) < end);
	close(fd);
	printf("odio: rounds=%llu mib_written=%llu mib_read=%llu words_verified=%llu lost_words=%llu\n",
	       (unsigned long long)round, (unsigned long long)written,
	       (unsigned long long)nread, (unsigned long long)verified,
	       (unsigned long long)lost);
	return lost ? 1 : 0;
}
