// SPDX-License-Identifier: GPL-2.0
/*
 * The hot reserve (hot.h): free memory held back from the host because
 * the guest is about to use it again.  A tick every IMR_HOT_TICK_MS
 * samples how much reported memory was allocated again (track.c) and how
 * many pages the guest allocated and freed (the kernel's PGALLOC_* and
 * PGFREE events, pcp.c), and steps the reserve; report.c adds it to the reserve
 * when it decides whether a batch goes out.
 *
 * The tick runs while anything is held and for a second after each
 * report, so an idle guest has no timer.  While anything is held, hooks.c
 * gives free page reporting's own passes their 2 s delay back (it says
 * why): memory beyond the hot reserve goes back at free page reporting's
 * pace while the guest churns.  When the reserve shrinks while a pass
 * waits, or after a batch was held back, the tick starts the pass at once
 * (control.c): memory a busy phase left free goes back within about a
 * second of its end, not 2 s later or when something else is freed.
 *
 * One work item writes the state; report() reads the size only.
 */
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "hot.h"
#include "imr_guest.h"
#include "trace.h"

static struct imr_hot imr_hot;		/* written by imr_hold_fn() only */
static unsigned long imr_hold_max;	/* pages; 0: the policy is off */
static bool imr_hold_running;		/* between start and stop */
static bool imr_hold_held;		/* report() held a batch back */
static bool imr_hold_idle = true;	/* the tick stopped: measure afresh */
static unsigned long imr_hold_last_report;	/* jiffies */

/* The counters at the last tick. */
static u64 imr_hold_reused_then;	/* bytes */
static unsigned long imr_hold_allocs_then;
static unsigned long imr_hold_frees_then;
static unsigned long imr_hold_at;	/* jiffies */

static void imr_hold_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(imr_hold_work, imr_hold_fn);

/*
 * All possible CPUs, not the online ones: a CPU going offline leaves the
 * online mask before vm_events_fold_cpu() moves its counts to another,
 * and a sum over online CPUs would drop meanwhile (and its difference
 * wrap); the fold zeroes the dead CPU's counts, so this sum only grows.
 */
static void imr_hold_events(unsigned long *allocs, unsigned long *frees)
{
	int cpu;

	*allocs = *frees = 0;
	for_each_possible_cpu(cpu) {
		*allocs += imr_pcp_allocs(cpu);
		*frees += imr_pcp_frees(cpu);
	}
}

/*
 * Reuse of any age counts, not only reuse within 1 s of the report: free
 * page reporting puts reported blocks back at the tail of the free lists
 * and the allocator takes from the head, so a loop that frees and maps
 * memory again walks through all free memory in turn and takes blocks
 * reported seconds ago (a 128 MiB pfbench loop in a 1 GiB guest: 20 of
 * the 256 MiB it reused in 2 s were within 1 s of their report), each
 * faulted back in from the host all the same.  A process that only grows
 * into memory reported long ago is told apart by the free credit (hot.h).
 */
static void imr_hold_sample(u64 *reused, unsigned long *allocs,
			    unsigned long *frees)
{
	*reused = atomic64_read(&imr_stats.reused_bytes);
	imr_hold_events(allocs, frees);
}

/* Ticks while anything is held, and for a second after a report. */
static bool imr_hold_ticking(void)
{
	if (READ_ONCE(imr_hot.pages))
		return true;
	return READ_ONCE(imr_hold_max) &&
	       time_before(jiffies, READ_ONCE(imr_hold_last_report) + HZ);
}

/*
 * Should the tick start a pass: the guest went quiet and the reserve
 * shrank, after it held a batch back or while a pass waits out hooks.c's
 * longer delay?  Not for the busy state's slow loss (a page or so per
 * tick): free page reporting's own passes, every 2 s, take what it
 * frees, and a kick per tick would make them 10 per second.
 */
static bool imr_hold_pass_due(const struct imr_hot *h, unsigned long before)
{
	if (h->pages >= before || h->why == IMR_HOT_BUSY || h->why == IMR_HOT_REUSE)
		return false;
	return READ_ONCE(imr_hold_held) || delayed_work_pending(imr_control_work());
}

/* One step of the reserve from what the tick saw (hot.h). */
static void imr_hold_step(unsigned long reused, unsigned long allocs,
			  unsigned long frees, unsigned int elapsed)
{
	struct imr_hot h = imr_hot;
	unsigned long before = h.pages;

	imr_hot_step(&h, reused, allocs, frees, elapsed, READ_ONCE(imr_hold_max));
	if (h.pages != before)
		trace_hot_reserve(h.pages << (PAGE_SHIFT - 10), h.why,
				  reused << (PAGE_SHIFT - 10), allocs, frees,
				  elapsed);
	imr_hot.credit = h.credit;
	WRITE_ONCE(imr_hot.why, h.why);
	WRITE_ONCE(imr_hot.pages, h.pages);
	if (imr_hold_pass_due(&h, before)) {
		WRITE_ONCE(imr_hold_held, false);
		imr_control_kick();
	}
}

/*
 * The first tick after the tick stopped (nothing held, no report for a
 * second) spans an idle time and whatever ended it: it takes the reuse
 * before the frees, so it only replaces the old credit with the gap's
 * frees (nothing is held, and reuse against no credit grows nothing).
 * Read as one sample, a touch and a free seconds apart looked like churn
 * (a release was held back for most of a second in the lab); taken as a
 * baseline only, it
 * lost the free that started a loop (whose report restarts the tick),
 * and the reserve never grew in the lab's release-after-a-loop bench.
 * Only this tick writes imr_hold_idle; a tick late under load measures.
 */
static void imr_hold_fn(struct work_struct *work)
{
	unsigned long now = jiffies, allocs, frees, reused;
	unsigned int elapsed = jiffies_to_msecs(now - imr_hold_at);
	u64 reused_bytes;

	imr_hold_sample(&reused_bytes, &allocs, &frees);
	reused = (reused_bytes - imr_hold_reused_then) >> PAGE_SHIFT;
	if (imr_hold_idle)
		imr_hot.credit = frees - imr_hold_frees_then;
	else
		imr_hold_step(reused, allocs - imr_hold_allocs_then,
			      frees - imr_hold_frees_then, elapsed);
	imr_hold_reused_then = reused_bytes;
	imr_hold_allocs_then = allocs;
	imr_hold_frees_then = frees;
	imr_hold_at = now;
	imr_hold_idle = !(READ_ONCE(imr_hold_running) && imr_hold_ticking());
	if (!imr_hold_idle)
		queue_delayed_work(system_wq, &imr_hold_work,
				   msecs_to_jiffies(IMR_HOT_TICK_MS));
}

/* The hot reserve now, pages (report.c adds it to the reserve). */
unsigned long imr_hold_pages(void)
{
	return READ_ONCE(imr_hot.pages);
}

const char *imr_hold_why(void)
{
	return imr_hot_why_name(READ_ONCE(imr_hot.why));
}

/* From report(): the host took a batch; watch for its reuse. */
void imr_hold_reported(void)
{
	WRITE_ONCE(imr_hold_last_report, jiffies);
	if (READ_ONCE(imr_hold_running) && READ_ONCE(imr_hold_max))
		queue_delayed_work(system_wq, &imr_hold_work,
				   msecs_to_jiffies(IMR_HOT_TICK_MS));
}

/* From report(): the hot reserve held a batch back. */
void imr_hold_held_back(void)
{
	WRITE_ONCE(imr_hold_held, true);
	atomic64_inc(&imr_stats.hot_holds);
}

/* @kib was checked by its setter (settings.c); 0 turns the policy off. */
void imr_hold_set_max_kib(unsigned long kib)
{
	WRITE_ONCE(imr_hold_max, kib >> (PAGE_SHIFT - 10));
	if (READ_ONCE(imr_hold_running))
		mod_delayed_work(system_wq, &imr_hold_work, 0);
}

unsigned long imr_hold_max_kib(void)
{
	return READ_ONCE(imr_hold_max) << (PAGE_SHIFT - 10);
}

/* A quarter of RAM: the most a loop reusing memory can keep backed. */
unsigned long imr_hold_default_max_kib(void)
{
	return (totalram_pages() / 4) << (PAGE_SHIFT - 10);
}

/* Once report.c and track.c are up, before control.c registers. */
void imr_hold_start(unsigned long max_kib)
{
	imr_hold_sample(&imr_hold_reused_then, &imr_hold_allocs_then,
			&imr_hold_frees_then);
	imr_hold_at = jiffies;
	imr_hold_max = max_kib >> (PAGE_SHIFT - 10);
	WRITE_ONCE(imr_hold_running, true);
}

/*
 * After control.c's exit (no report() any more, so nothing queues the
 * tick but the tick itself): the tick stops re-queueing, then is gone.
 */
void imr_hold_stop(void)
{
	WRITE_ONCE(imr_hold_running, false);
	cancel_delayed_work_sync(&imr_hold_work);
}
