// SPDX-License-Identifier: GPL-2.0
/*
 * The two IMR hypercalls.  kvm_hypercall*() emit VMCALL or VMMCALL, patched
 * by alternatives for the CPU vendor (and go through TDX on a TD guest).
 */
#include <linux/errno.h>
#include <linux/kvm_para.h>
#include <linux/printk.h>

#include "compat.h"
#include "imr_guest.h"

long imr_hc_probe(void)
{
	return kvm_hypercall2(KVM_HC_IMR, IMR_OP_PROBE, IMR_ABI_VERSION);
}

long imr_hc_report(phys_addr_t array, unsigned int n)
{
	return kvm_hypercall4(KVM_HC_IMR, IMR_OP_REPORT, array, n, 0);
}

/* Is there an IMR host we can talk to?  One pr_err saying why not. */
int imr_host_probe(struct imr_host_info *info)
{
	long r;

	if (!kvm_para_available()) {
		pr_err("not running under KVM: host has no IMR (imr_host not loaded?)\n");
		return -ENODEV;
	}
	r = imr_hc_probe();
	if (r < 0) {
		pr_err("host has no IMR (imr_host not loaded?): probe returned %ld\n", r);
		return -ENODEV;
	}
	info->version = IMR_PROBE_VERSION(r);
	info->max_ranges = IMR_PROBE_MAX_RANGES(r);
	info->features = IMR_PROBE_FEATURES(r);
	if (info->version != IMR_ABI_VERSION) {
		pr_err("host speaks IMR ABI version %u, this module %u\n",
		       info->version, IMR_ABI_VERSION);
		return -ENODEV;
	}
	if (!(info->features & IMR_FEAT_REPORT) || !info->max_ranges) {
		pr_err("host does not take reports (features %#x, max ranges %u)\n",
		       info->features, info->max_ranges);
		return -ENODEV;
	}
	return 0;
}
