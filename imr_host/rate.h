/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-VM ceilings on IMR work: calls and bytes per second.  Pure (no
 * locking, no clock) so KUnit can test it; vm.c holds the lock and reads
 * the clock.
 */
#ifndef IMR_RATE_H
#define IMR_RATE_H

#include <linux/types.h>

/* The budget is counted in windows of a tenth of a second. */
#define IMR_RATE_WINDOW_NS	100000000ULL
#define IMR_RATE_WINDOWS_PER_S	10

/* Defaults: far above what a reporting guest needs (BENCHMARKS.md). */
#define IMR_RATE_CALLS_PER_S	10000ULL
#define IMR_RATE_BYTES_PER_S	(64ULL << 30)

struct imr_rate {
	u64 window_start_ns;
	u64 calls;		/* charged and not yet paid off */
	u64 bytes;
};

struct imr_rate_limit {
	u64 calls_per_s;	/* 0: no ceiling */
	u64 bytes_per_s;	/* 0: no ceiling */
};

bool imr_rate_admit(struct imr_rate *r, const struct imr_rate_limit *lim,
		    u64 now_ns, u64 bytes);

#endif /* IMR_RATE_H */
