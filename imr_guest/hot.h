/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic of the hot reserve: free memory kept backed, on top of the
 * reserve, because the guest is about to use it again.  Reporting memory
 * that is reused within milliseconds costs the guest a drop, a zeroing and
 * a fault back in for nothing: on pfbench 34-56% of its fault throughput
 * (BENCHMARKS.md).  Free page reporting offers the hottest blocks first
 * (most new frees go to the head of a free list) and cannot be told which block
 * to take, so what can be chosen is how much free memory stays backed:
 *
 *  - reuse: reported memory allocated again (track.c; of any age, hold.c
 *    says why) while the guest also frees memory makes the reserve grow
 *    at once, by IMR_HOT_GAIN times what was reused, up to a maximum.
 *    Only as much reuse counts as the guest freed shortly before: every
 *    page freed adds to a credit that loses 1/IMR_HOT_CREDIT_DIV per
 *    tick (half in about a second) and that reuse uses up.  A loop frees
 *    in bursts (a munmap) and reuses in between; a process that only
 *    grows into memory reported long ago (a start, a cache filling)
 *    reuses without freeing, and holding memory back for it would only
 *    delay the next free's return;
 *  - busy: while the guest keeps allocating (IMR_STILL_PAGES per 100 ms or
 *    more, all CPUs) without reusing reported memory, the reserve is held
 *    and shrinks by 1/64 per second, so it probes down to what the
 *    workload needs (the probe costs at most that much reuse per second);
 *  - quiet: once the guest allocates less, it halves at every tick, and
 *    is 0 below one 2 MiB block: memory a busy phase left free goes back
 *    within about a second of the phase's end.
 *
 * The additive increase / multiplicative decrease of TCP's congestion
 * control, with the guest's own reuse as the loss signal.  hold.c samples
 * the counters every IMR_HOT_TICK_MS and applies this; no mm here, so
 * KUnit can test it.
 */
#ifndef IMR_GUEST_HOT_H
#define IMR_GUEST_HOT_H

#include <linux/types.h>

#define IMR_HOT_TICK_MS		100U
/* Growth per page reused: a loop reusing N MiB is covered in a few ticks. */
#define IMR_HOT_GAIN		4UL
/* Busy without reuse: the reserve loses 1/64 of itself per this many ms. */
#define IMR_HOT_BUSY_DECAY_MS	1000U
#define IMR_HOT_BUSY_DECAY_DIV	64UL
/* The free credit loses 1/this per tick: half in 11 ticks. */
#define IMR_HOT_CREDIT_DIV	16UL

/* Why the hot reserve is what it is (sysfs hot_reserve_why). */
enum imr_hot_why {
	IMR_HOT_NONE,	/* 0: nothing held back */
	IMR_HOT_REUSE,	/* grew: reported memory was reused */
	IMR_HOT_BUSY,	/* held: the guest keeps allocating */
	IMR_HOT_QUIET,	/* shrinking fast: the guest stopped allocating */
};

struct imr_hot {
	unsigned long pages;	/* the hot reserve */
	unsigned long credit;	/* pages freed lately, not yet reused */
	enum imr_hot_why why;
};

/*
 * One tick: @reused pages of reported memory were allocated again,
 * @allocs pages allocated and @freed pages freed in all, in @elapsed_ms;
 * the reserve may be at most @max pages.
 */
void imr_hot_step(struct imr_hot *h, unsigned long reused, unsigned long allocs,
		  unsigned long freed, unsigned int elapsed_ms, unsigned long max);

const char *imr_hot_why_name(enum imr_hot_why why);

#endif /* IMR_GUEST_HOT_H */
