// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: imr_validate_array(), imr_validate_ranges() and imr_admit_report(),
 * table-driven.
 */
#include <kunit/test.h>
#include <linux/kernel.h>

#include "imr_abi.h"
#include "validate.h"

#define P(n)	((u64)(n) * IMR_PAGE_SIZE)

/* Guest layout: two adjacent RAM slots, a hole, then a read-only slot. */
static const struct {
	u64 base_gfn, npages, hva;
	bool ram;
} imr_test_slots[] = {
	{ 0x000, 0x100, 0x7f0000000000ULL, true },
	{ 0x100, 0x100, 0x7f1000000000ULL, true },
	{ 0x300, 0x100, 0x7f2000000000ULL, false },
};

static bool imr_test_lookup(void *ctx, u64 gfn, struct imr_slot *slot)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(imr_test_slots); i++) {
		if (gfn < imr_test_slots[i].base_gfn ||
		    gfn >= imr_test_slots[i].base_gfn + imr_test_slots[i].npages)
			continue;
		slot->base_gfn = imr_test_slots[i].base_gfn;
		slot->npages = imr_test_slots[i].npages;
		slot->userspace_addr = imr_test_slots[i].hva;
		slot->ram = imr_test_slots[i].ram;
		return true;
	}
	return false;
}

struct imr_ranges_case {
	const char *name;
	unsigned int count;
	struct { u64 gpa, len; } r[3];
	int expect;
};

static const struct imr_ranges_case imr_ranges_cases[] = {
	{ "good one", 1, { { P(1), P(1) } }, 0 },
	{ "good whole slot", 1, { { P(0x100), P(0x100) } }, 0 },
	{ "good three unsorted", 3,
	  { { P(0x150), P(2) }, { P(2), P(1) }, { P(0), P(2) } }, 0 },
	{ "adjacent", 2, { { P(4), P(4) }, { P(0), P(4) } }, 0 },
	{ "misaligned gpa", 1, { { P(1) + 8, P(1) } }, IMR_EINVAL },
	{ "misaligned len", 1, { { P(1), 512 } }, IMR_EINVAL },
	{ "zero length", 1, { { P(1), 0 } }, IMR_EINVAL },
	{ "overlapping", 2, { { P(8), P(4) }, { P(6), P(4) } }, IMR_EINVAL },
	{ "duplicate", 2, { { P(8), P(1) }, { P(8), P(1) } }, IMR_EINVAL },
	{ "nested", 2, { { P(8), P(8) }, { P(10), P(1) } }, IMR_EINVAL },
	{ "straddles two slots", 1, { { P(0xff), P(2) } }, IMR_ERANGE },
	{ "outside slots", 1, { { P(0x200), P(1) } }, IMR_ERANGE },
	{ "runs into hole", 1, { { P(0x1ff), P(2) } }, IMR_ERANGE },
	{ "read-only slot", 1, { { P(0x300), P(1) } }, IMR_ERANGE },
	{ "overflow", 1, { { 0xfffffffffffff000ULL, P(2) } }, IMR_EINVAL },
	{ "second bad", 2, { { P(1), P(1) }, { P(0x280), P(1) } }, IMR_ERANGE },
};

static void imr_ranges_case_desc(const struct imr_ranges_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(imr_ranges, imr_ranges_cases, imr_ranges_case_desc);

static void imr_validate_ranges_test(struct kunit *test)
{
	const struct imr_ranges_case *c = test->param_value;
	struct imr_range ranges[3];
	struct imr_span spans[3];
	unsigned int i;

	for (i = 0; i < c->count; i++) {
		ranges[i].gpa = cpu_to_le64(c->r[i].gpa);
		ranges[i].len = cpu_to_le64(c->r[i].len);
	}
	KUNIT_EXPECT_EQ(test, c->expect,
			imr_validate_ranges(ranges, c->count, imr_test_lookup,
					    NULL, spans));
}

/* Spans come back sorted and resolved to the slot's host address. */
static void imr_validate_spans_test(struct kunit *test)
{
	struct imr_range ranges[2] = {
		{ cpu_to_le64(P(0x102)), cpu_to_le64(P(1)) },
		{ cpu_to_le64(P(3)), cpu_to_le64(P(2)) },
	};
	struct imr_span spans[2];

	KUNIT_ASSERT_EQ(test, 0,
			imr_validate_ranges(ranges, 2, imr_test_lookup, NULL,
					    spans));
	KUNIT_EXPECT_EQ(test, spans[0].gpa, P(3));
	KUNIT_EXPECT_EQ(test, spans[0].len, P(2));
	KUNIT_EXPECT_EQ(test, spans[0].hva, 0x7f0000000000ULL + P(3));
	KUNIT_EXPECT_EQ(test, spans[1].gpa, P(0x102));
	KUNIT_EXPECT_EQ(test, spans[1].hva, 0x7f1000000000ULL + P(2));
}

/* IMR_MAX_RANGES one-page ranges: the largest valid call. */
static void imr_validate_max_test(struct kunit *test)
{
	struct imr_range *ranges;
	struct imr_span *spans;
	unsigned int i;

	ranges = kunit_kcalloc(test, IMR_MAX_RANGES, sizeof(*ranges),
			       GFP_KERNEL);
	spans = kunit_kcalloc(test, IMR_MAX_RANGES, sizeof(*spans),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ranges);
	KUNIT_ASSERT_NOT_NULL(test, spans);
	for (i = 0; i < IMR_MAX_RANGES; i++) {
		ranges[i].gpa = cpu_to_le64(P(IMR_MAX_RANGES - 1 - i));
		ranges[i].len = cpu_to_le64(P(1));
	}
	KUNIT_EXPECT_EQ(test, 0,
			imr_validate_ranges(ranges, IMR_MAX_RANGES,
					    imr_test_lookup, NULL, spans));
	KUNIT_EXPECT_EQ(test, spans[0].gpa, 0ULL);
	KUNIT_EXPECT_EQ(test, spans[IMR_MAX_RANGES - 1].gpa,
			P(IMR_MAX_RANGES - 1));
}

struct imr_array_case {
	const char *name;
	u64 gpa, count;
	int expect;
};

static const struct imr_array_case imr_array_cases[] = {
	{ "count 0", P(1), 0, IMR_EINVAL },
	{ "count 1", P(1), 1, 0 },
	{ "count max", P(1), IMR_MAX_RANGES, 0 },
	{ "count max+1", P(1), IMR_MAX_RANGES + 1, IMR_E2BIG },
	{ "count huge", P(1), ~0ULL, IMR_E2BIG },
	{ "last entry of page", P(2) - IMR_RANGE_SIZE, 1, 0 },
	{ "crosses page", P(2) - IMR_RANGE_SIZE, 2, IMR_EFAULT },
	{ "max not at page start", P(1) + IMR_RANGE_SIZE, IMR_MAX_RANGES,
	  IMR_EFAULT },
};

static void imr_array_case_desc(const struct imr_array_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(imr_array, imr_array_cases, imr_array_case_desc);

static void imr_validate_array_test(struct kunit *test)
{
	const struct imr_array_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, c->expect, imr_validate_array(c->gpa, c->count));
}

/* Facts against a report, besides its flags and array (imr_admit_case). */
#define IMR_T_DISABLED		BIT(0)	/* IMR off for the VM */
#define IMR_T_VFIO		BIT(1)	/* a device is assigned to the VM */
#define IMR_T_FOREIGN_MM	BIT(2)	/* caller not in the VM's mm */
#define IMR_T_SEV		BIT(3)	/* the VM asked for memory encryption */
#define IMR_T_ALL		(IMR_T_DISABLED | IMR_T_VFIO | IMR_T_FOREIGN_MM | \
				 IMR_T_SEV)

#define IMR_T_BIG	(IMR_MAX_RANGES + 1)
#define IMR_T_EDGE	(P(2) - IMR_RANGE_SIZE)	/* last entry of a page */

struct imr_admit_case {
	const char *name;
	u64 flags, gpa, count;
	unsigned int wrong;	/* IMR_T_* */
	int expect;
};

static const struct imr_admit_case imr_admit_cases[] = {
	/* Each refusal alone; the rest of the call is good. */
	{ "all good", 0, P(1), 1, 0, 0 },
	{ "all good, largest array", 0, P(1), IMR_MAX_RANGES, 0, 0 },
	{ "flags", 1, P(1), 1, 0, IMR_EINVAL },
	{ "flags top bit", 1ULL << 63, P(1), 1, 0, IMR_EINVAL },
	{ "count 0", 0, P(1), 0, 0, IMR_EINVAL },
	{ "count max+1", 0, P(1), IMR_T_BIG, 0, IMR_E2BIG },
	{ "array crosses page", 0, IMR_T_EDGE, 2, 0, IMR_EFAULT },
	{ "disabled", 0, P(1), 1, IMR_T_DISABLED, IMR_EBUSY },
	/* Refused for good, however well-formed the call is. */
	{ "VFIO device", 0, P(1), 1, IMR_T_VFIO, IMR_EREFUSED },
	{ "foreign mm", 0, P(1), 1, IMR_T_FOREIGN_MM, IMR_EFAULT },
	{ "SEV VM", 0, P(1), 1, IMR_T_SEV, IMR_EREFUSED },
	{ "SEV VM, foreign mm", 0, P(1), 1, IMR_T_SEV | IMR_T_FOREIGN_MM,
	  IMR_EREFUSED },
	{ "SEV VM, disabled", 0, P(1), 1, IMR_T_SEV | IMR_T_DISABLED,
	  IMR_EBUSY },
	{ "SEV VM, count 0", 0, P(1), 0, IMR_T_SEV, IMR_EINVAL },
	/*
	 * Several at once: flags, array, enabled, device, mm, in that order.
	 * Each case clears the winner of the one before and shows the next.
	 */
	{ "all wrong", 1, P(1), IMR_T_BIG, IMR_T_ALL, IMR_EINVAL },
	{ "array and later", 0, P(1), IMR_T_BIG, IMR_T_ALL, IMR_E2BIG },
	{ "disabled and later", 0, P(1), 1, IMR_T_ALL, IMR_EBUSY },
	{ "VFIO and foreign mm", 0, P(1), 1, IMR_T_VFIO | IMR_T_FOREIGN_MM,
	  IMR_EREFUSED },
	/* Pairs that skip a step. */
	{ "flags, VFIO", 1, P(1), 1, IMR_T_VFIO, IMR_EINVAL },
	{ "array, foreign mm", 0, P(1), IMR_T_BIG, IMR_T_FOREIGN_MM,
	  IMR_E2BIG },
	{ "disabled, VFIO", 0, P(1), 1, IMR_T_DISABLED | IMR_T_VFIO,
	  IMR_EBUSY },
	{ "disabled, foreign mm", 0, P(1), 1,
	  IMR_T_DISABLED | IMR_T_FOREIGN_MM, IMR_EBUSY },
	/*
	 * A bad array with a device assigned: the array's own code, so a
	 * guest bug is not masked.  Nothing is read or dropped either way.
	 */
	{ "VFIO, count 0", 0, P(1), 0, IMR_T_VFIO, IMR_EINVAL },
	{ "VFIO, count max+1", 0, P(1), IMR_T_BIG, IMR_T_VFIO, IMR_E2BIG },
	{ "VFIO, array crosses page", 0, IMR_T_EDGE, 2, IMR_T_VFIO,
	  IMR_EFAULT },
};

static void imr_admit_case_desc(const struct imr_admit_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(imr_admit, imr_admit_cases, imr_admit_case_desc);

static void imr_admit_report_test(struct kunit *test)
{
	const struct imr_admit_case *c = test->param_value;
	const struct imr_admit a = {
		.gpa = c->gpa,
		.count = c->count,
		.flags = c->flags,
		.enabled = !(c->wrong & IMR_T_DISABLED),
		.assigned_device = c->wrong & IMR_T_VFIO,
		.encrypted = c->wrong & IMR_T_SEV,
		.own_mm = !(c->wrong & IMR_T_FOREIGN_MM),
	};

	KUNIT_EXPECT_EQ(test, c->expect, imr_admit_report(&a));
}

/*
 * Every array case again, with a device assigned and all else good: a bad
 * array keeps imr_validate_array()'s code, a good one is refused.
 */
static void imr_admit_vfio_array_test(struct kunit *test)
{
	const struct imr_array_case *c = test->param_value;
	const struct imr_admit a = {
		.gpa = c->gpa,
		.count = c->count,
		.enabled = true,
		.assigned_device = true,
		.own_mm = true,
	};

	KUNIT_EXPECT_EQ(test, c->expect ? c->expect : IMR_EREFUSED,
			imr_admit_report(&a));
}

static struct kunit_case imr_validate_test_cases[] = {
	KUNIT_CASE_PARAM(imr_validate_ranges_test, imr_ranges_gen_params),
	KUNIT_CASE_PARAM(imr_validate_array_test, imr_array_gen_params),
	KUNIT_CASE_PARAM(imr_admit_report_test, imr_admit_gen_params),
	KUNIT_CASE_PARAM(imr_admit_vfio_array_test, imr_array_gen_params),
	KUNIT_CASE(imr_validate_spans_test),
	KUNIT_CASE(imr_validate_max_test),
	{}
};

static struct kunit_suite imr_validate_test_suite = {
	.name = "imr_host_validate",
	.test_cases = imr_validate_test_cases,
};

kunit_test_suite(imr_validate_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for IMR report validation");
