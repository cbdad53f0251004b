// SPDX-License-Identifier: GPL-2.0
/*
 * Which reported pages are still free: one bit per 4 KiB page frame, set
 * after the host acknowledged a report, cleared when the block leaves the
 * buddy allocator.  That gives reused_bytes and the "reported and still
 * free" total the reserve is computed from; the rules are in bits.c.
 *
 * Set: report() runs while page_reporting holds the blocks isolated, so
 * none of them can be allocated (and so cleared) concurrently.
 * Clear: the allocator's tracepoints, which fire under zone->lock for every
 * block taken off the free lists (mm_page_alloc_zone_locked; since 6.10
 * also mm_page_alloc_extfrag), and a kretprobe on __isolate_free_page for
 * the blocks compaction and contiguous allocation take that way: only when
 * it succeeded, and never for our own page_reporting pass (its blocks stay
 * free; report() decides).  A kprobe on __putback_isolated_page sets a
 * block again when someone else isolated it only to put it straight back.
 *
 * Frames beyond the end of memory at load (hot-added later) are not
 * tracked, and so never reported (report.c asks imr_track_covers()): a
 * dropped frame the bitmap cannot count would look backed to the reserve.
 * Reloading the module covers them.
 *
 * At load, blocks an earlier load reported are adopted (imr_track_adopt()).
 *
 * Each 2 MiB region also keeps the time (jiffies) the host last took a
 * report of it, so a reuse is counted by its age (reuse.h).  One stamp per
 * region, not per block: with min_order below 9, a region's blocks share
 * the stamp of the latest report among them, and a reuse may look younger
 * than it is.  Adopted blocks are stamped at load.
 */
#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "bits.h"
#include "imr_guest.h"
#include "reuse.h"

/* Frames per report-time stamp: a 2 MiB region. */
#define IMR_STAMP_SHIFT		(21 - PAGE_SHIFT)

static struct imr_bits imr_bits;
/*
 * jiffies of the last report, per region.  A region never stamped holds 0,
 * which reads as older than an hour (jiffies start at INITIAL_JIFFIES, far
 * from 0 on 64-bit); only the untracked tail of an adopted block can be
 * live without a stamp.
 */
static unsigned long *imr_stamps;
static DEFINE_PER_CPU(struct imr_isolated, imr_isolated);
/* reused bytes by age bucket (reuse.h): per CPU, bumped under zone->lock */
static DEFINE_PER_CPU(u64 [IMR_REUSE_BUCKETS], imr_reused_age);

/* Frames @pfn .. @pfn + @n - 1 were reported now; untracked ones skipped. */
static void imr_track_stamp(unsigned long pfn, unsigned long n)
{
	unsigned long i, end, now = jiffies;

	if (pfn >= imr_bits.nbits || !n)
		return;
	end = pfn + min(n, imr_bits.nbits - pfn);
	for (i = pfn >> IMR_STAMP_SHIFT; i <= (end - 1) >> IMR_STAMP_SHIFT; i++)
		WRITE_ONCE(imr_stamps[i], now);
}

/*
 * Stamp before the bits are set: a block is allocated (and its age read)
 * only once page_reporting puts it back, after this.
 */
void imr_track_reported(const struct imr_range *r, unsigned int n)
{
	unsigned long pfn, frames;

	for (; n--; r++) {
		pfn = le64_to_cpu(r->gpa) >> PAGE_SHIFT;
		frames = le64_to_cpu(r->len) >> PAGE_SHIFT;
		imr_track_stamp(pfn, frames);
		imr_bits_set(&imr_bits, pfn, frames);
	}
}

/*
 * Reused bytes within bucket @last's bound of their report (buckets 0 ..
 * @last), summed over the CPUs.
 */
u64 imr_track_reused_within(unsigned int last)
{
	u64 sum = 0;
	unsigned int b;
	int cpu;

	for_each_possible_cpu(cpu)
		for (b = 0; b <= last && b < IMR_REUSE_BUCKETS; b++)
			sum += READ_ONCE(per_cpu(imr_reused_age, cpu)[b]);
	return sum;
}

/* May the block at @pa of @len bytes be reported at all? */
bool imr_track_covers(phys_addr_t pa, unsigned long len)
{
	return imr_bits_covers(&imr_bits, PHYS_PFN(pa), len >> PAGE_SHIFT);
}

unsigned long imr_track_live_pages(void)
{
	return imr_bits_live(&imr_bits);
}

/* Live (reported, still free) frames of the block at @pa of @len bytes. */
unsigned long imr_track_live_in(phys_addr_t pa, unsigned long len)
{
	return imr_bits_count(&imr_bits, PHYS_PFN(pa), len >> PAGE_SHIFT);
}

/*
 * Age of a reuse, ms; an hour or more reads as "very old".  The stamp is
 * read first: one written after it (another CPU reporting the region's
 * other blocks, min_order < 9) would make the difference negative.
 */
static unsigned int imr_track_age_ms(unsigned long pfn)
{
	unsigned long stamp = READ_ONCE(imr_stamps[pfn >> IMR_STAMP_SHIFT]);
	long age = (long)(READ_ONCE(jiffies) - stamp);

	if (age <= 0)
		return 0;
	return age >= 3600L * HZ ? UINT_MAX : jiffies_to_msecs(age);
}

/*
 * @pages live frames of the block at @pfn were allocated again.  The total
 * first, then the bucket: a reader that takes the buckets before the total
 * (sysfs.c) never sees more reused within a bound than reused at all.
 */
static void imr_track_reused(unsigned long pfn, unsigned long pages)
{
	u64 bytes = (u64)pages << PAGE_SHIFT;
	unsigned int bucket;

	if (!pages)
		return;
	bucket = imr_reuse_bucket(imr_track_age_ms(pfn));
	atomic64_add(bytes, &imr_stats.reused_bytes);
	this_cpu_add(imr_reused_age[bucket], bytes);
}

/* A block of 2^order frames at @page left the free lists. */
static void imr_track_taken(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	imr_track_reused(pfn, imr_bits_clear(&imr_bits, pfn, 1UL << order));
}

static void imr_tp_zone_locked(void *data, struct page *page, unsigned int order,
			       int migratetype, int percpu_refill)
{
	imr_track_taken(page, order);
}

static void __maybe_unused imr_tp_extfrag(void *data, struct page *page,
					  int alloc_order, int fallback_order,
					  int alloc_mt, int fallback_mt)
{
	imr_track_taken(page, alloc_order);
}

/*
 * Is this page_reporting's pass on our behalf (report() is its callee)?
 * A direct compaction inside that work item (its scatterlist allocation)
 * would pass for ours too: its blocks then stay counted, the safe error.
 */
static bool imr_track_our_pass(void)
{
	return current_work() == &imr_control_work()->work;
}

struct imr_isolate_call {
	struct page *page;
	unsigned int order;
	bool ours;
};

/* int __isolate_free_page(struct page *page, unsigned int order) */
static int imr_isolate_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct imr_isolate_call *c = (struct imr_isolate_call *)ri->data;

	c->page = (struct page *)regs->di;
	c->order = regs->si;	/* 32-bit argument */
	c->ours = imr_track_our_pass();
	return c->order < NR_PAGE_ORDERS ? 0 : 1;	/* 1: no return probe */
}

/* It returns 0 when the watermark check refused: the block is still free. */
static int imr_isolate_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct imr_isolate_call *c = (struct imr_isolate_call *)ri->data;
	unsigned long pfn = page_to_pfn(c->page);

	imr_track_reused(pfn, imr_bits_isolated(&imr_bits, this_cpu_ptr(&imr_isolated),
						pfn, c->order,
						regs_return_value(regs) != 0, c->ours));
	return 0;
}

/*
 * Under zone->lock with interrupts off: one call per CPU at a time, so the
 * default number of instances (2 per CPU) never runs out.
 */
static struct kretprobe imr_isolate_kretprobe = {
	.kp.symbol_name = "__isolate_free_page",
	.entry_handler = imr_isolate_entry,
	.handler = imr_isolate_ret,
	.data_size = sizeof(struct imr_isolate_call),
};

/*
 * void __putback_isolated_page(struct page *page, unsigned int order, int mt)
 * (reused_bytes keeps the block: counters never go down; the reserve is
 * what must be right.)
 */
static int imr_putback_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned int order = regs->si;

	if (order < NR_PAGE_ORDERS)
		imr_bits_putback(&imr_bits, this_cpu_ptr(&imr_isolated),
				 page_to_pfn((struct page *)regs->di), order,
				 imr_track_our_pass());
	return 0;
}

static struct kprobe imr_putback_kprobe = {
	.symbol_name = "__putback_isolated_page",
	.pre_handler = imr_putback_pre,
};

struct imr_tp {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct imr_tp imr_tps[] = {
	{ "mm_page_alloc_zone_locked", imr_tp_zone_locked },
#if IMR_EXTFRAG_ALLOCATES
	{ "mm_page_alloc_extfrag", imr_tp_extfrag },
#endif
};

static void imr_tp_find(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(imr_tps); i++)
		if (!strcmp(tp->name, imr_tps[i].name))
			imr_tps[i].tp = tp;
}

static void imr_tps_unregister(unsigned int n)
{
	while (n--)
		tracepoint_probe_unregister(imr_tps[n].tp, imr_tps[n].probe, NULL);
	tracepoint_synchronize_unregister();
}

static int imr_tps_register(void)
{
	unsigned int i;
	int err = 0;

	for_each_kernel_tracepoint(imr_tp_find, NULL);
	for (i = 0; i < ARRAY_SIZE(imr_tps) && !err; i++) {
		err = imr_tps[i].tp ? tracepoint_probe_register(imr_tps[i].tp,
								imr_tps[i].probe, NULL)
				    : -ENOENT;
		if (err)
			pr_err("cannot attach to tracepoint %s: %d\n", imr_tps[i].name, err);
	}
	if (err)
		imr_tps_unregister(i - 1);
	return err;
}

/* One past the highest page frame of boot-time memory. */
static unsigned long imr_end_pfn(void)
{
	unsigned long end = 0;
	int nid;

	for_each_online_node(nid)
		end = max(end, pgdat_end_pfn(NODE_DATA(nid)));
	return end;
}

static int imr_track_probes_register(void)
{
	int err;

	err = register_kretprobe(&imr_isolate_kretprobe);
	if (err) {
		pr_err("cannot hook __isolate_free_page (kretprobe): %d\n", err);
		return err;
	}
	err = register_kprobe(&imr_putback_kprobe);
	if (err) {
		pr_err("cannot hook __putback_isolated_page: %d\n", err);
		unregister_kretprobe(&imr_isolate_kretprobe);
	}
	return err;
}

static void imr_track_probes_unregister(void)
{
	unregister_kprobe(&imr_putback_kprobe);
	unregister_kretprobe(&imr_isolate_kretprobe);
}

/*
 * Entries read per zone and order at most, with interrupts off: the cap
 * /proc/pagetypeinfo uses per list for the same walk.
 */
#define IMR_ADOPT_MAX_BLOCKS	100000UL

/*
 * The PageReported blocks of one order of a zone, all its migratetypes in
 * one hold of zone->lock: a block moves between the lists of one order
 * (move_freepages_block() keeps the flag), and would be missed had its
 * new list been read before.  Each list from the tail, where
 * __putback_isolated_page() puts back what page_reporting reported (a
 * pass rotates the list afterwards, so not all of them stay there): a
 * capped walk still sees most.
 */
static unsigned long imr_track_adopt_order(struct zone *zone, unsigned int order,
					   bool *capped)
{
	unsigned long flags, seen = 0, pages = 0;
	struct page *page;
	int mt;

	spin_lock_irqsave(&zone->lock, flags);
	for (mt = 0; mt < MIGRATE_TYPES && !*capped; mt++) {
		list_for_each_entry_reverse(page, &zone->free_area[order].free_list[mt],
					    buddy_list) {
			if (++seen > IMR_ADOPT_MAX_BLOCKS) {
				*capped = true;
				break;
			}
			if (!PageReported(page))
				continue;
			imr_track_stamp(page_to_pfn(page), 1UL << order);
			pages += imr_bits_set(&imr_bits, page_to_pfn(page),
					      1UL << order);
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	return pages;
}

/*
 * Blocks an earlier load of the module reported are still on the free
 * lists, still PageReported (page_reporting_unregister() leaves the flag)
 * and still without backing; free page reporting skips them until they
 * are allocated and freed again.  A new, empty bitmap would count them as
 * backed (the reserve's unsafe error): set their bits.  One list at a time
 * under zone->lock; the tracepoints are attached before, so a block
 * allocated once its list was read is cleared again.  A block that merged
 * with an unreported buddy, or what an allocation left of a reported one,
 * has lost the flag: it is not adopted, but is reported again as a whole
 * (and then counted).  Flagged blocks that are backed after all (left out
 * of a report because the earlier bitmap did not cover them, or flagged by
 * virtio_balloon) count as returned: the safe error.
 */
static void imr_track_adopt(void)
{
	unsigned long pages = 0;
	unsigned int order;
	bool capped = false;
	struct zone *zone;
	int nid, z;

	for_each_online_node(nid) {
		for (z = 0; z < MAX_NR_ZONES; z++) {
			zone = &NODE_DATA(nid)->node_zones[z];
			if (!populated_zone(zone))
				continue;
			for (order = 0; order < NR_PAGE_ORDERS; order++) {
				bool cap = false;

				pages += imr_track_adopt_order(zone, order, &cap);
				capped |= cap;
				cond_resched();
			}
		}
	}
	if (pages)
		pr_info("%lu MiB of free memory already reported (an earlier load): counted as returned\n",
			pages >> (20 - PAGE_SHIFT));
	if (capped)
		pr_warn("a zone had more than %lu free blocks of one order: reported blocks beyond them are counted as backed until reused\n",
			IMR_ADOPT_MAX_BLOCKS);
}

int imr_track_init(void)
{
	int err;

	imr_bits.nbits = imr_end_pfn();
	atomic_long_set(&imr_bits.live, 0);
	imr_bits.words = vzalloc(BITS_TO_LONGS(imr_bits.nbits) * sizeof(*imr_bits.words));
	if (!imr_bits.words)
		return -ENOMEM;
	imr_stamps = vcalloc(DIV_ROUND_UP(imr_bits.nbits, 1UL << IMR_STAMP_SHIFT),
			     sizeof(*imr_stamps));
	if (!imr_stamps) {
		err = -ENOMEM;
		goto err_bitmap;
	}
	err = imr_tps_register();
	if (err)
		goto err_stamps;
	err = imr_track_probes_register();
	if (err)
		goto err_tps;
	imr_track_adopt();
	return 0;

err_tps:
	imr_tps_unregister(ARRAY_SIZE(imr_tps));
err_stamps:
	vfree(imr_stamps);
err_bitmap:
	vfree(imr_bits.words);
	return err;
}

void imr_track_exit(void)
{
	imr_track_probes_unregister();
	imr_tps_unregister(ARRAY_SIZE(imr_tps));
	vfree(imr_stamps);
	imr_stamps = NULL;
	vfree(imr_bits.words);
	imr_bits.words = NULL;
}
