// SPDX-License-Identifier: GPL-2.0
/*
 * fragment NPROC MIB CHUNK_KIB HOLD_MS [BLOCKDEV]: leave free memory behind
 * in small pieces.
 *
 * NPROC children take turns (driven one chunk at a time by the parent over
 * pipes) touching the next CHUNK_KIB of their own MIB/NPROC MiB region
 * (MADV_NOHUGEPAGE), so their physical pages interleave; with BLOCKDEV a
 * further turn reads the next CHUNK_KIB of that block device (readahead off),
 * so its page cache interleaves too.  Then "IMR-MARK free": odd children exit,
 * even children MADV_DONTNEED every other chunk, the parent writes 3 to
 * /proc/sys/vm/drop_caches.  Prints "fragment: freed_kib=" (MemFree after
 * minus before the free phase), waits HOLD_MS, prints "IMR-MARK done", and
 * only then lets the even children exit.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "imrmark.h"

#define MAXP 32

static int cmd[MAXP + 1][2], ack[2];

static long memfree_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static void child(int k, size_t len, size_t chunk, const char *dev)
{
	size_t pos = 0, i;
	char c, *p = NULL, *buf = NULL;
	int fd = -1;

	if (dev) {
		fd = open(dev, O_RDONLY);
		if (fd < 0) {
			perror(dev);
			exit(1);
		}
		posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
		buf = malloc(chunk);
	} else {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		madvise(p, len, MADV_NOHUGEPAGE);
	}
	while (read(cmd[k][0], &c, 1) == 1) {
		switch (c) {
		case 'T':	/* next chunk */
			if (dev) {
				if (pread(fd, buf, chunk, pos) <= 0)
					pos = 0;
			} else if (pos < len) {
				for (i = 0; i < chunk; i += 4096)
					p[pos + i] = (char)(i >> 12) | 1;
			}
			pos += chunk;
			break;
		case 'F':	/* free phase */
			if (dev || (k & 1)) {
				if (write(ack[1], "x", 1) != 1)
					exit(1);
				_exit(0);
			}
			for (i = 0; i + chunk <= len; i += 2 * chunk)
				madvise(p + i, chunk, MADV_DONTNEED);
			break;
		case 'X':
			_exit(0);
		}
		if (write(ack[1], "a", 1) != 1)
			exit(1);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	size_t len, chunk, round, rounds;
	long before, after;
	int n, k, nk, hold;
	const char *dev;
	pid_t pid[MAXP + 1];
	char c;

	if (argc < 5) {
		fprintf(stderr, "usage: fragment NPROC MIB CHUNK_KIB HOLD_MS [BLOCKDEV]\n");
		return 2;
	}
	n = atoi(argv[1]);
	chunk = strtoul(argv[3], NULL, 0) << 10;
	hold = atoi(argv[4]);
	dev = argc > 5 ? argv[5] : NULL;
	if (n < 1 || n > MAXP || !chunk || chunk % 4096)
		return 2;
	len = (strtoul(argv[2], NULL, 0) << 20) / n / chunk * chunk;
	nk = n + (dev != NULL);
	if (pipe(ack))
		return 1;
	for (k = 0; k < nk; k++) {
		if (pipe(cmd[k]))
			return 1;
		pid[k] = fork();
		if (pid[k] == 0)
			child(k, len, chunk, k == n ? dev : NULL);
	}
	rounds = len / chunk;
	for (round = 0; round < rounds; round++)
		for (k = 0; k < nk; k++) {
			if (write(cmd[k][1], "T", 1) != 1 || read(ack[0], &c, 1) != 1)
				return 1;
		}
	imr_mark("filled");
	fflush(stdout);
	sleep(1);
	before = memfree_kib();
	imr_mark("free");
	fflush(stdout);
	for (k = 0; k < nk; k++)
		if (write(cmd[k][1], "F", 1) != 1 || read(ack[0], &c, 1) != 1)
			return 1;
	for (k = 0; k < nk; k++)
		if (dev && k == n ? 1 : (k & 1))
			waitpid(pid[k], NULL, 0);
	k = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (k < 0 || write(k, "3\n", 2) != 2)
		perror("drop_caches");
	if (k >= 0)
		close(k);
	after = memfree_kib();
	printf("fragment: nproc=%d chunk_kib=%zu anon_kib=%zu pagecache_kib=%zu freed_kib=%ld\n",
	       n, chunk >> 10, (len >> 10) * n, dev ? len >> 10 : 0, after - before);
	fflush(stdout);
	usleep(hold * 1000);
	imr_mark("done");
	fflush(stdout);
	for (k = 0; k < n; k += 2) {
		if (write(cmd[k][1], "X", 1) != 1)
			return 1;
		waitpid(pid[k], NULL, 0);
	}
	return 0;
}
