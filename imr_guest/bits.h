/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic of the reported-page bitmap (track.c): one bit per page frame,
 * set while a reported page is still free, and the rules for what each
 * allocator event does to it.  No mm internals, so KUnit can test it.
 *
 * The bitmap feeds the reserve (report.c): "free - live", with the live
 * frames of the batch being reported left out of "live"
 * (imr_bits_backed_free()), is taken to be free memory that is still
 * backed.  Counting a page as live when it is not is therefore the safe
 * error (a report is refused too early); failing to count one that is,
 * the unsafe one (reports go below the reserve).
 */
#ifndef IMR_GUEST_BITS_H
#define IMR_GUEST_BITS_H

#include <linux/atomic.h>
#include <linux/types.h>

struct imr_bits {
	atomic_long_t *words;	/* updated word-wise: zones share words */
	unsigned long nbits;	/* page frames 0 .. nbits - 1 are tracked */
	atomic_long_t live;	/* bits set */
};

/*
 * The last block __isolate_free_page() took on one CPU.  The only caller
 * that puts a block back (__putback_isolated_page) without reporting it,
 * unset_migratetype_isolate(), does so on the same CPU under the same
 * zone->lock, right after isolating it.
 */
struct imr_isolated {
	unsigned long pfn;
	unsigned int order;
	bool had_bits;		/* some of its bits were set */
};

unsigned long imr_bits_set(struct imr_bits *b, unsigned long pfn,
			   unsigned long n);
unsigned long imr_bits_clear(struct imr_bits *b, unsigned long pfn,
			     unsigned long n);
bool imr_bits_covers(const struct imr_bits *b, unsigned long pfn,
		     unsigned long n);
unsigned long imr_bits_live(const struct imr_bits *b);
unsigned long imr_bits_count(const struct imr_bits *b, unsigned long pfn,
			     unsigned long n);
unsigned long imr_bits_backed_free(unsigned long free, unsigned long live,
				   unsigned long live_in_batch);
unsigned long imr_bits_isolated(struct imr_bits *b, struct imr_isolated *last,
				unsigned long pfn, unsigned int order,
				bool isolated, bool ours);
unsigned long imr_bits_putback(struct imr_bits *b,
			       const struct imr_isolated *last,
			       unsigned long pfn, unsigned int order, bool ours);

#endif /* IMR_GUEST_BITS_H */
