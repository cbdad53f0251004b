/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic of "has this CPU stopped allocating?", the question pcp.c
 * asks before it drains a CPU's per-CPU free lists.  A drain takes every
 * 2 MiB block parked on the lists, blocks freed a moment ago too; a CPU
 * that keeps allocating would take them back at once, each zeroed by the
 * drain (init_on_alloc) and faulted back in from the host after its
 * report: on pfbench that cost 7-27% of the guest's fault throughput
 * (BENCHMARKS.md, imr against imrnodrain, before this test).  So a CPU is
 * drained only when it allocated less than 2 MiB of pages per 100 ms
 * (20 MiB/s) since the drain was armed, and never less than one 2 MiB
 * block's worth; one that allocated more is looked at again later, at
 * growing intervals (four times one grace time, then doubling up to
 * 10 s) until it is quiet or a new report pass re-arms the drain.  The counts are the
 * kernel's own (vm_event_states, PGALLOC_*), read by pcp.c; no mm here,
 * so KUnit can test it.
 */
#ifndef IMR_GUEST_STILL_H
#define IMR_GUEST_STILL_H

#include <linux/sizes.h>
#include <linux/types.h>
#include <asm/page.h>

/* Pages a still CPU may allocate per IMR_STILL_PER_MS: one 2 MiB block. */
#define IMR_STILL_PAGES		(SZ_2M >> PAGE_SHIFT)
#define IMR_STILL_PER_MS	100U
/*
 * Looks at a CPU that keeps allocating: the first IMR_STILL_RETRY_FLAT + 1
 * one grace time apart (a burst of a few hundred ms, such as other
 * threads still finishing, costs no more than that), then twice as far
 * apart each time, at most IMR_STILL_RETRY_MAX_MS.
 */
#define IMR_STILL_RETRY_FLAT	3U
#define IMR_STILL_RETRY_MAX_MS	10000U

/*
 * The pages a CPU may allocate in @elapsed_ms and still count as still:
 * IMR_STILL_PAGES per IMR_STILL_PER_MS, at least IMR_STILL_PAGES.
 */
unsigned long imr_still_limit(unsigned int elapsed_ms);

/*
 * @then and @now: a CPU's allocation count (pages) at the start and the
 * end of the time measured; the count wraps.  Still when it allocated
 * fewer than @limit pages in between.
 */
bool imr_still(unsigned long then, unsigned long now, unsigned long limit);

/*
 * The wait before look number @retries + 1 at CPUs that kept allocating:
 * @grace_ms, doubled per retry after IMR_STILL_RETRY_FLAT, at most
 * IMR_STILL_RETRY_MAX_MS (or @grace_ms, if that is longer).
 */
unsigned int imr_still_retry_ms(unsigned int grace_ms, unsigned int retries);

#endif /* IMR_GUEST_STILL_H */
