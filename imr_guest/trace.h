/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM imr_guest

#if !defined(IMR_GUEST_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define IMR_GUEST_TRACE_H

#include <linux/tracepoint.h>

/* One IMR_OP_REPORT hypercall: ranges, bytes, the host's answer, its time. */
TRACE_EVENT(report,
	    TP_PROTO(unsigned int nents, u64 bytes, long result, u64 us),
	    TP_ARGS(nents, bytes, result, us),
	    TP_STRUCT__entry(__field(unsigned int, nents)
			     __field(u64, bytes)
			     __field(long, result)
			     __field(u64, us)),
	    TP_fast_assign(__entry->nents = nents;
			   __entry->bytes = bytes;
			   __entry->result = result;
			   __entry->us = us;),
	    TP_printk("nents=%u bytes=%llu result=%ld us=%llu",
		      __entry->nents, __entry->bytes, __entry->result, __entry->us)
);

/*
 * A batch of @nents blocks refused by the reserve or held back by the hot
 * reserve on top of it (report.c): what it saw, in KiB.  Free memory still
 * backed is free + pcp - (returned - in_batch): the isolated batch is not
 * in "free", its live frames are in "returned".
 */
TRACE_EVENT(reserve_hit,
	    TP_PROTO(unsigned int nents, u64 free_kib, u64 pcp_kib,
		     u64 returned_kib, u64 in_batch_kib, u64 reserve_kib,
		     u64 hot_kib),
	    TP_ARGS(nents, free_kib, pcp_kib, returned_kib, in_batch_kib,
		    reserve_kib, hot_kib),
	    TP_STRUCT__entry(__field(unsigned int, nents)
			     __field(u64, free_kib)
			     __field(u64, pcp_kib)
			     __field(u64, returned_kib)
			     __field(u64, in_batch_kib)
			     __field(u64, reserve_kib)
			     __field(u64, hot_kib)),
	    TP_fast_assign(__entry->nents = nents;
			   __entry->free_kib = free_kib;
			   __entry->pcp_kib = pcp_kib;
			   __entry->returned_kib = returned_kib;
			   __entry->in_batch_kib = in_batch_kib;
			   __entry->reserve_kib = reserve_kib;
			   __entry->hot_kib = hot_kib;),
	    TP_printk("nents=%u free_kib=%llu pcp_kib=%llu returned_kib=%llu in_batch_kib=%llu reserve_kib=%llu hot_kib=%llu",
		      __entry->nents, __entry->free_kib, __entry->pcp_kib,
		      __entry->returned_kib, __entry->in_batch_kib,
		      __entry->reserve_kib, __entry->hot_kib)
);

/*
 * The hot reserve changed (hold.c): its size and why (hot.h), and what the
 * tick saw: KiB of reported memory reused, pages allocated and freed, in
 * how many ms.
 */
TRACE_EVENT(hot_reserve,
	    TP_PROTO(u64 kib, unsigned int why, u64 reused_kib,
		     unsigned long allocs, unsigned long frees,
		     unsigned int elapsed_ms),
	    TP_ARGS(kib, why, reused_kib, allocs, frees, elapsed_ms),
	    TP_STRUCT__entry(__field(u64, kib)
			     __field(unsigned int, why)
			     __field(u64, reused_kib)
			     __field(unsigned long, allocs)
			     __field(unsigned long, frees)
			     __field(unsigned int, elapsed_ms)),
	    TP_fast_assign(__entry->kib = kib;
			   __entry->why = why;
			   __entry->reused_kib = reused_kib;
			   __entry->allocs = allocs;
			   __entry->frees = frees;
			   __entry->elapsed_ms = elapsed_ms;),
	    TP_printk("kib=%llu why=%s reused_kib=%llu allocs=%lu frees=%lu elapsed_ms=%u",
		      __entry->kib,
		      __print_symbolic(__entry->why, { 0, "none" }, { 1, "reuse" },
				       { 2, "busy" }, { 3, "quiet" }),
		      __entry->reused_kib, __entry->allocs, __entry->frees,
		      __entry->elapsed_ms)
);

/* One CPU's per-CPU lists drained (pcp.c): blocks moved, their bytes. */
TRACE_EVENT(pcp_drain,
	    TP_PROTO(int cpu, unsigned int blocks, u64 bytes),
	    TP_ARGS(cpu, blocks, bytes),
	    TP_STRUCT__entry(__field(int, cpu)
			     __field(unsigned int, blocks)
			     __field(u64, bytes)),
	    TP_fast_assign(__entry->cpu = cpu;
			   __entry->blocks = blocks;
			   __entry->bytes = bytes;),
	    TP_printk("cpu=%d blocks=%u bytes=%llu",
		      __entry->cpu, __entry->blocks, __entry->bytes)
);

/*
 * A CPU whose lists hold blocks was not drained: it allocated @allocs
 * pages since the drain was armed (pcp.c, still.h).
 */
TRACE_EVENT(pcp_skip,
	    TP_PROTO(int cpu, unsigned long allocs),
	    TP_ARGS(cpu, allocs),
	    TP_STRUCT__entry(__field(int, cpu)
			     __field(unsigned long, allocs)),
	    TP_fast_assign(__entry->cpu = cpu;
			   __entry->allocs = allocs;),
	    TP_printk("cpu=%d allocs=%lu", __entry->cpu, __entry->allocs)
);

#endif /* IMR_GUEST_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
