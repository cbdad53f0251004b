// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit checks of the invariants of common/imr_abi.h.  Compiled into the
 * UML kernel built by test/kunit.sh (always, whatever the manifest says).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/limits.h>

#include "imr_abi.h"

static void imr_abi_range_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct imr_range), (size_t)IMR_RANGE_SIZE);
	KUNIT_EXPECT_EQ(test, IMR_RANGE_SIZE, 16);
	KUNIT_EXPECT_EQ(test, offsetof(struct imr_range, gpa), (size_t)0);
	KUNIT_EXPECT_EQ(test, offsetof(struct imr_range, len), (size_t)8);
	KUNIT_EXPECT_EQ(test, __alignof__(struct imr_range), (size_t)8);
}

static void imr_abi_ranges_fill_one_page(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, IMR_PAGE_SIZE, 4096UL);
	KUNIT_EXPECT_EQ(test, IMR_MAX_RANGES * IMR_RANGE_SIZE, IMR_PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, IMR_MAX_RANGES * sizeof(struct imr_range),
			(size_t)IMR_PAGE_SIZE);
	/* The probe reports IMR_MAX_RANGES in a 16-bit field. */
	KUNIT_EXPECT_LE(test, IMR_MAX_RANGES, 0xffffUL);
	KUNIT_EXPECT_GT(test, IMR_MAX_RANGES, 0UL);
}

struct imr_probe_case {
	unsigned long ver, max, feat;
	const char *desc;
};

static const struct imr_probe_case imr_probe_cases[] = {
	{ 0, 0, 0, "zero" },
	{ IMR_ABI_VERSION, IMR_MAX_RANGES, IMR_FEAT_REPORT, "current" },
	{ IMR_ABI_VERSION, IMR_MAX_RANGES,
	  IMR_FEAT_REPORT | IMR_FEAT_SHMEM | IMR_FEAT_HUGETLB, "all-features" },
	{ 0xffff, 0xffff, 0x7fffffff, "all-ones" },
	{ 0x1234, 0x0001, 0x40000001, "mixed" },
	{ 0xffff, 0, 0, "max-version-only" },
	{ 0, 0xffff, 0, "max-ranges-only" },
	{ 0, 0, 0x7fffffff, "max-features-only" },
};

static void imr_probe_case_desc(const struct imr_probe_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(imr_probe, imr_probe_cases, imr_probe_case_desc);

static void imr_abi_probe_round_trip(struct kunit *test)
{
	const struct imr_probe_case *c = test->param_value;
	unsigned long r = IMR_PROBE_MAKE(c->ver, c->max, c->feat);

	KUNIT_EXPECT_EQ(test, IMR_PROBE_VERSION(r), c->ver);
	KUNIT_EXPECT_EQ(test, IMR_PROBE_MAX_RANGES(r), c->max);
	KUNIT_EXPECT_EQ(test, IMR_PROBE_FEATURES(r), c->feat);
	/* A probe result is >= 0: it must never look like -IMR_E*. */
	KUNIT_EXPECT_GE(test, (long)r, 0L);
}

static void imr_abi_probe_never_negative(struct kunit *test)
{
	/* Out-of-range inputs are masked, never spill into bit 63. */
	unsigned long r = IMR_PROBE_MAKE(~0UL, ~0UL, ~0UL);

	KUNIT_EXPECT_GE(test, (long)r, 0L);
	KUNIT_EXPECT_EQ(test, IMR_PROBE_VERSION(r), 0xffffUL);
	KUNIT_EXPECT_EQ(test, IMR_PROBE_MAX_RANGES(r), 0xffffUL);
	KUNIT_EXPECT_EQ(test, IMR_PROBE_FEATURES(r), 0x7fffffffUL);
	KUNIT_EXPECT_EQ(test, IMR_PROBE_FEATURES(~0UL), 0x7fffffffUL);
	/* Feature bits are distinct and fit the 31-bit field. */
	KUNIT_EXPECT_EQ(test, IMR_FEAT_REPORT & IMR_FEAT_SHMEM, 0U);
	KUNIT_EXPECT_EQ(test, IMR_FEAT_REPORT & IMR_FEAT_HUGETLB, 0U);
	KUNIT_EXPECT_EQ(test, IMR_FEAT_SHMEM & IMR_FEAT_HUGETLB, 0U);
	KUNIT_EXPECT_EQ(test, (IMR_FEAT_REPORT | IMR_FEAT_SHMEM |
			       IMR_FEAT_HUGETLB) & ~0x7fffffffU, 0U);
}

static void imr_abi_error_codes(struct kunit *test)
{
	static const long codes[] = {
		IMR_EPERM, IMR_EFAULT, IMR_EBUSY, IMR_EINVAL, IMR_E2BIG,
		IMR_ERANGE, IMR_EOPNOTSUPP, IMR_ENOSYS, IMR_EREFUSED,
	};
	int i, j;

	KUNIT_EXPECT_EQ(test, IMR_SUCCESS, 0);
	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		KUNIT_EXPECT_GT_MSG(test, codes[i], 0L, "code #%d", i);
		/* Returned negated: must stay far from a valid probe result. */
		KUNIT_EXPECT_LT_MSG(test, codes[i], 4096L, "code #%d", i);
		for (j = i + 1; j < ARRAY_SIZE(codes); j++)
			KUNIT_EXPECT_NE_MSG(test, codes[i], codes[j],
					    "codes #%d and #%d", i, j);
	}
	/* Where KVM has the code, the number is KVM's. */
	KUNIT_EXPECT_EQ(test, IMR_ENOSYS, 1000);
	KUNIT_EXPECT_EQ(test, IMR_EPERM, 1);
	KUNIT_EXPECT_EQ(test, IMR_EINVAL, 22);
	KUNIT_EXPECT_EQ(test, IMR_EOPNOTSUPP, 95);
}

static void imr_abi_hypercall_number(struct kunit *test)
{
	/* Upstream KVM_HC_* are 1..12; stay far above them ... */
	KUNIT_EXPECT_GT(test, KVM_HC_IMR, 0xffffUL);
	/* ... yet survive KVM's 32-bit truncation outside 64-bit mode. */
	KUNIT_EXPECT_LE(test, KVM_HC_IMR, (unsigned long)U32_MAX);
	KUNIT_EXPECT_NE(test, IMR_OP_PROBE, IMR_OP_REPORT);
	KUNIT_EXPECT_GE(test, IMR_ABI_VERSION, 1);
}

static struct kunit_case imr_abi_cases[] = {
	KUNIT_CASE(imr_abi_range_layout),
	KUNIT_CASE(imr_abi_ranges_fill_one_page),
	KUNIT_CASE_PARAM(imr_abi_probe_round_trip, imr_probe_gen_params),
	KUNIT_CASE(imr_abi_probe_never_negative),
	KUNIT_CASE(imr_abi_error_codes),
	KUNIT_CASE(imr_abi_hypercall_number),
	{}
};

static struct kunit_suite imr_abi_suite = {
	.name = "imr_abi",
	.test_cases = imr_abi_cases,
};
kunit_test_suite(imr_abi_suite);

MODULE_LICENSE("GPL");
