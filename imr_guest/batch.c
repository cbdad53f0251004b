// SPDX-License-Identifier: GPL-2.0
/*
 * Building the range array of one report: collect, sort by address, merge
 * neighbours (never across IMR_BATCH_MERGE_BOUNDARY), then hand it out in
 * chunks of at most the host's maximum.  The array is the hypercall buffer
 * itself, so it is kept little-endian throughout.
 */
#include <linux/errno.h>
#include <linux/sort.h>
#include <asm/byteorder.h>

#include "batch.h"

void imr_batch_init(struct imr_batch *b, struct imr_range *buf,
		    unsigned int cap)
{
	b->r = buf;
	b->n = 0;
	b->cap = cap;
}

/* Append one block: 4 KiB aligned, non-empty, no wrap-around. */
int imr_batch_add(struct imr_batch *b, u64 gpa, u64 len)
{
	if (!len || (gpa | len) & (IMR_PAGE_SIZE - 1) || gpa + len < gpa)
		return -EINVAL;
	if (b->n >= b->cap)
		return -ENOSPC;
	b->r[b->n].gpa = cpu_to_le64(gpa);
	b->r[b->n].len = cpu_to_le64(len);
	b->n++;
	return 0;
}

static int imr_range_cmp(const void *a, const void *b)
{
	u64 x = le64_to_cpu(((const struct imr_range *)a)->gpa);
	u64 y = le64_to_cpu(((const struct imr_range *)b)->gpa);

	return x < y ? -1 : x > y;
}

static bool imr_range_mergeable(u64 end, u64 next)
{
	return end == next && (next & (IMR_BATCH_MERGE_BOUNDARY - 1));
}

/*
 * Sort and merge in place.  Overlapping blocks cannot come from the buddy
 * allocator; if they ever do, refuse the batch (the host would too).
 */
int imr_batch_finish(struct imr_batch *b)
{
	unsigned int i, out = 0;
	u64 end;

	if (!b->n)
		return 0;
	sort(b->r, b->n, sizeof(*b->r), imr_range_cmp, NULL);
	for (i = 1; i < b->n; i++) {
		u64 gpa = le64_to_cpu(b->r[i].gpa);
		u64 len = le64_to_cpu(b->r[i].len);

		end = le64_to_cpu(b->r[out].gpa) + le64_to_cpu(b->r[out].len);
		if (gpa < end)
			return -EINVAL;
		if (imr_range_mergeable(end, gpa))
			b->r[out].len = cpu_to_le64(le64_to_cpu(b->r[out].len) + len);
		else
			b->r[++out] = b->r[i];
	}
	b->n = out + 1;
	return 0;
}

/* Number of ranges of the chunk that starts at @pos (0 at the end). */
unsigned int imr_batch_chunk(const struct imr_batch *b, unsigned int pos,
			     unsigned int max)
{
	if (pos >= b->n || !max)
		return 0;
	return b->n - pos < max ? b->n - pos : max;
}

u64 imr_batch_bytes(const struct imr_range *r, unsigned int n)
{
	u64 sum = 0;

	while (n--)
		sum += le64_to_cpu(r[n].len);
	return sum;
}
