// SPDX-License-Identifier: GPL-2.0
/* KUnit suite of imr_guest/hot.c: how the hot reserve grows and shrinks. */
#include <kunit/test.h>
#include <linux/limits.h>

#include "hot.h"
#include "still.h"

#define BLOCK	IMR_STILL_PAGES			/* one 2 MiB block */
#define MAX	(96UL * BLOCK)			/* 192 MiB */
#define TICK	IMR_HOT_TICK_MS
#define BUSY	(10 * BLOCK)			/* pfbench: ~100 MiB/s */

/* Reuse grows it by IMR_HOT_GAIN times what was reused, up to the cap. */
static void imr_hot_grows_on_reuse(struct kunit *test)
{
	struct imr_hot h = { 0 };

	imr_hot_step(&h, 5 * BLOCK, BUSY, BUSY, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, 5 * BLOCK * IMR_HOT_GAIN);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_REUSE);
	imr_hot_step(&h, 5 * BLOCK, BUSY, BUSY, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, 2 * 5 * BLOCK * IMR_HOT_GAIN);
	/* A 128 MiB loop reusing 10 MiB per tick is covered within 4 ticks. */
	h.pages = 0;
	imr_hot_step(&h, 5 * BLOCK, BUSY, BUSY, TICK, MAX);
	imr_hot_step(&h, 5 * BLOCK, BUSY, BUSY, TICK, MAX);
	imr_hot_step(&h, 5 * BLOCK, BUSY, BUSY, TICK, MAX);
	imr_hot_step(&h, 5 * BLOCK, BUSY, BUSY, TICK, MAX);
	KUNIT_EXPECT_GE(test, h.pages, 64UL * BLOCK);
}

static void imr_hot_capped(struct kunit *test)
{
	struct imr_hot h = { .pages = MAX - 1 };

	imr_hot_step(&h, BLOCK, BUSY, BUSY, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, MAX);
	imr_hot_step(&h, ULONG_MAX, BUSY, BUSY, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, MAX);
	/* A lower maximum applies at once. */
	imr_hot_step(&h, BLOCK, BUSY, BUSY, TICK, 10 * BLOCK);
	KUNIT_EXPECT_EQ(test, h.pages, 10 * BLOCK);
	/* Maximum 0: the policy is off, nothing is ever held. */
	imr_hot_step(&h, BLOCK, BUSY, BUSY, TICK, 0);
	KUNIT_EXPECT_EQ(test, h.pages, 0UL);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_NONE);
	imr_hot_step(&h, 100 * BLOCK, BUSY, BUSY, TICK, 0);
	KUNIT_EXPECT_EQ(test, h.pages, 0UL);
}

/*
 * Reuse counts only up to what the guest freed shortly before: a process
 * growing into memory reported long ago (no frees) is no churn.
 */
static void imr_hot_needs_churn(struct kunit *test)
{
	struct imr_hot h = { 0 };

	imr_hot_step(&h, 10 * BLOCK, BUSY, 0, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, 0UL);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_NONE);
	imr_hot_step(&h, 10 * BLOCK, BUSY, 2 * BLOCK, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, 2 * BLOCK * IMR_HOT_GAIN);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_REUSE);
	KUNIT_EXPECT_EQ(test, h.credit, 0UL);
	/* Frees without reuse of reported memory: no growth either. */
	imr_hot_step(&h, 0, BUSY, 100 * BLOCK, TICK, MAX);
	KUNIT_EXPECT_LT(test, h.pages, 2 * BLOCK * IMR_HOT_GAIN);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_BUSY);
}

/*
 * pfbench: one munmap of 64 blocks, then 10 ticks that reuse 6 blocks
 * each and free nothing.  The burst's credit carries the reuse after it.
 */
static void imr_hot_credit_carries(struct kunit *test)
{
	struct imr_hot h = { 0 };
	unsigned int i;

	imr_hot_step(&h, 0, BUSY, 64 * BLOCK, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, 0UL);
	KUNIT_EXPECT_EQ(test, h.credit, 64 * BLOCK);
	for (i = 0; i < 10; i++)
		imr_hot_step(&h, 6 * BLOCK, BUSY, 0, TICK, MAX);
	KUNIT_EXPECT_GE(test, h.pages, 64 * BLOCK);
	/* Credit not used up fades: half in 11 ticks. */
	h.credit = 64 * BLOCK;
	for (i = 0; i < 11; i++)
		imr_hot_step(&h, 0, BUSY, 0, TICK, MAX);
	KUNIT_EXPECT_LE(test, h.credit, 32 * BLOCK);
	KUNIT_EXPECT_GE(test, h.credit, 30 * BLOCK);
	h.credit = ULONG_MAX;
	imr_hot_step(&h, 0, BUSY, ULONG_MAX, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.credit, ULONG_MAX);
}

/* Reuse of less than a block's worth after the gain is noise. */
static void imr_hot_ignores_noise(struct kunit *test)
{
	struct imr_hot h = { 0 };

	imr_hot_step(&h, BLOCK / IMR_HOT_GAIN - 1, BUSY, BUSY, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, 0UL);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_NONE);
	imr_hot_step(&h, BLOCK / IMR_HOT_GAIN, BUSY, BUSY, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, BLOCK);
}

/* Busy without reuse: held, 1/64 lost per second; 64 s to go to 1/e. */
static void imr_hot_busy_holds(struct kunit *test)
{
	struct imr_hot h = { .pages = 64 * BLOCK };
	unsigned int i;

	imr_hot_step(&h, 0, BUSY, BUSY, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_BUSY);
	KUNIT_EXPECT_EQ(test, h.pages, 64 * BLOCK - BLOCK / 10);
	h.pages = 64 * BLOCK;
	for (i = 0; i < 10; i++)
		imr_hot_step(&h, 0, BUSY, BUSY, TICK, MAX);
	KUNIT_EXPECT_GE(test, h.pages, 63 * BLOCK - 10);
	KUNIT_EXPECT_LT(test, h.pages, 64 * BLOCK);
	/* A long tick (a stalled worker) loses more, never below 0. */
	imr_hot_step(&h, 0, 1000 * BUSY, 1000 * BUSY, 100000, MAX);
	KUNIT_EXPECT_EQ(test, h.pages, 0UL);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_NONE);
}

/* Quiet: halved per tick, 0 below a block, within a second from the cap. */
static void imr_hot_quiet_lets_go(struct kunit *test)
{
	struct imr_hot h = { .pages = MAX };
	unsigned int ticks = 0;

	imr_hot_step(&h, 0, BLOCK - 1, BLOCK - 1, TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_QUIET);
	KUNIT_EXPECT_EQ(test, h.pages, MAX / 2);
	for (ticks = 1; h.pages && ticks < 100; ticks++)
		imr_hot_step(&h, 0, 0, 0, TICK, MAX);
	KUNIT_EXPECT_LE(test, ticks * TICK, 1000U);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_NONE);
	/* Quiet is a rate: a long tick may allocate more and still be quiet. */
	h.pages = MAX;
	imr_hot_step(&h, 0, 5 * BLOCK - 1, 5 * BLOCK - 1, 5 * TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_QUIET);
	imr_hot_step(&h, 0, 5 * BLOCK, 5 * BLOCK, 5 * TICK, MAX);
	KUNIT_EXPECT_EQ(test, h.why, IMR_HOT_BUSY);
}

static void imr_hot_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, imr_hot_why_name(IMR_HOT_NONE), "none");
	KUNIT_EXPECT_STREQ(test, imr_hot_why_name(IMR_HOT_REUSE), "reuse");
	KUNIT_EXPECT_STREQ(test, imr_hot_why_name(IMR_HOT_BUSY), "busy");
	KUNIT_EXPECT_STREQ(test, imr_hot_why_name(IMR_HOT_QUIET), "quiet");
}

static struct kunit_case imr_hot_test_cases[] = {
	KUNIT_CASE(imr_hot_grows_on_reuse),
	KUNIT_CASE(imr_hot_capped),
	KUNIT_CASE(imr_hot_needs_churn),
	KUNIT_CASE(imr_hot_credit_carries),
	KUNIT_CASE(imr_hot_ignores_noise),
	KUNIT_CASE(imr_hot_busy_holds),
	KUNIT_CASE(imr_hot_quiet_lets_go),
	KUNIT_CASE(imr_hot_names),
	{}
};

static struct kunit_suite imr_hot_test_suite = {
	.name = "imr_guest_hot",
	.test_cases = imr_hot_test_cases,
};

kunit_test_suite(imr_hot_test_suite);

MODULE_LICENSE("GPL");
