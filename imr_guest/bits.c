// SPDX-License-Identifier: GPL-2.0
/*
 * The reported-page bitmap and the rules for changing it (see bits.h for
 * why over-counting is the safe error).  Callers are the allocator hooks
 * in track.c (under zone->lock, any context) and report() (work item):
 * word-wise atomics, no lock.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/minmax.h>

#include "bits.h"

enum imr_bits_op { IMR_BITS_SET, IMR_BITS_CLEAR, IMR_BITS_COUNT };

/*
 * Set, clear or count @mask in one word; returns how many bits changed
 * (set, clear) or are set (count).
 */
static unsigned int imr_word_op(atomic_long_t *w, unsigned long mask,
				enum imr_bits_op op)
{
	unsigned long old = atomic_long_read(w);

	if (op == IMR_BITS_COUNT)
		return hweight_long(old & mask);
	/* Most allocations touch no reported page: spare them the atomic. */
	if (op == IMR_BITS_SET ? (old & mask) == mask : !(old & mask))
		return 0;
	if (op == IMR_BITS_SET) {
		old = atomic_long_fetch_or(mask, w);
		return hweight_long(mask & ~old);
	}
	old = atomic_long_fetch_andnot(mask, w);
	return hweight_long(mask & old);
}

/*
 * imr_word_op() over frames @pfn .. @pfn + @n - 1, tracked ones only.
 * @b itself is not changed; SET and CLEAR write the words it points to.
 */
static unsigned long imr_bits_walk(const struct imr_bits *b, unsigned long pfn,
				   unsigned long n, enum imr_bits_op op)
{
	unsigned long span, end, sum = 0;
	unsigned int lo;

	if (pfn >= b->nbits)
		return 0;
	end = pfn + min(n, b->nbits - pfn);
	while (pfn < end) {
		lo = pfn % BITS_PER_LONG;
		span = min(end - pfn, (unsigned long)(BITS_PER_LONG - lo));
		sum += imr_word_op(&b->words[BIT_WORD(pfn)],
				   GENMASK(lo + span - 1, lo), op);
		pfn += span;
	}
	return sum;
}

static unsigned long imr_bits_update(struct imr_bits *b, unsigned long pfn,
				     unsigned long n, bool set)
{
	unsigned long changed;

	changed = imr_bits_walk(b, pfn, n, set ? IMR_BITS_SET : IMR_BITS_CLEAR);
	if (set)
		atomic_long_add(changed, &b->live);
	else
		atomic_long_sub(changed, &b->live);
	return changed;
}

/* @n frames from @pfn were reported; returns how many were not yet live. */
unsigned long imr_bits_set(struct imr_bits *b, unsigned long pfn,
			   unsigned long n)
{
	return imr_bits_update(b, pfn, n, true);
}

/* @n frames from @pfn left the free lists; returns how many were live. */
unsigned long imr_bits_clear(struct imr_bits *b, unsigned long pfn,
			     unsigned long n)
{
	return imr_bits_update(b, pfn, n, false);
}

/*
 * Can frames @pfn .. @pfn + @n - 1 be reported?  Only if all of them are
 * tracked: a reported frame the bitmap cannot hold (memory hot-added after
 * load) would be dropped yet counted as backed, the unsafe error.
 */
bool imr_bits_covers(const struct imr_bits *b, unsigned long pfn,
		     unsigned long n)
{
	return n && pfn < b->nbits && n <= b->nbits - pfn;
}

unsigned long imr_bits_live(const struct imr_bits *b)
{
	return max(atomic_long_read(&b->live), 0L);
}

/* How many of frames @pfn .. @pfn + @n - 1 are live (untracked ones: none). */
unsigned long imr_bits_count(const struct imr_bits *b, unsigned long pfn,
			     unsigned long n)
{
	return imr_bits_walk(b, pfn, n, IMR_BITS_COUNT);
}

/*
 * Free pages still backed once a batch is reported: @free (buddy and
 * per-CPU lists, the isolated batch not among them) less the live frames
 * outside the batch.  @live counts the batch's own live frames too (a
 * reported block that merged with a fresh buddy is offered again, and
 * bits.c leaves its bits while our pass holds it, see below), so they are
 * taken out of it.  Without that, right after a large free on 4 vCPUs,
 * "returned" exceeded all free memory and the reserve refused the last
 * batches (85% of the freed memory came back instead of 99.6%).  Clamped
 * at 0: the counters are read one after the other, the allocator running.
 */
unsigned long imr_bits_backed_free(unsigned long free, unsigned long live,
				   unsigned long live_in_batch)
{
	unsigned long outside = live - min(live_in_batch, live);

	return free > outside ? free - outside : 0;
}

/*
 * __isolate_free_page() took (@isolated) or failed to take the 2^@order
 * block at @pfn.  Returns the live frames that left the free lists.
 *
 * - It failed (watermark): the block is still free, nothing changes.
 * - Our own page_reporting pass took it (@ours): nothing changes either.
 *   Its live frames stay free and dropped until the pass puts them back:
 *   report() sets the whole block once the host took it, and a refused
 *   or failed report leaves them as true as they were.  (A block can be
 *   partly live and not PageReported: a reported block that merged with a
 *   fresh buddy, or the rest of one an allocation split.)
 * - Anyone else (compaction, contiguous allocation) took it for use: clear,
 *   but remember the block in case it is put straight back.
 */
unsigned long imr_bits_isolated(struct imr_bits *b, struct imr_isolated *last,
				unsigned long pfn, unsigned int order,
				bool isolated, bool ours)
{
	unsigned long n = 0;

	if (ours)
		return 0;
	if (isolated)
		n = imr_bits_clear(b, pfn, 1UL << order);
	last->pfn = pfn;
	last->order = order;
	last->had_bits = n != 0;
	return n;
}

/*
 * __putback_isolated_page() returned the 2^@order block at @pfn to the free
 * lists.  Our pass's blocks are handled by report() (see above); anyone
 * else's is the one just isolated on this CPU: it never left the guest's
 * free memory, so its frames are live again.  All of them, where only some
 * were: a few too many is the safe error, and the block is not PageReported
 * (it will be reported and set again, or allocated and cleared).  Returns
 * the frames made live.
 */
unsigned long imr_bits_putback(struct imr_bits *b,
			       const struct imr_isolated *last,
			       unsigned long pfn, unsigned int order, bool ours)
{
	if (ours || !last->had_bits || last->pfn != pfn || last->order != order)
		return 0;
	return imr_bits_set(b, pfn, 1UL << order);
}
