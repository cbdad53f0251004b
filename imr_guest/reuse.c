// SPDX-License-Identifier: GPL-2.0
/* How soon reported memory was used again (see reuse.h). */
#include <linux/kernel.h>

#include "reuse.h"

/* Upper bound of each bucket but the last, ms; decades, as operators read. */
static const unsigned int imr_reuse_limits_ms[IMR_REUSE_BUCKETS - 1] = {
	10, 100, 1000, 10000,
};

/* The bucket of a reuse @age_ms after its report: the first limit >= it. */
unsigned int imr_reuse_bucket(unsigned int age_ms)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(imr_reuse_limits_ms); i++)
		if (age_ms <= imr_reuse_limits_ms[i])
			return i;
	return IMR_REUSE_BUCKETS - 1;
}

/* Upper bound of @bucket, ms; 0 for the last one (no bound). */
unsigned int imr_reuse_bucket_ms(unsigned int bucket)
{
	return bucket < ARRAY_SIZE(imr_reuse_limits_ms) ?
	       imr_reuse_limits_ms[bucket] : 0;
}
