/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure batching logic: free blocks (gpa, len) -> the struct imr_range array
 * one IMR_OP_REPORT hypercall takes.  No mm internals, so KUnit can test it.
 */
#ifndef IMR_GUEST_BATCH_H
#define IMR_GUEST_BATCH_H

#include <linux/types.h>

#include "imr_abi.h"

/*
 * Ranges are never merged across a multiple of this: a memslot boundary is
 * at least memory-section aligned (128 MiB on x86-64), and the host refuses
 * a range that spans two memslots (-IMR_ERANGE).
 */
#define IMR_BATCH_MERGE_BOUNDARY	(128ULL << 20)

struct imr_batch {
	struct imr_range *r;	/* little-endian, as the host reads them */
	unsigned int n;		/* ranges in use */
	unsigned int cap;	/* ranges r[] holds */
};

void imr_batch_init(struct imr_batch *b, struct imr_range *buf,
		    unsigned int cap);
int imr_batch_add(struct imr_batch *b, u64 gpa, u64 len);
int imr_batch_finish(struct imr_batch *b);
unsigned int imr_batch_chunk(const struct imr_batch *b, unsigned int pos,
			     unsigned int max);
u64 imr_batch_bytes(const struct imr_range *r, unsigned int n);

#endif /* IMR_GUEST_BATCH_H */
