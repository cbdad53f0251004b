// SPDX-License-Identifier: GPL-2.0
/*
 * Interception of KVM's hypercall path, the same on 6.1 and 6.12.
 *
 * svm/vmx's VMMCALL/VMCALL exit handlers call the exported
 * kvm_emulate_hypercall(vcpu).  A kprobe at its entry (ftrace-based, so the
 * pt_regs are the function's arguments) redirects an IMR call to
 * imr_hc_handle(), which has the same signature and so returns straight to
 * KVM's caller.  Every other call, and every VM that routes hypercalls to
 * Xen or Hyper-V emulation, runs KVM's code untouched.
 *
 * Unload: unregister_kprobe() waits for running pre-handlers, after which no
 * vCPU can newly enter imr_hc_handle().  The ones already redirected hold
 * imr_inflight, which we wait to reach zero.  A vCPU that has just dropped
 * it is still executing the last instructions of the replacement (and may
 * even be preempted there); it has not scheduled voluntarily, so
 * synchronize_rcu_tasks() waits for it.  Only then may the text go.
 */
#include <linux/kprobes.h>
#include <linux/kvm_host.h>
#include <linux/wait_bit.h>

#include "compat.h"
#include "imr_host.h"

static atomic_t imr_inflight = ATOMIC_INIT(0);

/* Atomic context: read-only checks on the vCPU, no sleeping. */
static bool imr_hc_is_ours(struct kvm_vcpu *vcpu)
{
	if ((u32)vcpu->arch.regs[VCPU_REGS_RAX] != KVM_HC_IMR)
		return false;
	if (vcpu->kvm->arch.xen_hvm_config.flags &
	    KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL)
		return false;
	return !imr_vcpu_hyperv_enabled(vcpu);
}

static int imr_hc_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kvm_vcpu *vcpu = (struct kvm_vcpu *)regs->di;

	if (!imr_hc_is_ours(vcpu))
		return 0;
	atomic_inc(&imr_inflight);
	instruction_pointer_set(regs, (unsigned long)imr_hc_handle);
	return 1;
}

/* Last thing imr_hc_handle() does. */
void imr_hook_leave(void)
{
	if (atomic_dec_and_test(&imr_inflight))
		wake_up_var(&imr_inflight);
}

/* Atomic context too: vm.c only unlinks here. */
static int imr_destroy_pre(struct kprobe *kp, struct pt_regs *regs)
{
	imr_vm_forget((const struct kvm *)regs->di);
	return 0;
}

static struct kprobe imr_hc_kp = {
	.symbol_name = "kvm_emulate_hypercall",
	.pre_handler = imr_hc_pre,
};

static struct kprobe imr_destroy_kp = {
	.symbol_name = "kvm_arch_destroy_vm",
	.pre_handler = imr_destroy_pre,
};

/*
 * Both handlers rely on an ftrace-based kprobe: at function entry with the
 * arguments in pt_regs, in process context (an int3 kprobe would run them
 * in NMI-like context, where vm.c's spinlock is not allowed).
 */
static int imr_kprobe_register(struct kprobe *kp)
{
	int err;

	err = register_kprobe(kp);
	if (!err && !(kp->flags & KPROBE_FLAG_FTRACE)) {
		unregister_kprobe(kp);
		err = -EOPNOTSUPP;
	}
	if (err)
		pr_err("cannot hook %s: %d\n", kp->symbol_name, err);
	return err;
}

/* The destroy hook goes first, so no VM entry can outlive its VM. */
int imr_hook_init(void)
{
	int err;

	err = imr_kprobe_register(&imr_destroy_kp);
	if (err)
		return err;
	err = imr_kprobe_register(&imr_hc_kp);
	if (err)
		goto err_destroy;
	return 0;

err_destroy:
	unregister_kprobe(&imr_destroy_kp);
	return err;
}

void imr_hook_exit(void)
{
	unregister_kprobe(&imr_hc_kp);
	wait_var_event(&imr_inflight, !atomic_read(&imr_inflight));
	synchronize_rcu_tasks();
	unregister_kprobe(&imr_destroy_kp);
}
