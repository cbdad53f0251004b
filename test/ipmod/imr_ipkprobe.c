// SPDX-License-Identifier: GPL-2.0
/*
 * imr_ipkprobe: another kprobe, the way perf, bpftrace or a debugging
 * module places one.  With post=1 it has a post_handler, so kprobes arm it
 * on kprobe_ipmodify_ops, the ftrace_ops imr_host's redirect shares; with
 * post=0 it sits on kprobe_ftrace_ops, which may not move the IP.
 *
 *   insmod imr_ipkprobe.ko sym=FUNCTION [post=1]
 */
#include <linux/kprobes.h>
#include <linux/module.h>

static char *sym = "kvm_arch_vcpu_ioctl";
module_param(sym, charp, 0444);
MODULE_PARM_DESC(sym, "Function to probe (default kvm_arch_vcpu_ioctl)");

static bool post = true;
module_param(post, bool, 0444);
MODULE_PARM_DESC(post, "Give the probe a post_handler (default 1)");

static atomic_long_t imr_ipkprobe_hits;

static int imr_ipkprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_long_inc(&imr_ipkprobe_hits);
	return 0;
}

static void imr_ipkprobe_post(struct kprobe *kp, struct pt_regs *regs,
			      unsigned long flags)
{
}

static struct kprobe imr_ipkprobe_kp = {
	.pre_handler = imr_ipkprobe_pre,
};

static int __init imr_ipkprobe_init(void)
{
	int err;

	imr_ipkprobe_kp.symbol_name = sym;
	if (post)
		imr_ipkprobe_kp.post_handler = imr_ipkprobe_post;
	err = register_kprobe(&imr_ipkprobe_kp);
	if (err) {
		pr_err("cannot probe %s: %d\n", sym, err);
		return err;
	}
	pr_info("probes %s (post_handler %s, %s)\n", sym, post ? "yes" : "no",
		imr_ipkprobe_kp.flags & KPROBE_FLAG_FTRACE ? "ftrace" : "int3");
	return 0;
}

static void __exit imr_ipkprobe_exit(void)
{
	unregister_kprobe(&imr_ipkprobe_kp);
	pr_info("%s was hit %ld times\n", sym, atomic_long_read(&imr_ipkprobe_hits));
}

module_init(imr_ipkprobe_init);
module_exit(imr_ipkprobe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IMR test: another kprobe beside imr_host's");
