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
 * Moving the IP is only safe from an ftrace_ops that says so
 * (FTRACE_OPS_FL_IPMODIFY), which is exclusive per function: without it, a
 * livepatch of the function or a BPF fexit/fmod_ret on it would run the
 * original body anyway and undo the redirect unseen.  kprobes arm a probe
 * that has a post_handler on kprobe_ipmodify_ops (kernel/kprobes.c,
 * arm_kprobe_ftrace(), both kernels), so the hypercall probe has one; it
 * is never called, as kprobes skip it when the pre-handler returns 1.
 * Another IP-modifying user of the function then makes registration fail
 * (-EBUSY), and one that comes later is refused: a livepatch of
 * kvm_emulate_hypercall cannot be applied while imr_host is loaded.
 *
 * Unload: unregister_kprobe() waits for running pre-handlers, after which no
 * vCPU can newly be redirected.  A vCPU counts itself in imr_inflight as
 * the first thing imr_hc_handle() does, so a redirect that never arrives
 * (whatever undid it) leaves no count behind.  One that was redirected but
 * has not counted itself yet has not scheduled voluntarily since the
 * pre-handler ran, so synchronize_rcu_tasks() waits for it; then the count
 * is waited for (each call it counts ends: its work is bounded and stops
 * for a fatal signal), and synchronize_rcu_tasks() again waits for the
 * last instructions after the count dropped.  Only then may the text go.
 *
 * A third kprobe marks VMs whose VMM asks for memory encryption (SEV,
 * SEV-ES, SNP: KVM_MEMORY_ENCRYPT_OP and its region ioctls, handled in
 * kvm.ko's kvm_arch_vm_ioctl() on both kernels, whichever vendor module
 * is loaded).  Marked on the attempt, whatever it returns: the safe side.
 */
#include <linux/kprobes.h>
#include <linux/kvm_host.h>
#include <linux/wait_bit.h>

#include "compat.h"
#include "imr_host.h"

/* How often exit says that it still waits for vCPUs inside the module. */
#define IMR_EXIT_WAIT_NOTE	(10 * HZ)

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
	instruction_pointer_set(regs, (unsigned long)imr_hc_handle);
	return 1;
}

/* Only its presence matters: it puts the probe on kprobe_ipmodify_ops. */
static void imr_hc_post(struct kprobe *kp, struct pt_regs *regs,
			unsigned long flags)
{
}

/* First thing imr_hc_handle() does. */
void imr_hook_enter(void)
{
	atomic_inc(&imr_inflight);
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

/* Atomic context too: only a compare and vm.c's GFP_ATOMIC mark. */
static int imr_vm_ioctl_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct file *filp = (struct file *)regs->di;

	switch ((unsigned int)regs->si) {
	case KVM_MEMORY_ENCRYPT_OP:
	case KVM_MEMORY_ENCRYPT_REG_REGION:
	case KVM_MEMORY_ENCRYPT_UNREG_REGION:
		imr_vm_mark_encrypted(filp->private_data);
		break;
	}
	return 0;
}

static struct kprobe imr_hc_kp = {
	.symbol_name = "kvm_emulate_hypercall",
	.pre_handler = imr_hc_pre,
	.post_handler = imr_hc_post,
};

static struct kprobe imr_vm_ioctl_kp = {
	.symbol_name = "kvm_arch_vm_ioctl",
	.pre_handler = imr_vm_ioctl_pre,
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
	if (err == -EBUSY && kp->post_handler)
		pr_err("cannot hook %s: another IP-modifying ftrace user (a livepatch?) holds it; remove it, then load imr_host\n",
		       kp->symbol_name);
	else if (err)
		pr_err("cannot hook %s: %d\n", kp->symbol_name, err);
	return err;
}

/*
 * The redirect must sit on an IP-modifying ftrace_ops.  A probe that joins
 * one already at the address (perf, bpftrace) shares that probe's ops,
 * which lack IPMODIFY when it has no post_handler; and on 6.1 a probe with
 * a post_handler that joins and leaves such a probe leaves the aggregate
 * marked as IP-modifying, so that disarming it later WARNs in
 * __disarm_kprobe_ftrace() (seen in the lab).  So a scout probe without a
 * post_handler looks first: kprobes link a joining probe into the
 * aggregate's list, a probe alone keeps an empty one.  A kprobe placed in
 * the moment between the scout and the real probe is not seen (docs/SECURITY.md).
 */
static struct kprobe imr_hc_scout = {
	.symbol_name = "kvm_emulate_hypercall",
};

static int imr_hc_register(void)
{
	bool shared;
	int err;

	err = imr_kprobe_register(&imr_hc_scout);
	if (err)
		return err;
	shared = !list_empty(&imr_hc_scout.list);
	unregister_kprobe(&imr_hc_scout);
	if (shared) {
		pr_err("cannot hook kvm_emulate_hypercall: another kprobe is on it (perf or bpftrace?); remove it, then load imr_host\n");
		return -EBUSY;
	}
	return imr_kprobe_register(&imr_hc_kp);
}

/* The destroy hook goes first, so no VM entry can outlive its VM. */
int imr_hook_init(void)
{
	int err;

	err = imr_kprobe_register(&imr_destroy_kp);
	if (err)
		return err;
	err = imr_kprobe_register(&imr_vm_ioctl_kp);
	if (err)
		goto err_destroy;
	err = imr_hc_register();
	if (err)
		goto err_ioctl;
	return 0;

err_ioctl:
	unregister_kprobe(&imr_vm_ioctl_kp);
err_destroy:
	unregister_kprobe(&imr_destroy_kp);
	return err;
}

/* Bounded by the calls in flight; says so while it lasts. */
static void imr_hook_drain(void)
{
	while (!wait_var_event_timeout(&imr_inflight,
				       !atomic_read(&imr_inflight),
				       IMR_EXIT_WAIT_NOTE))
		pr_info("unloading: %d vCPU(s) still inside a report\n",
			atomic_read(&imr_inflight));
}

void imr_hook_exit(void)
{
	unregister_kprobe(&imr_hc_kp);
	synchronize_rcu_tasks();
	imr_hook_drain();
	synchronize_rcu_tasks();
	unregister_kprobe(&imr_vm_ioctl_kp);
	unregister_kprobe(&imr_destroy_kp);
}
