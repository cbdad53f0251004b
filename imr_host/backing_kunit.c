// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: imr_backing_kind(), table-driven: which backings IMR drops, and
 * that pinned-by-design, userfaultfd-armed, read-only and (by default)
 * hugetlb memory is left alone.
 */
#include <kunit/test.h>
#include <linux/kernel.h>

#include "backing.h"

struct imr_backing_case {
	const char *name;
	struct imr_vma_facts f;
	int expect;
};

#define RW	.writable = true
#define ANON	.anonymous = true, RW
#define MEMFD	.shared = true, .tmpfs = true, RW
#define HUGE	.hugetlb = true, .hugetlbfs = true, RW

static const struct imr_backing_case imr_backing_cases[] = {
	{ "private anonymous", { ANON }, IMR_KIND_ANON },
	{ "anonymous, read-only", { .anonymous = true }, IMR_KIND_SKIP },
	{ "anonymous, locked/pfnmap/io", { ANON, .special = true },
	  IMR_KIND_SKIP },
	{ "anonymous, userfaultfd armed", { ANON, .uffd = true },
	  IMR_KIND_SKIP },
	{ "shared anonymous (shmem)", { .anonymous = true, .shared = true,
	  .tmpfs = true, RW }, IMR_KIND_SHMEM },
	{ "memfd", { MEMFD }, IMR_KIND_SHMEM },
	{ "memfd, read-only", { .shared = true, .tmpfs = true },
	  IMR_KIND_SKIP },
	{ "memfd, userfaultfd armed", { MEMFD, .uffd = true }, IMR_KIND_SKIP },
	{ "memfd, private (COW)", { .tmpfs = true, RW }, IMR_KIND_SKIP },
	{ "other file, shared", { .shared = true, RW }, IMR_KIND_SKIP },
	{ "hugetlb private, default", { HUGE }, IMR_KIND_SKIP },
	{ "hugetlb shared, default", { HUGE, .shared = true }, IMR_KIND_SKIP },
	{ "hugetlb private, opted in", { HUGE, .hugetlb_enabled = true },
	  IMR_KIND_HUGETLB },
	{ "hugetlb shared, opted in", { HUGE, .shared = true,
	  .hugetlb_enabled = true }, IMR_KIND_HUGETLB_FILE },
	{ "hugetlb opted in, read-only", { .hugetlb = true, .hugetlbfs = true,
	  .hugetlb_enabled = true }, IMR_KIND_SKIP },
	{ "hugetlb opted in, uffd", { HUGE, .hugetlb_enabled = true,
	  .uffd = true }, IMR_KIND_SKIP },
	{ "hugetlb opted in, not hugetlbfs", { .hugetlb = true, RW,
	  .hugetlb_enabled = true }, IMR_KIND_SKIP },
	{ "hugetlb opted in, locked", { HUGE, .hugetlb_enabled = true,
	  .special = true }, IMR_KIND_SKIP },
};

static void imr_backing_case_desc(const struct imr_backing_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(imr_backing, imr_backing_cases, imr_backing_case_desc);

static void imr_backing_kind_test(struct kunit *test)
{
	const struct imr_backing_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, c->expect, imr_backing_kind(&c->f));
}

static struct kunit_case imr_backing_test_cases[] = {
	KUNIT_CASE_PARAM(imr_backing_kind_test, imr_backing_gen_params),
	{}
};

static struct kunit_suite imr_backing_test_suite = {
	.name = "imr_host_backing",
	.test_cases = imr_backing_test_cases,
};

kunit_test_suite(imr_backing_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for IMR's choice of droppable backings");
