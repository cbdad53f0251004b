// SPDX-License-Identifier: GPL-2.0
/* May imr_guest load here?  (admit.h) */
#include <linux/errno.h>
#include <linux/stddef.h>

#include "admit.h"

/* One pr_err line each: the reason, then what to do. */
#define IMR_WHY_ENCRYPTED "guest memory is encrypted (SEV/TDX): the host cannot read the report buffer, every report would fail; IMR does not support confidential VMs, do not load imr_guest in this one"
#define IMR_WHY_POISON "page poisoning is on: boot without page_poison=1"

/*
 * 0, or a negative errno with *@why set to one line for pr_err(): the
 * reason and what to do.  A refused insmod beats a module that loads and
 * then fails every report.
 */
int imr_admit(const struct imr_admit_env *env, const char **why)
{
	/*
	 * SEV and TDX guests: the range array the host reads by guest-physical
	 * address is encrypted (ciphertext to the host), so every report
	 * would fail for as long as the module is loaded.
	 */
	if (env->mem_encrypted) {
		*why = IMR_WHY_ENCRYPTED;
		return -EOPNOTSUPP;
	}
	/* Poisoned free pages hold a pattern; after a report they read zeros. */
	if (env->page_poisoning) {
		*why = IMR_WHY_POISON;
		return -EINVAL;
	}
	*why = NULL;
	return 0;
}
