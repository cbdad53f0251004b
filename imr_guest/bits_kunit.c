// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of imr_guest/bits.c: what each allocator event does to the
 * reported-page bitmap, and so to "live", the count the reserve is taken
 * from.  Losing a live frame (under-counting) defeats the reserve; the
 * cases below are the ways track.c used to lose them.
 */
#include <kunit/test.h>
#include <linux/bitops.h>

#include "bits.h"

#define IMR_T_FRAMES	4096UL

static struct imr_bits *imr_t_bits(struct kunit *test, unsigned long nbits)
{
	struct imr_bits *b;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	b->words = kunit_kcalloc(test, BITS_TO_LONGS(nbits), sizeof(*b->words),
				 GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b->words);
	b->nbits = nbits;
	return b;
}

/* Each frame counts once, whatever the overlaps and word boundaries. */
static void imr_bits_counts(struct kunit *test)
{
	struct imr_bits *b = imr_t_bits(test, IMR_T_FRAMES);

	KUNIT_EXPECT_EQ(test, imr_bits_set(b, 0, 100), 100UL);
	KUNIT_EXPECT_EQ(test, imr_bits_set(b, 50, 100), 50UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 150UL);
	KUNIT_EXPECT_EQ(test, imr_bits_clear(b, 120, 80), 30UL);
	KUNIT_EXPECT_EQ(test, imr_bits_clear(b, 120, 80), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 120UL);
	KUNIT_EXPECT_EQ(test, imr_bits_set(b, 1000, 1024), 1024UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 1144UL);
}

/*
 * Frames beyond the bitmap (hot-added after load) must not be reported:
 * their drop could not be counted.  Only wholly tracked blocks are.
 */
static void imr_bits_hotplug_not_covered(struct kunit *test)
{
	struct imr_bits *b = imr_t_bits(test, 1000);

	KUNIT_EXPECT_TRUE(test, imr_bits_covers(b, 488, 512));
	KUNIT_EXPECT_FALSE(test, imr_bits_covers(b, 512, 512));
	KUNIT_EXPECT_FALSE(test, imr_bits_covers(b, 1024, 512));
	KUNIT_EXPECT_FALSE(test, imr_bits_covers(b, ULONG_MAX - 1, 4));
	KUNIT_EXPECT_FALSE(test, imr_bits_covers(b, 0, 0));
	/* Nothing outside the bitmap is ever written. */
	KUNIT_EXPECT_EQ(test, imr_bits_set(b, 990, 20), 10UL);
	KUNIT_EXPECT_EQ(test, imr_bits_set(b, 1000, 20), 0UL);
}

/* __isolate_free_page() refused (watermark): the block is still free. */
static void imr_bits_isolate_failed_keeps(struct kunit *test)
{
	struct imr_bits *b = imr_t_bits(test, IMR_T_FRAMES);
	struct imr_isolated last = {};

	imr_bits_set(b, 512, 512);
	KUNIT_EXPECT_EQ(test, imr_bits_isolated(b, &last, 512, 9, false, false), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 512UL);
}

/* Compaction or a contiguous allocation took it for use: not free now. */
static void imr_bits_isolate_for_use_clears(struct kunit *test)
{
	struct imr_bits *b = imr_t_bits(test, IMR_T_FRAMES);
	struct imr_isolated last = {};

	imr_bits_set(b, 512, 512);
	KUNIT_EXPECT_EQ(test, imr_bits_isolated(b, &last, 512, 9, true, false), 512UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 0UL);
}

/*
 * Our own pass isolates a block half of which was reported before (it
 * merged with a fresh buddy, so it is not PageReported).  A refused report
 * (reserve hit, host busy) puts it back: the old half is still dropped.
 * A successful one makes the whole block live.
 */
static void imr_bits_our_pass_refused_keeps(struct kunit *test)
{
	struct imr_bits *b = imr_t_bits(test, IMR_T_FRAMES);
	struct imr_isolated last = {};

	imr_bits_set(b, 1536, 512);
	KUNIT_EXPECT_EQ(test, imr_bits_isolated(b, &last, 1024, 10, true, true), 0UL);
	/* report() refused: nothing else happens to the bits */
	KUNIT_EXPECT_EQ(test, imr_bits_putback(b, &last, 1024, 10, true), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 512UL);
	/* the next pass reports it */
	KUNIT_EXPECT_EQ(test, imr_bits_isolated(b, &last, 1024, 10, true, true), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_set(b, 1024, 1024), 512UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 1024UL);
}

/* unset_migratetype_isolate(): isolated, then put straight back. */
static void imr_bits_put_straight_back_restores(struct kunit *test)
{
	struct imr_bits *b = imr_t_bits(test, IMR_T_FRAMES);
	struct imr_isolated last = {};

	imr_bits_set(b, 2048, 512);
	imr_bits_isolated(b, &last, 2048, 9, true, false);
	KUNIT_EXPECT_EQ(test, imr_bits_putback(b, &last, 2048, 9, false), 512UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 512UL);
}

/* Only the block just isolated comes back, and only if it was live. */
static void imr_bits_putback_only_that_block(struct kunit *test)
{
	struct imr_bits *b = imr_t_bits(test, IMR_T_FRAMES);
	struct imr_isolated last = {};

	imr_bits_set(b, 0, 512);
	imr_bits_isolated(b, &last, 0, 9, true, false);
	KUNIT_EXPECT_EQ(test, imr_bits_putback(b, &last, 512, 9, false), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_putback(b, &last, 0, 8, false), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_putback(b, &last, 0, 9, true), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 0UL);
	/* a block never reported does not become live */
	imr_bits_isolated(b, &last, 1024, 9, true, false);
	KUNIT_EXPECT_EQ(test, imr_bits_putback(b, &last, 1024, 9, false), 0UL);
	/* a failed isolation is not put back: nothing to restore */
	imr_bits_set(b, 1536, 512);
	imr_bits_isolated(b, &last, 1536, 9, false, false);
	KUNIT_EXPECT_EQ(test, imr_bits_putback(b, &last, 1536, 9, false), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_live(b), 512UL);
}

/* Partly live and put back: all of it counts (the safe error). */
static void imr_bits_putback_partial_counts_all(struct kunit *test)
{
	struct imr_bits *b = imr_t_bits(test, IMR_T_FRAMES);
	struct imr_isolated last = {};

	imr_bits_set(b, 0, 100);
	KUNIT_EXPECT_EQ(test, imr_bits_isolated(b, &last, 0, 9, true, false), 100UL);
	KUNIT_EXPECT_EQ(test, imr_bits_putback(b, &last, 0, 9, false), 512UL);
	KUNIT_EXPECT_GE(test, imr_bits_live(b), 100UL);
}

/* Counting a range sees each live frame once, across word boundaries. */
static void imr_bits_count_range(struct kunit *test)
{
	struct imr_bits *b = imr_t_bits(test, 1000);

	imr_bits_set(b, 60, 10);
	imr_bits_set(b, 512, 256);
	KUNIT_EXPECT_EQ(test, imr_bits_count(b, 0, 512), 10UL);
	KUNIT_EXPECT_EQ(test, imr_bits_count(b, 63, 2), 2UL);
	KUNIT_EXPECT_EQ(test, imr_bits_count(b, 512, 512), 256UL);
	KUNIT_EXPECT_EQ(test, imr_bits_count(b, 990, 512), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_count(b, 2048, 512), 0UL);
}

/*
 * The lab's 4-vCPU guest on 6.1, right after freeing 512 MiB (KiB): the
 * reserve (6988 KiB) refused a batch of 32 blocks with free + pcp =
 * 748256 and returned = 771520.  Returned exceeded all free memory: the
 * excess is live frames of the isolated batch itself (4 MiB blocks a
 * reported 2 MiB half merged into), all but a little (free pages of an
 * isolated pageblock keep their bits and leave NR_FREE_PAGES too).  What
 * stays backed is what lies outside the batch: with 32 MiB of it live,
 * 9504 KiB.
 */
static void imr_bits_backed_free_batch(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, imr_bits_backed_free(748256, 771520, 32768),
			9504UL);
	KUNIT_EXPECT_EQ(test, imr_bits_backed_free(748256, 771520, 0), 0UL);
	KUNIT_EXPECT_EQ(test, imr_bits_backed_free(1000, 600, 0), 400UL);
	/* Counters read apart: never negative, never more than "free". */
	KUNIT_EXPECT_EQ(test, imr_bits_backed_free(1000, 600, 700), 1000UL);
	KUNIT_EXPECT_EQ(test, imr_bits_backed_free(0, 0, 0), 0UL);
}

static struct kunit_case imr_bits_test_cases[] = {
	KUNIT_CASE(imr_bits_counts),
	KUNIT_CASE(imr_bits_hotplug_not_covered),
	KUNIT_CASE(imr_bits_isolate_failed_keeps),
	KUNIT_CASE(imr_bits_isolate_for_use_clears),
	KUNIT_CASE(imr_bits_our_pass_refused_keeps),
	KUNIT_CASE(imr_bits_put_straight_back_restores),
	KUNIT_CASE(imr_bits_putback_only_that_block),
	KUNIT_CASE(imr_bits_putback_partial_counts_all),
	KUNIT_CASE(imr_bits_count_range),
	KUNIT_CASE(imr_bits_backed_free_batch),
	{}
};

static struct kunit_suite imr_bits_test_suite = {
	.name = "imr_guest_bits",
	.test_cases = imr_bits_test_cases,
};

kunit_test_suite(imr_bits_test_suite);

MODULE_LICENSE("GPL");
