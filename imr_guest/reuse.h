/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic of how soon reported memory is used again: track.c stamps
 * each 2 MiB region when the host takes a report of it, and on reuse
 * counts the bytes in the bucket of their age; sysfs shows the buckets
 * added up ("reused within 10 ms", ...).  Memory used again within
 * milliseconds of its report is what immediate reporting costs the guest
 * (a drop and a fault back in for nothing): the input a reuse-aware
 * policy needs, and what an operator wants to see first.  No mm here, so
 * KUnit can test it.
 */
#ifndef IMR_GUEST_REUSE_H
#define IMR_GUEST_REUSE_H

#include <linux/types.h>

/* Buckets: within 10, 100, 1000, 10000 ms of the report, then later. */
#define IMR_REUSE_BUCKETS	5

unsigned int imr_reuse_bucket(unsigned int age_ms);
unsigned int imr_reuse_bucket_ms(unsigned int bucket);

#endif /* IMR_GUEST_REUSE_H */
