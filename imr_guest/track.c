// SPDX-License-Identifier: GPL-2.0
/*
 * Which reported pages are still free: one bit per 4 KiB page frame, set
 * after the host acknowledged a report, cleared when the block leaves the
 * buddy allocator.  That gives reused_bytes and the "reported and still
 * free" total the reserve is computed from.
 *
 * Set: report() runs while page_reporting holds the blocks isolated, so
 * none of them can be allocated (and so cleared) concurrently; no lock is
 * needed beyond atomic word updates (neighbouring zones share words).
 * Clear: the allocator's tracepoints, which fire under zone->lock for every
 * block taken off the free lists (mm_page_alloc_zone_locked; since 6.10
 * also mm_page_alloc_extfrag), and a kprobe on __isolate_free_page
 * (compaction and contig allocation take free blocks that way; it is also
 * how page_reporting isolates, which is harmless: bits are set again after
 * the report).  Frames beyond the end of boot-time memory (hot-added) are
 * not tracked: they count as reused, the safe side for the reserve.
 */
#include <linux/bitmap.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "imr_guest.h"

static atomic_long_t *imr_words;	/* the bitmap, updated word-wise */
static unsigned long imr_nbits;		/* page frames covered */
static atomic_long_t imr_live;		/* bits set */

/* Set (or clear) @mask in one word; returns how many bits changed. */
static unsigned int imr_word_update(atomic_long_t *w, unsigned long mask,
				    bool set)
{
	unsigned long old;

	if (set) {
		old = atomic_long_fetch_or(mask, w);
		return hweight_long(mask & ~old);
	}
	old = atomic_long_fetch_andnot(mask, w);
	return hweight_long(mask & old);
}

static unsigned long imr_bits_update(unsigned long start, unsigned long end,
				     bool set)
{
	unsigned long span, n = 0;
	unsigned int lo;

	end = min(end, imr_nbits);
	while (start < end) {
		lo = start % BITS_PER_LONG;
		span = min(end - start, (unsigned long)(BITS_PER_LONG - lo));
		n += imr_word_update(&imr_words[BIT_WORD(start)],
				     GENMASK(lo + span - 1, lo), set);
		start += span;
	}
	return n;
}

void imr_track_reported(const struct imr_range *r, unsigned int n)
{
	unsigned long pfn, added = 0;

	for (; n--; r++) {
		pfn = le64_to_cpu(r->gpa) >> PAGE_SHIFT;
		added += imr_bits_update(pfn, pfn + (le64_to_cpu(r->len) >> PAGE_SHIFT),
					 true);
	}
	atomic_long_add(added, &imr_live);
}

unsigned long imr_track_live_pages(void)
{
	return max(atomic_long_read(&imr_live), 0L);
}

/* A block of 2^order frames at @page left the free lists. */
static void imr_track_taken(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), end = pfn + (1UL << order);
	unsigned long n;

	end = min(end, imr_nbits);
	if (pfn >= end || find_next_bit((unsigned long *)imr_words, end, pfn) >= end)
		return;
	n = imr_bits_update(pfn, end, false);
	atomic_long_sub(n, &imr_live);
	atomic64_add((u64)n << PAGE_SHIFT, &imr_stats.reused_bytes);
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

/* __isolate_free_page(struct page *page, unsigned int order) */
static int imr_isolate_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned int order = regs->si;	/* 32-bit argument */

	if (order < NR_PAGE_ORDERS)
		imr_track_taken((struct page *)regs->di, order);
	return 0;
}

static struct kprobe imr_isolate_kprobe = {
	.symbol_name = "__isolate_free_page",
	.pre_handler = imr_isolate_pre,
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

int imr_track_init(void)
{
	int err;

	imr_nbits = imr_end_pfn();
	imr_words = vzalloc(BITS_TO_LONGS(imr_nbits) * sizeof(*imr_words));
	if (!imr_words)
		return -ENOMEM;
	err = imr_tps_register();
	if (err)
		goto err_bitmap;
	err = register_kprobe(&imr_isolate_kprobe);
	if (err) {
		pr_err("cannot hook __isolate_free_page: %d\n", err);
		goto err_tps;
	}
	return 0;

err_tps:
	imr_tps_unregister(ARRAY_SIZE(imr_tps));
err_bitmap:
	vfree(imr_words);
	return err;
}

void imr_track_exit(void)
{
	unregister_kprobe(&imr_isolate_kprobe);
	imr_tps_unregister(ARRAY_SIZE(imr_tps));
	vfree(imr_words);
	imr_words = NULL;
}
