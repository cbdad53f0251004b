/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic of whether imr_guest may load on this machine: main.c gathers
 * the facts, imr_admit() decides and says why not.  No kernel state read
 * here, so KUnit can test every combination.
 */
#ifndef IMR_GUEST_ADMIT_H
#define IMR_GUEST_ADMIT_H

#include <linux/types.h>

struct imr_admit_env {
	bool mem_encrypted;	/* cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT) */
	bool page_poisoning;	/* page_poisoning_enabled_static() */
};

int imr_admit(const struct imr_admit_env *env, const char **why);

#endif /* IMR_GUEST_ADMIT_H */
