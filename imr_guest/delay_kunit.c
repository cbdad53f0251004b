// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of imr_guest/delay.c: the delay hooks.c writes for the next
 * report pass is never 0 jiffies, and backs off while reports are refused.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>

#include "delay.h"

/* delay_ms=0 is "as soon as possible": one jiffy, never a direct queue. */
static void imr_delay_never_zero(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, imr_delay_to_jiffies(0), 1UL);
	KUNIT_EXPECT_GE(test, imr_delay_to_jiffies(1), 1UL);
	KUNIT_EXPECT_EQ(test, imr_delay_to_jiffies(10000), msecs_to_jiffies(10000));
}

/* Refusals: 20, 40, ... 640, then 1000 ms and no more; success: 0. */
static void imr_backoff_doubles_to_cap(struct kunit *test)
{
	static const unsigned int want[] = { 20, 40, 80, 160, 320, 640, 1000, 1000 };
	unsigned int i, ms = 0;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		ms = imr_backoff_next_ms(ms, true);
		KUNIT_EXPECT_EQ(test, ms, want[i]);
	}
	KUNIT_EXPECT_EQ(test, imr_backoff_next_ms(ms, false), 0U);
	KUNIT_EXPECT_EQ(test, imr_backoff_next_ms(0, false), 0U);
}

/* From any state: a refusal never shortens the wait nor passes the cap. */
static void imr_backoff_bounded(struct kunit *test)
{
	unsigned int ms, next;

	for (ms = 0; ms <= 2 * IMR_BACKOFF_MAX_MS; ms++) {
		next = imr_backoff_next_ms(ms, true);
		KUNIT_EXPECT_LE(test, next, IMR_BACKOFF_MAX_MS);
		KUNIT_EXPECT_GE(test, next, min(ms, IMR_BACKOFF_MAX_MS));
		KUNIT_EXPECT_GE(test, next, IMR_BACKOFF_FIRST_MS);
	}
}

static struct kunit_case imr_delay_test_cases[] = {
	KUNIT_CASE(imr_delay_never_zero),
	KUNIT_CASE(imr_backoff_doubles_to_cap),
	KUNIT_CASE(imr_backoff_bounded),
	{}
};

static struct kunit_suite imr_delay_test_suite = {
	.name = "imr_guest_delay",
	.test_cases = imr_delay_test_cases,
};

kunit_test_suite(imr_delay_test_suite);

MODULE_LICENSE("GPL");
