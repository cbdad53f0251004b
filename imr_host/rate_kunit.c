// SPDX-License-Identifier: GPL-2.0
/* KUnit: imr_rate_admit(), the per-VM call and byte ceilings. */
#include <kunit/test.h>
#include <linux/kernel.h>

#include "rate.h"

#define MS	1000000ULL
#define T0	(1000 * 1000 * MS)	/* some time after boot */

/* 100 calls/s: 10 a window, the eleventh refused, the next window open. */
static void imr_rate_calls_test(struct kunit *test)
{
	const struct imr_rate_limit lim = { .calls_per_s = 100 };
	struct imr_rate r = {};
	int i;

	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0 + i, 4096));
	KUNIT_EXPECT_FALSE(test, imr_rate_admit(&r, &lim, T0 + 99 * MS, 4096));
	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0 + 100 * MS, 4096));
}

/* A refused call is not charged: refusals alone never extend the wait. */
static void imr_rate_refusal_free_test(struct kunit *test)
{
	const struct imr_rate_limit lim = { .calls_per_s = 10 };
	struct imr_rate r = {};
	int i;

	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0, 4096));
	for (i = 1; i < 1000; i++)
		KUNIT_EXPECT_FALSE(test, imr_rate_admit(&r, &lim, T0 + i * 10000, 4096));
	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0 + 100 * MS, 4096));
}

/*
 * 1 GiB/s: 100 MiB a window.  One call of 512 MiB goes through once; the
 * debt keeps the VM out for the next four windows and lets it in at the
 * fifth.
 */
static void imr_rate_bytes_debt_test(struct kunit *test)
{
	const struct imr_rate_limit lim = { .bytes_per_s = 1000ULL << 20 };
	struct imr_rate r = {};

	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0, 512ULL << 20));
	KUNIT_EXPECT_FALSE(test, imr_rate_admit(&r, &lim, T0 + 1, 4096));
	KUNIT_EXPECT_FALSE(test, imr_rate_admit(&r, &lim, T0 + 400 * MS, 4096));
	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0 + 500 * MS, 4096));
}

/* No ceilings: everything goes, and nothing is charged for later. */
static void imr_rate_unlimited_test(struct kunit *test)
{
	const struct imr_rate_limit none = {};
	const struct imr_rate_limit some = { .calls_per_s = 10 };
	struct imr_rate r = {};
	int i;

	for (i = 0; i < 100000; i++)
		KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &none, T0 + i, 1ULL << 40));
	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &some, T0 + 100000, 4096));
}

/* 10 GiB/s: a 1 TiB call is paid off after 1024 windows, not before. */
static void imr_rate_big_call_test(struct kunit *test)
{
	const struct imr_rate_limit lim = { .bytes_per_s = 10ULL << 30 };
	struct imr_rate r = {};

	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0, 1ULL << 40));
	KUNIT_EXPECT_FALSE(test, imr_rate_admit(&r, &lim, T0 + 102300 * MS, 1));
	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0 + 102400 * MS, 1));
}

/* Ceilings near 2^64 neither wrap the charge nor the pay-off. */
static void imr_rate_overflow_test(struct kunit *test)
{
	const struct imr_rate_limit lim = { .bytes_per_s = U64_MAX };
	struct imr_rate r = {};

	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0, U64_MAX - 5));
	KUNIT_EXPECT_FALSE(test, imr_rate_admit(&r, &lim, T0 + 500 * MS, 1));
	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0 + 1100 * MS, 1));
	KUNIT_EXPECT_TRUE(test, imr_rate_admit(&r, &lim, T0 + 1101 * MS, U64_MAX));
	KUNIT_EXPECT_EQ(test, r.bytes, U64_MAX);
}

static struct kunit_case imr_rate_test_cases[] = {
	KUNIT_CASE(imr_rate_calls_test),
	KUNIT_CASE(imr_rate_refusal_free_test),
	KUNIT_CASE(imr_rate_bytes_debt_test),
	KUNIT_CASE(imr_rate_unlimited_test),
	KUNIT_CASE(imr_rate_big_call_test),
	KUNIT_CASE(imr_rate_overflow_test),
	{}
};

static struct kunit_suite imr_rate_test_suite = {
	.name = "imr_host_rate",
	.test_cases = imr_rate_test_cases,
};

kunit_test_suite(imr_rate_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for IMR's per-VM ceilings");
