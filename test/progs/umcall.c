// SPDX-License-Identifier: GPL-2.0
/*
 * umcall [MIB] [ROUNDS]: the IMR hypercall from guest *user* mode (CPL 3),
 * in a real Linux guest.  Fills MIB MiB (default 8) with a pattern, finds
 * the guest-physical address of every page in /proc/self/pagemap (root
 * only), and issues VMMCALL/VMCALL itself with RAX = KVM_HC_IMR: REPORTs of
 * exactly those pages (a well-formed call a kernel caller would get 0 for),
 * PROBEs and junk, ROUNDS times (default 50).  Every call must return
 * -KVM_EPERM (-1), and afterwards every word must still hold its pattern.
 * Prints "umcall: calls=N eperm=N other=N words_verified=N lost_words=N"
 * and exits 1 on any other answer or lost word.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "imr_abi.h"

static int amd;

static long hc(unsigned long nr, unsigned long a0, unsigned long a1,
	       unsigned long a2, unsigned long a3)
{
	long ret;

	if (amd)
		asm volatile("vmmcall" : "=a"(ret)
			     : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3) : "memory");
	else
		asm volatile("vmcall" : "=a"(ret)
			     : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3) : "memory");
	return ret;
}

static void on_signal(int sig)
{
	static const char msg[] = "umcall: the hypercall raised a signal (SIGILL/SIGSEGV)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static uint64_t pattern(uint64_t i)
{
	return (i * 0x9e3779b97f4a7c15ULL) | 1;
}

/* Guest-physical address of the page at va, or 0. */
static uint64_t gpa_of(int fd, void *va)
{
	uint64_t e, vpn = (uintptr_t)va / IMR_PAGE_SIZE;

	if (pread(fd, &e, sizeof(e), vpn * sizeof(e)) != sizeof(e))
		return 0;
	if (!(e & (1ULL << 63)) || !(e & ((1ULL << 55) - 1)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * IMR_PAGE_SIZE;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 8;
	int rounds = argc > 2 ? atoi(argv[2]) : 50;
	size_t len = mib << 20, n = len / 8, i, npages = len / IMR_PAGE_SIZE;
	unsigned long calls = 0, eperm = 0, other = 0, lost = 0, nr = 0;
	unsigned int a, b, c, d;
	struct imr_range *arr;
	uint64_t *p, arr_gpa;
	int fd, r;

	__cpuid(0, a, b, c, d);
	amd = b == 0x68747541 || b == 0x6f677948;	/* "Auth", "Hygo" */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	arr = mmap(NULL, IMR_PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || arr == MAP_FAILED || mlockall(MCL_CURRENT)) {
		perror("umcall: mmap/mlock");
		return 1;
	}
	for (i = 0; i < n; i++)
		p[i] = pattern(i);
	fd = open("/proc/self/pagemap", O_RDONLY);
	arr_gpa = fd < 0 ? 0 : gpa_of(fd, arr);
	for (i = 0; i < npages && nr < IMR_MAX_RANGES; i++) {
		uint64_t g = gpa_of(fd, (char *)p + i * IMR_PAGE_SIZE);

		if (!g)
			continue;
		arr[nr].gpa = g;
		arr[nr].len = IMR_PAGE_SIZE;
		nr++;
	}
	if (!arr_gpa || !nr) {
		fprintf(stderr, "umcall: no guest-physical addresses (not root?)\n");
		return 1;
	}
	signal(SIGILL, on_signal);
	signal(SIGSEGV, on_signal);
	for (r = 0; r < rounds; r++) {
		long rets[5];
		int k;

		rets[0] = hc(KVM_HC_IMR, IMR_OP_REPORT, arr_gpa, nr, 0);
		rets[1] = hc(KVM_HC_IMR, IMR_OP_REPORT, arr_gpa, 1, 0);
		rets[2] = hc(KVM_HC_IMR, IMR_OP_PROBE, IMR_ABI_VERSION, 0, 0);
		rets[3] = hc(KVM_HC_IMR, IMR_OP_REPORT, arr_gpa + 8, nr, ~0UL);
		rets[4] = hc(KVM_HC_IMR, random(), random(), random(), random());
		for (k = 0; k < 5; k++) {
			calls++;
			if (rets[k] == -IMR_EPERM) {
				eperm++;
			} else if (other++ < 5) {
				fprintf(stderr, "umcall: call %d answered %ld, not -1\n",
					k, rets[k]);
			}
		}
	}
	for (i = 0; i < n; i++)
		if (p[i] != pattern(i) && lost++ < 5)
			fprintf(stderr, "umcall: LOST word %zu: %#lx\n", i,
				(unsigned long)p[i]);
	printf("umcall: calls=%lu eperm=%lu other=%lu ranges_per_report=%lu words_verified=%zu lost_words=%lu\n",
	       calls, eperm, other, nr, n, lost);
	return other || lost;
}
