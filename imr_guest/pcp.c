// SPDX-License-Identifier: GPL-2.0
/*
 * Memory parked on the per-CPU free lists.  A freed THP-sized block goes
 * to its CPU's list (mm/page_alloc.c, free_unref_page()), not to the buddy
 * allocator, until the list grows past pcp->high.  Free page reporting
 * only sees the buddy allocator, so a process that frees 512 MiB and keeps
 * running leaves tens of MiB there for as long as the CPU keeps them (the
 * lab's release check got 81.6% of 512 MiB back from a 4-vCPU guest on
 * 6.12, 85.2% on 6.1, and 91% from a 1-vCPU one on 6.1).  Nothing
 * exported drains the lists: drain_all_pages(), drain_local_pages() and
 * zone_pcp_disable() are in neither kernel's Module.symvers.
 *
 * So the blocks are moved to the buddy allocator the way the allocator
 * itself lets them: on the CPU that owns the list, allocate a block off
 * it, and free it again while holding that list's pcp->lock.  Both
 * kernels' free_unref_page() only trylocks the list, and when that fails
 * hands the block to free_one_page(): the buddy allocator, which notifies
 * free page reporting, which reports it like any other free block (under
 * zone->lock, with the reserve).  The lock order pcp->lock -> zone->lock
 * is the one free_pcppages_bulk() takes too.  Nothing here reports or
 * tracks anything itself.
 *
 * When: pcp_grace_ms after a report pass the host took (control.c calls
 * imr_pcp_kick()): a free large enough to fill the lists overflows them
 * into the buddy allocator, and so into a report pass too.  At most one
 * drain per grace time, never per free.  It takes whatever is on a list
 * when it runs, blocks freed a moment ago too, so only on a CPU that has
 * been quiet since the drain was armed: one that allocated 2 MiB of pages
 * per 100 ms or more (the kernel's PGALLOC counts, still.h) would take the
 * blocks back at once, each one zeroed below and faulted back in from the
 * host.  It keeps them, and is looked at again one grace time later,
 * four times, then at doubling intervals up to 10 s, until it is quiet,
 * its lists are empty or a report pass arms the drain anew.  Not while
 * reports are refused (the reserve reached, the host busy): memory is
 * short, and the zeroing would be for nothing.
 *
 * Only while the list has a block: an empty one would be refilled from
 * the buddy allocator (rmqueue_bulk()), and the drain would move buddy
 * blocks in a circle.  Cost: init_on_alloc (Debian's default) zeroes each
 * block we take, 2 MiB of memset, once per block drained.  Without THP
 * there are no pageblock-order lists and nothing to do.  Lower orders
 * (0-3) are left: pcp->high bounds them per CPU, and they seldom make a
 * reportable 2 MiB block in the buddy allocator.
 */
#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "imr_guest.h"
#include "still.h"
#include "trace.h"

/* Blocks one CPU gives per drain (128 MiB); the next pass drains on. */
#define IMR_PCP_MAX_BLOCKS	64U

/*
 * The still test (still.h): each CPU's allocation count when the drain
 * was armed, and when that was (jiffies).  Written by imr_pcp_arm(), read
 * by imr_pcp_fn().
 */
static DEFINE_PER_CPU(unsigned long, imr_pcp_allocs_then);
static unsigned long imr_pcp_armed_at;
/* imr_pcp_fn() runs: it arms the drain again itself when it ends. */
static bool imr_pcp_running;
/* Looks in a row at CPUs that kept allocating, with no report between. */
static unsigned int imr_pcp_retries;

static unsigned long imr_grace_jiffies;	/* 0: off, or stopping */

static void imr_pcp_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(imr_pcp_work, imr_pcp_fn);

/*
 * Without SMP the allocator's trylock of a list always succeeds: the
 * block would go straight back to its list, so there is nothing to do.
 */
#if NR_PCP_THP && defined(CONFIG_SMP)

#define IMR_PCP_ORDER		HPAGE_PMD_ORDER
/* order_to_pindex(): unmovable and reclaimable share the first THP list. */
#define IMR_PCP_THP_FIRST	NR_LOWORDER_PCP_LISTS
#define IMR_PCP_THP_MOVABLE	(NR_LOWORDER_PCP_LISTS + 1)

/* The GFP that allocates from list @pindex (a THP list) of @zone. */
static gfp_t imr_pcp_gfp(const struct zone *zone, unsigned int pindex)
{
	gfp_t gfp = __GFP_NOWARN | __GFP_NOMEMALLOC | __GFP_THISNODE;

	if (pindex == IMR_PCP_THP_MOVABLE)
		gfp |= __GFP_MOVABLE;
	if (zone_idx(zone) == ZONE_DMA32)
		gfp |= __GFP_DMA32;
	return gfp;
}

/*
 * A hint, read from any CPU without the lock: does @zone's list @pindex
 * on @cpu hold a block?  Only to spare a CPU with nothing a visit.
 */
static bool imr_pcp_list_busy(struct zone *zone, int cpu, unsigned int pindex)
{
	return !list_empty(&per_cpu_ptr(zone->per_cpu_pageset, cpu)->lists[pindex]);
}

/*
 * On @cpu, in a worker bound to it: allocate the head block of @zone's
 * list @pindex, if there is one, and free it with the list locked, so
 * that it goes to the buddy allocator.  Returns whether it moved a block.
 */
static bool imr_pcp_move_one(struct zone *zone, int cpu, unsigned int pindex)
{
	struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
	unsigned long flags;
	struct page *page;
	bool moved;

	if (!imr_pcp_list_busy(zone, cpu, pindex))
		return false;
	page = alloc_pages_node(zone_to_nid(zone), imr_pcp_gfp(zone, pindex),
				IMR_PCP_ORDER);
	if (!page)
		return false;
	spin_lock_irqsave(&pcp->lock, flags);
	/* Ours only if it came from this zone (the allocator may fall back). */
	moved = page_zone(page) == zone;
	__free_pages(page, IMR_PCP_ORDER);	/* trylock fails: buddy allocator */
	spin_unlock_irqrestore(&pcp->lock, flags);
	return moved;
}

/*
 * The head is what the allocator takes; between our check and the
 * allocation an interrupt may take the last block, and the allocation
 * refills the list from the buddy allocator: one block moved in a
 * circle, then the list is empty and we stop.
 */
static unsigned int imr_pcp_drain_list(struct zone *zone, int cpu,
				       unsigned int pindex, unsigned int budget)
{
	unsigned int n = 0;

	while (n < budget && imr_pcp_move_one(zone, cpu, pindex))
		n++;
	return n;
}

/*
 * Zones DMA32 and Normal of every node (for_each_populated_zone() needs
 * symbols modules do not get): ZONE_DMA's 16 MiB is not worth it.
 * @fn(zone, cpu, pindex, budget) for each THP list; returns the blocks.
 */
static unsigned int imr_pcp_each_list(int cpu, unsigned int budget,
				      unsigned int (*fn)(struct zone *, int,
							 unsigned int, unsigned int))
{
	unsigned int pindex, n = 0;
	struct zone *zone;
	int nid, z;

	for_each_online_node(nid) {
		for (z = ZONE_DMA32; z <= ZONE_NORMAL; z++) {
			zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			for (pindex = IMR_PCP_THP_FIRST; pindex <= IMR_PCP_THP_MOVABLE; pindex++)
				n += fn(zone, cpu, pindex, budget - n);
		}
	}
	return n;
}

static unsigned int imr_pcp_has_blocks_fn(struct zone *zone, int cpu,
					  unsigned int pindex, unsigned int budget)
{
	return imr_pcp_list_busy(zone, cpu, pindex);
}

static bool imr_pcp_cpu_has_blocks(int cpu)
{
	return imr_pcp_each_list(cpu, UINT_MAX, imr_pcp_has_blocks_fn) != 0;
}

/* On the CPU whose lists are drained (work_on_cpu()). */
static long imr_pcp_drain_cpu(void *arg)
{
	int cpu = raw_smp_processor_id();	/* a bound worker: stays here */
	unsigned int n;

	/* 6.1 files THP blocks by pageblock_order, 6.12 by HPAGE_PMD_ORDER. */
	BUILD_BUG_ON(pageblock_order != IMR_PCP_ORDER);

	n = imr_pcp_each_list(cpu, IMR_PCP_MAX_BLOCKS, imr_pcp_drain_list);
	trace_pcp_drain(cpu, n, (u64)n << (IMR_PCP_ORDER + PAGE_SHIFT));
	if (n) {
		atomic64_inc(&imr_stats.pcp_drains);
		atomic64_add((u64)n << (IMR_PCP_ORDER + PAGE_SHIFT),
			     &imr_stats.pcp_drained_bytes);
	}
	return 0;
}

#else	/* no THP (no pageblock-order lists), or no SMP */

static bool imr_pcp_cpu_has_blocks(int cpu)
{
	return false;
}

static long imr_pcp_drain_cpu(void *arg)
{
	return 0;
}

#endif

/*
 * Pages allocated on @cpu, all zones: the kernel's own PGALLOC_* events,
 * which the allocator counts on the allocating CPU (rmqueue_pcplist(),
 * rmqueue_buddy(), __alloc_pages_bulk()).  Read from another CPU without
 * a lock: a snapshot is all the test needs.  CPU hotplug folds a dead
 * CPU's counts into another's (vm_events_fold_cpu()), which then looks
 * busy for one look.  Without the event counters every CPU counts as
 * still: the drain as it was before the test.
 */
unsigned long imr_pcp_allocs(int cpu)
{
#ifdef CONFIG_VM_EVENT_COUNTERS
	const unsigned long *ev = per_cpu_ptr(&vm_event_states, cpu)->event;
	unsigned long n = 0;
	int zid;

	/*
	 * One PGALLOC_* event per zone, in zone order, for every zone up to
	 * MAX_NR_ZONES (FOR_ALL_ZONES() in vm_event_item.h; the index
	 * __count_zid_vm_events() uses).
	 */
	BUILD_BUG_ON(ALLOCSTALL_NORMAL - PGALLOC_NORMAL != MAX_NR_ZONES);
	for (zid = 0; zid < MAX_NR_ZONES; zid++)
		n += READ_ONCE(ev[PGALLOC_NORMAL - ZONE_NORMAL + zid]);
	return n;
#else
	return 0;
#endif
}

/*
 * Pages freed on @cpu: PGFREE, which both kernels count for frees to the
 * per-CPU lists (free_unref_page_commit()) and for high-order frees that
 * bypass them (6.1: __free_pages_ok(); 6.12: free_one_page()).  6.1 does
 * not count a free that falls back to free_one_page() (the list's lock
 * contended, an isolated pageblock): rare, and a churn signal loses
 * nothing by missing it.  Read like imr_pcp_allocs(); 0 without the
 * counters.
 */
unsigned long imr_pcp_frees(int cpu)
{
#ifdef CONFIG_VM_EVENT_COUNTERS
	return READ_ONCE(per_cpu_ptr(&vm_event_states, cpu)->event[PGFREE]);
#else
	return 0;
#endif
}

/* The start of the time measured: every online CPU's count, and now. */
static void imr_pcp_arm(void)
{
	int cpu;

	WRITE_ONCE(imr_pcp_armed_at, jiffies);
	for_each_online_cpu(cpu)
		WRITE_ONCE(per_cpu(imr_pcp_allocs_then, cpu), imr_pcp_allocs(cpu));
}

/*
 * After a drain: measure again from now, with a wait of one grace time,
 * or a growing one if @skipped a CPU that kept allocating.
 */
static void imr_pcp_rearm(bool skipped)
{
	unsigned long grace = READ_ONCE(imr_grace_jiffies);
	unsigned int retries = READ_ONCE(imr_pcp_retries);
	unsigned long wait = grace;

	if (!grace)
		return;
	if (skipped) {
		wait = msecs_to_jiffies(imr_still_retry_ms(jiffies_to_msecs(grace),
							   retries));
		WRITE_ONCE(imr_pcp_retries, min(retries + 1, 32U));
	}
	imr_pcp_arm();
	mod_delayed_work(system_wq, &imr_pcp_work, wait);
}

/*
 * Pages on every CPU's lists, all orders: free and backed, but not in
 * NR_FREE_PAGES, so the reserve (report.c) adds them.  Read without the
 * lists' locks: a snapshot, like the vmstat counters it is added to.
 */
unsigned long imr_pcp_pages(void)
{
	unsigned long pages = 0;
	struct zone *zone;
	int nid, z, cpu;

	for_each_online_node(nid) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			for_each_online_cpu(cpu)
				pages += READ_ONCE(per_cpu_ptr(zone->per_cpu_pageset, cpu)->count);
		}
	}
	return pages;
}

/* Off (0), or stopping: the drain does nothing. */
static bool imr_pcp_on(void)
{
	return READ_ONCE(imr_grace_jiffies) != 0;
}

static void imr_pcp_fn(struct work_struct *work)
{
	unsigned long limit, then, now;
	bool skipped = false;
	int cpu;

	if (!imr_pcp_on() || !imr_control_enabled() || imr_hooks_backoff_ms())
		return;
	WRITE_ONCE(imr_pcp_running, true);
	limit = imr_still_limit(jiffies_to_msecs(jiffies - READ_ONCE(imr_pcp_armed_at)));
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (!imr_pcp_on())
			break;
		if (!imr_pcp_cpu_has_blocks(cpu))
			continue;
		then = READ_ONCE(per_cpu(imr_pcp_allocs_then, cpu));
		now = imr_pcp_allocs(cpu);
		if (imr_still(then, now, limit)) {
			work_on_cpu(cpu, imr_pcp_drain_cpu, NULL);
		} else {
			/* It would take the blocks back: they stay. */
			trace_pcp_skip(cpu, now - then);
			atomic64_inc(&imr_stats.pcp_skips);
			skipped = true;
		}
		cond_resched();
	}
	cpus_read_unlock();
	WRITE_ONCE(imr_pcp_running, false);
	/*
	 * Measure again from now, after the drains' own allocations, if a
	 * CPU kept allocating or a report pass kicked meanwhile.
	 */
	if (skipped || delayed_work_pending(&imr_pcp_work))
		imr_pcp_rearm(skipped);
}

/*
 * A report pass just gave the host a batch (from page_reporting's
 * callback).  The first kick arms the drain and starts the time the
 * still test measures; later ones within the grace time find it armed
 * and do nothing.  While imr_pcp_fn() runs, a kick only queues it: the
 * function measures again from its own end, so that a CPU it has not
 * visited yet is not judged on a time that started a moment ago.  Two
 * kicks racing may both arm: a later start only makes a CPU look stiller,
 * so the drain is at worst as eager as it was without the test.
 */
void imr_pcp_kick(void)
{
	unsigned long grace = READ_ONCE(imr_grace_jiffies);
	bool retrying;

	if (!grace)
		return;
	retrying = READ_ONCE(imr_pcp_retries) != 0;
	WRITE_ONCE(imr_pcp_retries, 0);
	if (!READ_ONCE(imr_pcp_running) &&
	    (retrying || !delayed_work_pending(&imr_pcp_work)))
		imr_pcp_arm();
	/*
	 * A look at CPUs that kept allocating may be up to 10 s away: what
	 * this pass leaves behind is looked at after one grace time.
	 */
	if (retrying)
		mod_delayed_work(system_wq, &imr_pcp_work, grace);
	else
		queue_delayed_work(system_wq, &imr_pcp_work, grace);
}

/*
 * @ms was checked by its setter (settings.c); 0 turns the drain off.  A
 * drain already armed runs at the new time.
 */
void imr_pcp_set_grace_ms(unsigned int ms)
{
	unsigned long grace = ms ? max(msecs_to_jiffies(ms), 1UL) : 0;

	WRITE_ONCE(imr_grace_jiffies, grace);
	if (grace && delayed_work_pending(&imr_pcp_work))
		mod_delayed_work(system_wq, &imr_pcp_work, grace);
}

/* Once control.c is up: kicks arm the drain from now on. */
void imr_pcp_start(unsigned int grace_ms)
{
	imr_pcp_set_grace_ms(grace_ms);
}

/*
 * Before control.c's exit: no drain runs after this returns, and a kick
 * racing with it arms a drain that finds the drain off.
 */
void imr_pcp_stop(void)
{
	WRITE_ONCE(imr_grace_jiffies, 0);
	cancel_delayed_work_sync(&imr_pcp_work);
}

/* After control.c's exit: no kick any more; cancel what a late one armed. */
void imr_pcp_exit(void)
{
	cancel_delayed_work_sync(&imr_pcp_work);
}
