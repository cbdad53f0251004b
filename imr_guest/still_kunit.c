// SPDX-License-Identifier: GPL-2.0
/* KUnit suite of imr_guest/still.c: when a CPU counts as still. */
#include <kunit/test.h>
#include <linux/limits.h>

#include "still.h"

#define LIMIT	IMR_STILL_PAGES

static void imr_still_counts(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, imr_still(1000, 1000, LIMIT));
	KUNIT_EXPECT_TRUE(test, imr_still(1000, 1000 + LIMIT - 1, LIMIT));
	/* One THP allocation (512 pages) is reuse, not noise. */
	KUNIT_EXPECT_FALSE(test, imr_still(1000, 1000 + LIMIT, LIMIT));
	KUNIT_EXPECT_FALSE(test, imr_still(0, 1UL << 30, LIMIT));
}

/* The kernel's counters wrap; the difference is what counts. */
static void imr_still_wraps(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, imr_still(ULONG_MAX - 10, 5, LIMIT));
	KUNIT_EXPECT_FALSE(test, imr_still(ULONG_MAX - 10, LIMIT, LIMIT));
}

/* Counts folded away by CPU hotplug run backwards: not still. */
static void imr_still_backwards(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, imr_still(1000, 999, LIMIT));
}

/* A rate (one block per 100 ms), never less than one block. */
static void imr_still_limit_rate(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, imr_still_limit(0), LIMIT);
	KUNIT_EXPECT_EQ(test, imr_still_limit(4), LIMIT);
	KUNIT_EXPECT_EQ(test, imr_still_limit(199), LIMIT);
	KUNIT_EXPECT_EQ(test, imr_still_limit(200), 2 * LIMIT);
	KUNIT_EXPECT_EQ(test, imr_still_limit(60000), 600 * LIMIT);
	KUNIT_EXPECT_EQ(test, imr_still_limit(UINT_MAX), (UINT_MAX / 100UL) * LIMIT);
}

/* Flat, then doubling, capped at 10 s, never under the grace time. */
static void imr_still_retry(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, imr_still_retry_ms(100, 0), 100U);
	KUNIT_EXPECT_EQ(test, imr_still_retry_ms(100, 3), 100U);
	KUNIT_EXPECT_EQ(test, imr_still_retry_ms(100, 4), 200U);
	KUNIT_EXPECT_EQ(test, imr_still_retry_ms(100, 9), 6400U);
	KUNIT_EXPECT_EQ(test, imr_still_retry_ms(100, 10), IMR_STILL_RETRY_MAX_MS);
	KUNIT_EXPECT_EQ(test, imr_still_retry_ms(100, UINT_MAX), IMR_STILL_RETRY_MAX_MS);
	KUNIT_EXPECT_EQ(test, imr_still_retry_ms(60000, 3), 60000U);
	KUNIT_EXPECT_EQ(test, imr_still_retry_ms(UINT_MAX, 16), UINT_MAX);
}

static struct kunit_case imr_still_test_cases[] = {
	KUNIT_CASE(imr_still_counts),
	KUNIT_CASE(imr_still_wraps),
	KUNIT_CASE(imr_still_backwards),
	KUNIT_CASE(imr_still_limit_rate),
	KUNIT_CASE(imr_still_retry),
	{}
};

static struct kunit_suite imr_still_test_suite = {
	.name = "imr_guest_still",
	.test_cases = imr_still_test_cases,
};

kunit_test_suite(imr_still_test_suite);

MODULE_LICENSE("GPL");
