// SPDX-License-Identifier: GPL-2.0
/*
 * The replacement for kvm_emulate_hypercall() on an IMR call (see hook.c).
 * It runs in the vCPU thread, preemptible, under the VM's SRCU read lock.
 *
 * KVM exports no CPL or operand-width getter, so the replacement lets KVM
 * find out: it puts IMR_HC_CPL_PROBE in RAX and calls the exported
 * kvm_emulate_hypercall() (the pre-handler lets that number through).  KVM
 * checks the CPL, skips the instruction and writes -KVM_EPERM (CPL > 0) or
 * -KVM_ENOSYS to RAX, truncated to 32 bits outside 64-bit mode.  That tells
 * us both; then RAX is overwritten with IMR's answer.
 */
#include <linux/kvm_host.h>
#include <linux/kvm_para.h>

#include "compat.h"
#include "imr_host.h"

struct imr_hc_args {
	unsigned long nr, a0, a1, a2, a3;
	bool op_64_bit;
};

static void imr_hc_read_args(struct kvm_vcpu *vcpu, struct imr_hc_args *a)
{
	a->nr = vcpu->arch.regs[VCPU_REGS_RAX];
	a->a0 = vcpu->arch.regs[VCPU_REGS_RBX];
	a->a1 = vcpu->arch.regs[VCPU_REGS_RCX];
	a->a2 = vcpu->arch.regs[VCPU_REGS_RDX];
	a->a3 = vcpu->arch.regs[VCPU_REGS_RSI];
}

/*
 * From KVM's answer to IMR_HC_CPL_PROBE: false if KVM's answer stands (user
 * mode, or a number that is not IMR's once truncated, or anything odd).
 */
static bool imr_hc_decode(unsigned long rax, struct imr_hc_args *a)
{
	if (rax == (unsigned long)-KVM_ENOSYS) {
		a->op_64_bit = true;
	} else if (rax == (u32)-KVM_ENOSYS) {
		a->op_64_bit = false;
		a->nr = (u32)a->nr;
		a->a0 = (u32)a->a0;
		a->a1 = (u32)a->a1;
		a->a2 = (u32)a->a2;
		a->a3 = (u32)a->a3;
	} else {
		return false;
	}
	return a->nr == KVM_HC_IMR;
}

static long imr_probe(unsigned long guest_version)
{
	if (!guest_version)
		return -IMR_EOPNOTSUPP;
	return IMR_PROBE_MAKE(IMR_ABI_VERSION, IMR_MAX_RANGES,
			      IMR_FEAT_REPORT | IMR_FEAT_SHMEM |
			      (READ_ONCE(imr_hugetlb_enabled) ?
			       IMR_FEAT_HUGETLB : 0));
}

static long imr_hc_dispatch(struct kvm_vcpu *vcpu, const struct imr_hc_args *a)
{
	struct imr_vm *vm;
	long ret;

	/* Even a probe creates the VM's directory: a test can see it. */
	vm = imr_vm_get(vcpu->kvm);
	switch (a->a0) {
	case IMR_OP_PROBE:
		ret = imr_probe(a->a1);
		break;
	case IMR_OP_REPORT:
		ret = imr_report(vcpu, vm, a->a1, a->a2, a->a3);
		break;
	default:
		ret = -IMR_EOPNOTSUPP;
		break;
	}
	imr_vm_put(vm);
	return ret;
}

static int imr_hc_emulate(struct kvm_vcpu *vcpu)
{
	struct imr_hc_args a;
	unsigned long ret;
	int r;

	imr_hc_read_args(vcpu, &a);
	vcpu->arch.regs[VCPU_REGS_RAX] = IMR_HC_CPL_PROBE;
	r = kvm_emulate_hypercall(vcpu);
	if (!imr_hc_decode(vcpu->arch.regs[VCPU_REGS_RAX], &a))
		return r;
	ret = imr_hc_dispatch(vcpu, &a);
	vcpu->arch.regs[VCPU_REGS_RAX] = a.op_64_bit ? ret : (u32)ret;
	return r;
}

/* Entered from hook.c's pre-handler instead of kvm_emulate_hypercall(). */
int imr_hc_handle(struct kvm_vcpu *vcpu)
{
	int r;

	imr_hook_enter();
	r = imr_hc_emulate(vcpu);
	imr_hook_leave();
	return r;
}
