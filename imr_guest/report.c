// SPDX-License-Identifier: GPL-2.0
/*
 * The report() callback of free page reporting.  mm/page_reporting.c has
 * taken the blocks in @sgl off the free lists under zone->lock: nobody can
 * allocate them until we return and it puts them back, so the host may
 * drop them now.  One work item calls us, never two at once, so the one
 * page-sized hypercall buffer needs no lock.  It calls us without locks
 * held, so we may sleep.
 */
#include <linux/kernel.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/page_reporting.h>
#include <linux/sched.h>
#include <linux/scatterlist.h>
#include <linux/timekeeping.h>
#include <linux/vmstat.h>

#include "compat.h"
#include "batch.h"
#include "bits.h"
#include "imr_guest.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Pages as KiB. */
#define IMR_KIB(pages)	((u64)(pages) << (PAGE_SHIFT - 10))

#define IMR_RESERVE_EXTRA_KIB	(2UL << 10)	/* the "few MiB" on top */

struct imr_stats imr_stats;

static struct imr_range *imr_buf;	/* page-aligned: the hypercall's array */
static unsigned int imr_max_ranges;	/* per hypercall, from the host's probe */
static unsigned long imr_reserve_pages;

void imr_report_set_max(unsigned int max_ranges)
{
	WRITE_ONCE(imr_max_ranges, min_t(unsigned int, max_ranges, IMR_MAX_RANGES));
}

/*
 * The default reserve: the low watermark as the kernel sizes it from the
 * amount of memory alone (min_free_kbytes = sqrt(16 * RAM in KiB), low =
 * min + 0.1% of RAM at the default watermark_scale_factor), plus a margin.
 * Not the zones' current low watermarks: with THP on, the kernel raises
 * min_free_kbytes to keep whole pageblocks free (45 MiB in a 1 GiB guest),
 * and keeping that much backed held 4-12% of a freed 512 MiB back from the
 * host in the lab (87.5-96.5% returned; 100% with no reserve).
 */
unsigned long imr_report_default_reserve_kib(void)
{
	unsigned long ram_kib = totalram_pages() << (PAGE_SHIFT - 10);
	unsigned long min_kib = clamp(int_sqrt(ram_kib * 16), 128UL, 262144UL);

	return min_kib + ram_kib / 1000 + IMR_RESERVE_EXTRA_KIB;
}

unsigned long imr_report_reserve_kib(void)
{
	return IMR_KIB(READ_ONCE(imr_reserve_pages));
}

/* @kib was checked by its setter (settings.c). */
void imr_report_set_reserve_kib(unsigned long kib)
{
	WRITE_ONCE(imr_reserve_pages, kib >> (PAGE_SHIFT - 10));
}

/*
 * Would reporting this batch leave less than the reserve, or the reserve
 * and the hot reserve (hold.c) on top, of free memory still backed?
 * NR_FREE_PAGES does not count the isolated batch, so what
 * stays backed is "free - live" with the batch's own live frames taken
 * out of "live" (imr_bits_backed_free() says why).  Nor does it count the
 * per-CPU free lists, which are free and allocatable: while a process
 * frees on several CPUs they held 44 MiB in the lab, the reserve was "hit"
 * with that much backed memory at hand, and free page reporting (which
 * ends a pass on a refusal and starts the next only after another free)
 * left 10-25% of a freed 512 MiB unreported.  Their pages are counted as
 * backed, which most are; not those a list was refilled with from reported
 * memory (track.c cleared their bits when they left the buddy allocator):
 * by that much, up to the lists' size, the reserve can be undercut.
 */
static bool imr_reserve_hit(struct scatterlist *sgl, unsigned int nents)
{
	unsigned long buddy = global_zone_page_state(NR_FREE_PAGES);
	unsigned long pcp = imr_pcp_pages();
	unsigned long live = imr_track_live_pages();
	unsigned long reserve = READ_ONCE(imr_reserve_pages);
	unsigned long hot = imr_hold_pages();
	unsigned long in_batch = 0, backed;
	struct scatterlist *sg;
	unsigned int i;

	for_each_sg(sgl, sg, nents, i)
		in_batch += imr_track_live_in(page_to_phys(sg_page(sg)), sg->length);
	backed = imr_bits_backed_free(buddy + pcp, live, in_batch);
	if (backed >= reserve && backed - reserve >= hot)
		return false;
	if (backed >= reserve)
		imr_hold_held_back();
	else
		atomic64_inc(&imr_stats.reserve_hits);
	trace_reserve_hit(nents, IMR_KIB(buddy), IMR_KIB(pcp), IMR_KIB(live),
			  IMR_KIB(in_batch), IMR_KIB(reserve), IMR_KIB(hot));
	return true;
}

/*
 * A block the tracking bitmap cannot cover (hot-added after load) is left
 * out: it stays backed.  page_reporting still marks it reported, so it is
 * not offered again until it has been allocated and freed.
 */
static bool imr_tracked(phys_addr_t pa, unsigned int len)
{
	if (imr_track_covers(pa, len))
		return true;
	atomic64_add(len, &imr_stats.untracked_bytes);
	return false;
}

static int imr_fill(struct imr_batch *b, struct scatterlist *sgl,
		    unsigned int nents)
{
	struct scatterlist *sg;
	unsigned int i;
	int err;

	imr_batch_init(b, imr_buf, IMR_MAX_RANGES);
	for_each_sg(sgl, sg, nents, i) {
		phys_addr_t pa = page_to_phys(sg_page(sg));

		if (!imr_tracked(pa, sg->length))
			continue;
		err = imr_batch_add(b, pa, sg->length);
		if (err)
			return err;
	}
	return imr_batch_finish(b);
}

/*
 * The host's code -> what page_reporting gets (any error: not reported).
 * A host that no longer takes reports from this VM also sets @host_gone.
 */
static int imr_report_error(long ret, long *host_gone)
{
	switch (ret) {
	case -IMR_EBUSY:
		return -EAGAIN;
	case -IMR_ENOSYS:
	case -IMR_EREFUSED:
		*host_gone = ret;
		return -ENODEV;
	default:
		pr_warn_ratelimited("host refused a report: %ld\n", ret);
		return -EIO;
	}
}

static void imr_account(long ret, u64 bytes, u64 us)
{
	atomic64_inc(&imr_stats.reports);
	atomic64_set(&imr_stats.last_report_us, us);
	if (ret < 0)
		atomic64_inc(&imr_stats.report_errors);
	else
		atomic64_add(bytes, &imr_stats.reported_bytes);
}

static int imr_send_chunk(struct imr_range *r, unsigned int n, long *host_gone)
{
	u64 bytes = imr_batch_bytes(r, n);
	u64 t0, us;
	long ret;

	t0 = ktime_get_ns();
	ret = imr_hc_report(virt_to_phys(r), n);
	us = div_u64(ktime_get_ns() - t0, NSEC_PER_USEC);
	trace_report(n, bytes, ret, us);
	imr_account(ret, bytes, us);
	if (ret < 0)
		return imr_report_error(ret, host_gone);
	imr_track_reported(r, n);
	return 0;
}

/*
 * Usually one hypercall.  When one of several fails, the earlier chunks
 * are dropped already: that is fine, the blocks are free either way and
 * just go back unmarked, to be reported again later.
 *
 * Yield before each hypercall: page_reporting calls report() back to back
 * from one work item (a batch of 32 blocks each, until a pass is done) and
 * never yields itself.  Debian's kernels are PREEMPT_VOLUNTARY, so in a
 * large guest one pass would otherwise hold a per-CPU kworker's CPU for
 * hundreds of ms.  No lock is held here (see the top of the file).
 */
static int imr_send(struct imr_batch *b, long *host_gone)
{
	unsigned int pos, n, max = READ_ONCE(imr_max_ranges);
	int err;

	for (pos = 0; (n = imr_batch_chunk(b, pos, max)); pos += n) {
		cond_resched();
		err = imr_send_chunk(&b->r[pos], n, host_gone);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Report one batch of page_reporting's isolated blocks (control.c's
 * callback calls this).  Returns 0 or what page_reporting gets; @host_gone
 * is set to the host's code when it no longer takes reports.
 */
int imr_report(struct scatterlist *sgl, unsigned int nents, long *host_gone)
{
	struct imr_batch b;
	int err;

	if (imr_reserve_hit(sgl, nents))
		return -EAGAIN;
	err = imr_fill(&b, sgl, nents);
	if (err) {
		pr_warn_ratelimited("malformed batch of %u blocks: %d\n", nents, err);
		return err;
	}
	err = imr_send(&b, host_gone);
	if (!err)
		imr_hold_reported();
	return err;
}

int imr_report_init(unsigned int max_ranges)
{
	imr_buf = (struct imr_range *)get_zeroed_page(GFP_KERNEL);
	if (!imr_buf)
		return -ENOMEM;
	imr_report_set_max(max_ranges);
	imr_report_set_reserve_kib(imr_report_default_reserve_kib());
	return 0;
}

void imr_report_exit(void)
{
	free_page((unsigned long)imr_buf);
	imr_buf = NULL;
}
