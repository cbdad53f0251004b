// SPDX-License-Identifier: GPL-2.0
/*
 * imr_ipftrace: claims a function as an IP-modifying ftrace user, the way a
 * livepatch does (FTRACE_OPS_FL_IPMODIFY), without changing anything.  It
 * loads only if ftrace lets it have the function: with imr_host loaded,
 * kvm_emulate_hypercall must be refused (-EBUSY).
 *
 *   insmod imr_ipftrace.ko [sym=kvm_emulate_hypercall]
 */
#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/string.h>

static char *sym = "kvm_emulate_hypercall";
module_param(sym, charp, 0444);
MODULE_PARM_DESC(sym, "Function to claim (default kvm_emulate_hypercall)");

static void imr_ipftrace_func(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops imr_ipftrace_ops = {
	.func = imr_ipftrace_func,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY,
};

static int __init imr_ipftrace_init(void)
{
	int err;

	err = ftrace_set_filter(&imr_ipftrace_ops, sym, strlen(sym), 1);
	if (err) {
		pr_err("no ftrace site %s: %d\n", sym, err);
		return err;
	}
	err = register_ftrace_function(&imr_ipftrace_ops);
	if (err) {
		pr_info("%s is refused to an IP-modifying user: %d\n", sym, err);
		ftrace_free_filter(&imr_ipftrace_ops);
		return err;
	}
	pr_info("holds %s as an IP-modifying user\n", sym);
	return 0;
}

static void __exit imr_ipftrace_exit(void)
{
	unregister_ftrace_function(&imr_ipftrace_ops);
	ftrace_free_filter(&imr_ipftrace_ops);
}

module_init(imr_ipftrace_init);
module_exit(imr_ipftrace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IMR test: an IP-modifying ftrace user of one function");
