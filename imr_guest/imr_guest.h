/* SPDX-License-Identifier: GPL-2.0 */
/* imr_guest: what the files of the module share. */
#ifndef IMR_GUEST_H
#define IMR_GUEST_H

#include <linux/atomic.h>
#include <linux/moduleparam.h>
#include <linux/types.h>

#include "imr_abi.h"

/* What the host said in its probe. */
struct imr_host_info {
	unsigned int version;
	unsigned int max_ranges;
	unsigned int features;
};

/* Counters shown in /sys/kernel/imr/guest/. */
struct imr_stats {
	atomic64_t reported_bytes;	/* acknowledged by the host */
	atomic64_t reports;		/* IMR_OP_REPORT hypercalls */
	atomic64_t report_errors;	/* ... that returned < 0 */
	atomic64_t reused_bytes;	/* reported memory allocated again */
	atomic64_t last_report_us;	/* duration of the last hypercall */
	atomic64_t reserve_hits;	/* report() calls refused: reserve */
	atomic64_t untracked_bytes;	/* not reported: hot-added after load */
	atomic64_t pcp_drains;		/* a CPU's per-CPU lists drained (pcp.c) */
	atomic64_t pcp_drained_bytes;	/* ... moved to the buddy allocator */
	atomic64_t pcp_skips;		/* ... not drained: the CPU kept allocating */
	atomic64_t hot_holds;		/* report() calls refused: hot reserve */
};

extern struct imr_stats imr_stats;

/* hypercall.c */
long imr_hc_probe(void);
long imr_hc_report(phys_addr_t array, unsigned int n);
int imr_host_probe(struct imr_host_info *info);

/* report.c: one batch of isolated blocks to the host */
struct scatterlist;
int imr_report(struct scatterlist *sgl, unsigned int nents, long *host_gone);
int imr_report_init(unsigned int max_ranges);
void imr_report_exit(void);
void imr_report_set_max(unsigned int max_ranges);
unsigned long imr_report_reserve_kib(void);
void imr_report_set_reserve_kib(unsigned long kib);
unsigned long imr_report_default_reserve_kib(void);

/* control.c: registration with free page reporting */
int imr_control_init(bool enabled, unsigned int order);
void imr_control_exit(void);
int imr_control_set_enabled(bool on);
bool imr_control_enabled(void);
int imr_control_set_order(unsigned int order);
unsigned int imr_control_order(void);
struct delayed_work *imr_control_work(void);
void imr_control_kick(void);

/* hooks.c: report right away instead of 2 s after a free */
int imr_hooks_init(unsigned int delay_ms);
void imr_hooks_exit(void);
void imr_hooks_set_delay_ms(unsigned int ms);
void imr_hooks_report_done(int err);
unsigned int imr_hooks_backoff_ms(void);

/* pcp.c: blocks parked on the per-CPU free lists */
void imr_pcp_start(unsigned int grace_ms);
void imr_pcp_stop(void);
void imr_pcp_exit(void);
void imr_pcp_kick(void);
unsigned long imr_pcp_pages(void);
void imr_pcp_set_grace_ms(unsigned int ms);
unsigned long imr_pcp_allocs(int cpu);
unsigned long imr_pcp_frees(int cpu);

/* hold.c: the hot reserve, memory the guest is about to reuse */
void imr_hold_start(unsigned long max_kib);
void imr_hold_stop(void);
unsigned long imr_hold_pages(void);
const char *imr_hold_why(void);
void imr_hold_reported(void);
void imr_hold_held_back(void);
void imr_hold_set_max_kib(unsigned long kib);
unsigned long imr_hold_max_kib(void);
unsigned long imr_hold_default_max_kib(void);

/* track.c: which reported pages are still free */
int imr_track_init(void);
void imr_track_exit(void);
void imr_track_reported(const struct imr_range *r, unsigned int n);
bool imr_track_covers(phys_addr_t pa, unsigned long len);
unsigned long imr_track_live_pages(void);
unsigned long imr_track_live_in(phys_addr_t pa, unsigned long len);
u64 imr_track_reused_within(unsigned int last);

/* settings.c: one validated setter per setting (parameters, sysfs) */
extern const struct kernel_param_ops imr_enabled_ops;
extern const struct kernel_param_ops imr_min_order_ops;
extern const struct kernel_param_ops imr_delay_ms_ops;
extern const struct kernel_param_ops imr_reserve_kib_ops;
extern const struct kernel_param_ops imr_pcp_grace_ms_ops;
extern const struct kernel_param_ops imr_hot_max_kib_ops;
bool imr_setting_enabled(void);
unsigned int imr_setting_min_order(void);
unsigned int imr_setting_delay_ms(void);
unsigned int imr_setting_pcp_grace_ms(void);
void imr_settings_start(void);
void imr_settings_stop(void);

/* sysfs.c */
int imr_sysfs_init(void);
void imr_sysfs_exit(void);

#define IMR_DELAY_MS_MAX	10000U
#define IMR_PCP_GRACE_MS_MAX	60000U
/* Passes while the hot reserve holds: PAGE_REPORTING_DELAY (2 * HZ). */
#define IMR_HOLD_DELAY_JIFFIES	(2 * HZ)

#endif /* IMR_GUEST_H */
