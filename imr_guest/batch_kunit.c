// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of imr_guest/batch.c: free blocks in, the hypercall's range
 * array out (sorted, merged, chunked at the host's maximum).  Table-driven.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "batch.h"
#include "imr_abi.h"

#define KIB(x)	((u64)(x) << 10)
#define MIB(x)	((u64)(x) << 20)
#define GIB(x)	((u64)(x) << 30)

#define IMR_T_MAX	8

struct imr_t_blk {
	u64 gpa, len;
};

struct imr_batch_case {
	const char *desc;
	unsigned int nin;
	struct imr_t_blk in[IMR_T_MAX];
	int add_err;		/* expected from the last imr_batch_add() */
	int finish_err;
	unsigned int nout;
	struct imr_t_blk out[IMR_T_MAX];
	unsigned int host_max;
	unsigned int chunks;	/* hypercalls needed at host_max */
};

static const struct imr_batch_case imr_batch_cases[] = {
	{ "empty", 0, {}, 0, 0, 0, {}, 256, 0 },
	{ "one-4k", 1, { { 0x1000, KIB(4) } }, 0, 0,
	  1, { { 0x1000, KIB(4) } }, 256, 1 },
	{ "one-2m", 1, { { MIB(2), MIB(2) } }, 0, 0,
	  1, { { MIB(2), MIB(2) } }, 256, 1 },
	{ "sorted", 3, { { MIB(8), MIB(2) }, { MIB(2), MIB(2) }, { MIB(20), MIB(2) } },
	  0, 0, 3, { { MIB(2), MIB(2) }, { MIB(8), MIB(2) }, { MIB(20), MIB(2) } },
	  256, 1 },
	{ "merge-adjacent", 3, { { MIB(4), MIB(2) }, { MIB(2), MIB(2) }, { MIB(6), MIB(2) } },
	  0, 0, 1, { { MIB(2), MIB(6) } }, 256, 1 },
	{ "merge-mixed-sizes", 3, { { 0x3000, KIB(4) }, { 0x1000, KIB(8) }, { 0x8000, KIB(4) } },
	  0, 0, 2, { { 0x1000, KIB(12) }, { 0x8000, KIB(4) } }, 256, 1 },
	{ "no-merge-across-128m", 2, { { MIB(126), MIB(2) }, { MIB(128), MIB(2) } },
	  0, 0, 2, { { MIB(126), MIB(2) }, { MIB(128), MIB(2) } }, 256, 1 },
	{ "merge-above-4g", 2, { { GIB(5) + MIB(2), MIB(2) }, { GIB(5), MIB(2) } },
	  0, 0, 1, { { GIB(5), MIB(4) } }, 256, 1 },
	{ "chunk-at-host-max", 5, { { MIB(2), MIB(2) }, { MIB(6), MIB(2) }, { MIB(10), MIB(2) },
	  { MIB(14), MIB(2) }, { MIB(18), MIB(2) } }, 0, 0,
	  5, { { MIB(2), MIB(2) }, { MIB(6), MIB(2) }, { MIB(10), MIB(2) },
	  { MIB(14), MIB(2) }, { MIB(18), MIB(2) } }, 2, 3 },
	{ "host-max-one", 2, { { 0, KIB(4) }, { MIB(1), KIB(4) } }, 0, 0,
	  2, { { 0, KIB(4) }, { MIB(1), KIB(4) } }, 1, 2 },
	{ "overlap-refused", 2, { { MIB(2), MIB(2) }, { MIB(3), MIB(2) } }, 0, -EINVAL,
	  0, {}, 256, 0 },
	{ "duplicate-refused", 2, { { MIB(2), MIB(2) }, { MIB(2), MIB(2) } }, 0, -EINVAL,
	  0, {}, 256, 0 },
	{ "unaligned-gpa", 1, { { 0x1800, KIB(4) } }, -EINVAL, 0, 0, {}, 256, 0 },
	{ "unaligned-len", 1, { { 0x1000, 100 } }, -EINVAL, 0, 0, {}, 256, 0 },
	{ "empty-len", 1, { { 0x1000, 0 } }, -EINVAL, 0, 0, {}, 256, 0 },
	{ "wraps", 1, { { ~0ULL - 0xfff, KIB(8) } }, -EINVAL, 0, 0, {}, 256, 0 },
};

static void imr_batch_case_desc(const struct imr_batch_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(imr_batch, imr_batch_cases, imr_batch_case_desc);

static struct imr_range *imr_t_buf(struct kunit *test)
{
	struct imr_range *buf;

	buf = kunit_kzalloc(test, IMR_PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

/* Add every block; the result of the last add is what the case expects. */
static int imr_t_fill(struct imr_batch *b, const struct imr_batch_case *c)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < c->nin; i++)
		err = imr_batch_add(b, c->in[i].gpa, c->in[i].len);
	return err;
}

static void imr_batch_table(struct kunit *test)
{
	const struct imr_batch_case *c = test->param_value;
	unsigned int i, pos, n, chunks = 0;
	struct imr_batch b;

	imr_batch_init(&b, imr_t_buf(test), IMR_MAX_RANGES);
	KUNIT_ASSERT_EQ(test, imr_t_fill(&b, c), c->add_err);
	if (c->add_err)
		return;
	KUNIT_ASSERT_EQ(test, imr_batch_finish(&b), c->finish_err);
	if (c->finish_err)
		return;
	KUNIT_ASSERT_EQ(test, b.n, c->nout);
	for (i = 0; i < c->nout; i++) {
		KUNIT_EXPECT_EQ(test, le64_to_cpu(b.r[i].gpa), c->out[i].gpa);
		KUNIT_EXPECT_EQ(test, le64_to_cpu(b.r[i].len), c->out[i].len);
	}
	for (pos = 0; (n = imr_batch_chunk(&b, pos, c->host_max)); pos += n) {
		KUNIT_EXPECT_LE(test, n, c->host_max);
		chunks++;
	}
	KUNIT_EXPECT_EQ(test, pos, c->nout);
	KUNIT_EXPECT_EQ(test, chunks, c->chunks);
}

/* Byte totals survive merging. */
static void imr_batch_bytes_kept(struct kunit *test)
{
	const struct imr_batch_case *c = &imr_batch_cases[4];
	struct imr_batch b;
	u64 in = 0;
	unsigned int i;

	imr_batch_init(&b, imr_t_buf(test), IMR_MAX_RANGES);
	KUNIT_ASSERT_EQ(test, imr_t_fill(&b, c), 0);
	for (i = 0; i < c->nin; i++)
		in += c->in[i].len;
	KUNIT_EXPECT_EQ(test, imr_batch_bytes(b.r, b.n), in);
	KUNIT_ASSERT_EQ(test, imr_batch_finish(&b), 0);
	KUNIT_EXPECT_EQ(test, imr_batch_bytes(b.r, b.n), in);
}

/* A full page of ranges, then -ENOSPC. */
static void imr_batch_full(struct kunit *test)
{
	struct imr_batch b;
	unsigned int i;

	imr_batch_init(&b, imr_t_buf(test), IMR_MAX_RANGES);
	for (i = 0; i < IMR_MAX_RANGES; i++)
		KUNIT_ASSERT_EQ(test, imr_batch_add(&b, MIB(4) * i, MIB(2)), 0);
	KUNIT_EXPECT_EQ(test, imr_batch_add(&b, GIB(4), MIB(2)), -ENOSPC);
	KUNIT_ASSERT_EQ(test, imr_batch_finish(&b), 0);
	KUNIT_EXPECT_EQ(test, b.n, (unsigned int)IMR_MAX_RANGES);
	KUNIT_EXPECT_EQ(test, imr_batch_chunk(&b, 0, 256), 256U);
	KUNIT_EXPECT_EQ(test, imr_batch_chunk(&b, 0, 0), 0U);
}

/* Reversed input of 32 adjacent order-0 pages becomes one range. */
static void imr_batch_reverse_merge(struct kunit *test)
{
	struct imr_batch b;
	unsigned int i;

	imr_batch_init(&b, imr_t_buf(test), IMR_MAX_RANGES);
	for (i = 32; i-- > 0;)
		KUNIT_ASSERT_EQ(test, imr_batch_add(&b, MIB(1) + KIB(4) * i, KIB(4)), 0);
	KUNIT_ASSERT_EQ(test, imr_batch_finish(&b), 0);
	KUNIT_ASSERT_EQ(test, b.n, 1U);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(b.r[0].gpa), MIB(1));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(b.r[0].len), KIB(128));
}

static struct kunit_case imr_batch_test_cases[] = {
	KUNIT_CASE_PARAM(imr_batch_table, imr_batch_gen_params),
	KUNIT_CASE(imr_batch_bytes_kept),
	KUNIT_CASE(imr_batch_full),
	KUNIT_CASE(imr_batch_reverse_merge),
	{}
};

static struct kunit_suite imr_batch_test_suite = {
	.name = "imr_guest_batch",
	.test_cases = imr_batch_test_cases,
};

kunit_test_suite(imr_batch_test_suite);

MODULE_LICENSE("GPL");
