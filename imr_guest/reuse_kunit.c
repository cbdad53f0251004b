// SPDX-License-Identifier: GPL-2.0
/* KUnit suite of imr_guest/reuse.c: which age lands in which bucket. */
#include <kunit/test.h>
#include <linux/limits.h>

#include "reuse.h"

/* A limit belongs to its bucket: "within 10 ms" includes 10 ms. */
static void imr_reuse_bucket_edges(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, imr_reuse_bucket(0), 0U);
	KUNIT_EXPECT_EQ(test, imr_reuse_bucket(10), 0U);
	KUNIT_EXPECT_EQ(test, imr_reuse_bucket(11), 1U);
	KUNIT_EXPECT_EQ(test, imr_reuse_bucket(100), 1U);
	KUNIT_EXPECT_EQ(test, imr_reuse_bucket(1000), 2U);
	KUNIT_EXPECT_EQ(test, imr_reuse_bucket(10000), 3U);
	KUNIT_EXPECT_EQ(test, imr_reuse_bucket(10001), 4U);
	KUNIT_EXPECT_EQ(test, imr_reuse_bucket(UINT_MAX), 4U);
}

/* sysfs.c names its files reused_within_{10,100,1000,10000}ms_bytes. */
static void imr_reuse_bucket_limits(struct kunit *test)
{
	static const unsigned int names_ms[] = { 10, 100, 1000, 10000 };
	unsigned int b;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(names_ms), (size_t)IMR_REUSE_BUCKETS - 1);
	for (b = 0; b + 1 < IMR_REUSE_BUCKETS; b++)
		KUNIT_EXPECT_EQ(test, imr_reuse_bucket_ms(b), names_ms[b]);

	for (b = 0; b + 1 < IMR_REUSE_BUCKETS; b++)
		KUNIT_EXPECT_EQ(test, imr_reuse_bucket(imr_reuse_bucket_ms(b)), b);
	KUNIT_EXPECT_EQ(test, imr_reuse_bucket_ms(IMR_REUSE_BUCKETS - 1), 0U);
}

static struct kunit_case imr_reuse_test_cases[] = {
	KUNIT_CASE(imr_reuse_bucket_edges),
	KUNIT_CASE(imr_reuse_bucket_limits),
	{}
};

static struct kunit_suite imr_reuse_test_suite = {
	.name = "imr_guest_reuse",
	.test_cases = imr_reuse_test_cases,
};

kunit_test_suite(imr_reuse_test_suite);

MODULE_LICENSE("GPL");
